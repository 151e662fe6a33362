"""Ratings (SPEC 7): after a held session the leader or a quality supervisor (督导员) rates
each member of the panel in force 1 (poor) to 5 (excellent); the yearly review reads them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AssessmentSession, Examiner, PanelSeat, Rating
from models.base import SessionStatus
from services.discipline.actions import refuse_if
from services.messages import Problem

MESSAGES = {
    "not_held": {
        "zh": "场次 {session} 尚未举行，不能评分",
        "en": "session {session} has not been held: it cannot be rated yet",
    },
    "not_on_panel": {
        "zh": "考评员 {examiner} 不在场次 {session} 的考评小组中",
        "en": "examiner {examiner} was not on the panel of session {session}",
    },
    "bad_score": {"zh": "评分应为 1 至 5 的整数", "en": "the score must be a whole number 1 to 5"},
    "name_required": {"zh": "请填写评分人", "en": "name who rates"},
}


def rate(
    session: Session,
    assessment: AssessmentSession,
    examiner: Examiner,
    score: int,
    rated_by: str,
    comment: str | None = None,
) -> Rating:
    """Rate a panel member of a held session 1–5 (rating again replaces the score)."""
    label = {"session": assessment.code, "examiner": examiner.code}
    seat = session.scalar(
        select(PanelSeat.id).where(
            PanelSeat.session_id == assessment.id, PanelSeat.examiner_id == examiner.id
        )
    )
    refuse_if(
        None
        if assessment.status == SessionStatus.HELD
        else _problem("not_held", field="session", **label),
        None if seat else _problem("not_on_panel", field="session", **label),
        None if _is_score(score) else _problem("bad_score", field="score"),
        None if (rated_by or "").strip() else _problem("name_required", field="rated_by"),
    )
    rating = session.scalar(
        select(Rating).where(Rating.session_id == assessment.id, Rating.examiner_id == examiner.id)
    )
    if rating is None:
        rating = Rating(session_id=assessment.id, examiner_id=examiner.id)
        session.add(rating)
    rating.score, rating.rated_by, rating.comment = score, rated_by.strip(), comment
    session.flush()
    return rating


def _is_score(score: object) -> bool:
    return isinstance(score, int) and not isinstance(score, bool) and 1 <= score <= 5


def _problem(key: str, field: str, **params: object) -> Problem:
    return Problem.of(MESSAGES, key, field, **params)
