"""The yearly performance review (R2, SPEC 7) that proposes renewal or dismissal.

Ratings (`services.discipline.ratings`) feed it. The review of an examiner for a year rolls up the sessions served (seats on the panels in
force of sessions held that year), the ratings received for them, refusals and warnings.
When the examiner's latest appointment ends by the end of that year, `propose` applies
the rule below; otherwise the appointment runs on and the proposal is `continue`.

    dismiss  revoked or awaiting revocation; or a serious warning in the year; or
             2+ warnings in the year; or a mean rating below 3.0 over at least 3 ratings
    renew    otherwise

Deciding `renew` creates the next appointment: it starts the day after the last one ends,
lasts at most 3 years (the notice's cap) and keeps the previous terms and allowance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import (
    Appointment,
    AssessmentSession,
    Examiner,
    ExaminerWarning,
    Institution,
    PanelSeat,
    Rating,
    Refusal,
    Review,
)
from models.base import ExaminerStatus, SessionStatus
from models.discipline import ReviewOutcome
from services.discipline.actions import audit_examiner, refuse_if
from services.messages import Problem
from services.people.certificates import term_end

MAX_TERM_YEARS = 3

MESSAGES = {
    "name_required": {"zh": "请填写决定人", "en": "name who decides"},
    "decided": {"zh": "该年度考核已有决定", "en": "this review has already been decided"},
    "nothing_to_decide": {
        "zh": "聘期未在本年度结束，无需决定续聘或解聘",
        "en": "the appointment does not end this year: nothing to decide",
    },
    "bad_decision": {"zh": "决定应为续聘或解聘", "en": "the decision must be renew or dismiss"},
    "bad_term": {
        "zh": "续聘期限应为 1 至 3 年（通知第二条）",
        "en": "a renewal lasts 1 to 3 years (notice art. 2)",
    },
    "cannot_renew": {
        "zh": "考评员 {examiner} 已取消资格或待取消资格，不能续聘",
        "en": "examiner {examiner} is revoked or awaiting revocation: cannot be renewed",
    },
    "no_appointment": {
        "zh": "考评员 {examiner} 没有聘约可续",
        "en": "examiner {examiner} has no appointment to renew",
    },
    # Reasons shown with a proposal.
    "runs_on": {"zh": "聘期至 {end}", "en": "appointed until {end}"},
    "no_term": {"zh": "没有聘约", "en": "no appointment"},
    "status": {"zh": "资格已取消或待取消", "en": "revoked or awaiting revocation"},
    "serious": {"zh": "本年度有情节严重的警告", "en": "a serious warning this year"},
    "warnings": {"zh": "本年度警告 {count} 次", "en": "{count} warnings this year"},
    "low_score": {
        "zh": "本年度平均评分 {mean:.2f}（{count} 次评分）低于 {floor}",
        "en": "mean rating {mean:.2f} over {count} ratings is below {floor}",
    },
    "good_record": {"zh": "考核合格", "en": "satisfactory record"},
}


@dataclass(frozen=True)
class ReviewRule:
    """The thresholds of the review rule (see the module docstring)."""

    max_warnings: int = 1  # dismiss above this many warnings in the year
    min_mean: float = 3.0
    min_ratings: int = 3  # fewer ratings say too little to dismiss on


RULE = ReviewRule()


@dataclass(frozen=True)
class Figures:
    """An examiner's year in numbers, and what the rule needs beside them."""

    sessions_served: int
    ratings: int
    mean_score: float | None
    refusals: int
    warnings: int
    serious_warnings: int
    status: ExaminerStatus
    appointment_end: date | None


def rollup(session: Session, examiner: Examiner, year: int) -> Figures:
    """Count what the examiner did in `year` (calendar year)."""
    first, after = datetime(year, 1, 1), datetime(year + 1, 1, 1)
    held = (
        select(PanelSeat.session_id)
        .join(AssessmentSession, AssessmentSession.id == PanelSeat.session_id)
        .where(
            PanelSeat.examiner_id == examiner.id,
            AssessmentSession.status == SessionStatus.HELD,
            AssessmentSession.start >= first,
            AssessmentSession.start < after,
        )
    )
    served = session.scalars(select(func.count()).select_from(held.subquery())).one()
    count, mean = session.execute(
        select(func.count(Rating.id), func.avg(Rating.score)).where(
            Rating.examiner_id == examiner.id, Rating.session_id.in_(held)
        )
    ).one()
    in_year = (date(year, 1, 1), date(year, 12, 31))
    refusals = session.scalars(
        select(func.count()).where(
            Refusal.examiner_id == examiner.id, Refusal.refused_on.between(*in_year)
        )
    ).one()
    warnings = session.execute(
        select(ExaminerWarning.serious).where(
            ExaminerWarning.examiner_id == examiner.id, ExaminerWarning.issued_on.between(*in_year)
        )
    ).scalars()
    serious = list(warnings)
    end = session.scalar(
        select(func.max(Appointment.end)).where(Appointment.examiner_id == examiner.id)
    )
    return Figures(
        sessions_served=served,
        ratings=count,
        mean_score=float(mean) if mean is not None else None,
        refusals=refusals,
        warnings=len(serious),
        serious_warnings=sum(serious),
        status=examiner.status,
        appointment_end=end,
    )


def propose(
    figures: Figures, year: int, rule: ReviewRule = RULE
) -> tuple[ReviewOutcome, list[Problem]]:
    """The rule's proposal for the year, with the reasons for it."""
    end = figures.appointment_end
    if end is None:
        return ReviewOutcome.CONTINUE, [_problem("no_term")]
    if end > date(year, 12, 31):
        return ReviewOutcome.CONTINUE, [_problem("runs_on", end=end.isoformat())]
    reasons = []
    if figures.status in (ExaminerStatus.REVOKED, ExaminerStatus.REVOCATION_PENDING):
        reasons.append(_problem("status"))
    if figures.serious_warnings:
        reasons.append(_problem("serious"))
    if figures.warnings > rule.max_warnings:
        reasons.append(_problem("warnings", count=figures.warnings))
    mean = figures.mean_score
    if mean is not None and figures.ratings >= rule.min_ratings and mean < rule.min_mean:
        reasons.append(_problem("low_score", mean=mean, count=figures.ratings, floor=rule.min_mean))
    if reasons:
        return ReviewOutcome.DISMISS, reasons
    return ReviewOutcome.RENEW, [_problem("good_record")]


def review_examiner(
    session: Session, examiner: Examiner, year: int, rule: ReviewRule = RULE
) -> Review:
    """Compute (or recompute) the examiner's review of `year`; a decision already made stays."""
    figures = rollup(session, examiner, year)
    review = session.scalar(
        select(Review).where(Review.examiner_id == examiner.id, Review.year == year)
    )
    if review is None:
        review = Review(examiner_id=examiner.id, year=year)
        session.add(review)
    review.sessions_served = figures.sessions_served
    review.ratings = figures.ratings
    review.mean_score = figures.mean_score
    review.refusals = figures.refusals
    review.warnings = figures.warnings
    review.proposal = propose(figures, year, rule)[0]
    session.flush()
    return review


def review_year(
    session: Session, institution: Institution, year: int, rule: ReviewRule = RULE
) -> list[Review]:
    """Review every examiner of the institution appointed at some time during `year`."""
    examiners = session.scalars(
        select(Examiner)
        .where(
            Examiner.institution_id == institution.id,
            Examiner.id.in_(
                select(Appointment.examiner_id).where(
                    Appointment.start <= date(year, 12, 31), Appointment.end >= date(year, 1, 1)
                )
            ),
        )
        .order_by(Examiner.code)
    )
    return [review_examiner(session, examiner, year, rule) for examiner in examiners]


def decide_review(
    session: Session,
    review: Review,
    decision: ReviewOutcome | str,
    decided_by: str,
    decided_on: date,
    years: int = MAX_TERM_YEARS,
) -> Appointment | None:
    """Record the decision on a review; renewing creates (and returns) the next appointment."""
    examiner = review.examiner
    who = {"examiner": examiner.code}
    chosen = ReviewOutcome(decision) if decision in set(ReviewOutcome) else None
    refuse_if(
        _problem("decided", field="decision") if review.decision else None,
        _problem("nothing_to_decide", field="decision")
        if review.proposal == ReviewOutcome.CONTINUE
        else None,
        None
        if chosen in (ReviewOutcome.RENEW, ReviewOutcome.DISMISS)
        else _problem("bad_decision", field="decision"),
        None if (decided_by or "").strip() else _problem("name_required", field="decided_by"),
    )
    appointment = None
    if chosen == ReviewOutcome.RENEW:
        appointment = _renew(session, examiner, years, who)
    review.decision, review.decided_by, review.decided_on = chosen, decided_by.strip(), decided_on
    session.flush()
    audit_examiner(
        session,
        "review_decision",
        examiner,
        year=review.year,
        decision=chosen,
        proposal=review.proposal,
        appointment=appointment.id if appointment else None,
    )
    return appointment


def _renew(session: Session, examiner: Examiner, years: int, who: dict) -> Appointment:
    last = session.scalar(
        select(Appointment)
        .where(Appointment.examiner_id == examiner.id)
        .order_by(Appointment.end.desc())
        .limit(1)
    )
    refuse_if(
        None
        if isinstance(years, int) and 1 <= years <= MAX_TERM_YEARS
        else _problem("bad_term", field="appointment"),
        _problem("cannot_renew", field="status", **who)
        if examiner.status in (ExaminerStatus.REVOKED, ExaminerStatus.REVOCATION_PENDING)
        else None,
        None if last else _problem("no_appointment", field="appointment", **who),
    )
    assert last is not None  # refused above
    start = last.end + timedelta(days=1)
    appointment = Appointment(
        examiner_id=examiner.id,
        start=start,
        end=term_end(start, years),
        duties=last.duties,
        rights=last.rights,
        obligations=last.obligations,
        discipline=last.discipline,
        allowance_per_session=last.allowance_per_session,
    )
    session.add(appointment)
    session.flush()
    return appointment


def _problem(key: str, field: str = "review", **params: object) -> Problem:
    return Problem.of(MESSAGES, key, field, **params)
