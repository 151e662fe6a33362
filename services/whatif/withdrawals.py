"""Withdrawals from the published plan: checked, recorded and described.

A withdrawal is recorded as an `Unavailability` row (linked to the session withdrawn from,
with its reason): the examiner stays in the instance (SPEC 4.1), only unavailable. Checking
reads the published plan and the codes named; it builds no instance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AssessmentSession, Examiner, Institution, Plan, Unavailability
from models.base import PlanStatus
from services.messages import Problem, Refused
from services.planning.notes import Fact, fact
from services.planning.plans import WITHOUT_CONTENT

REASON_LIMIT = 200  # characters (Unavailability.reason)
MESSAGES = {
    "no_published": {
        "zh": "还没有已发布的方案，无法推演",
        "en": "no plan has been published yet: nothing to rerun against",
    },
    "unknown_examiner": {
        "zh": "没有编号为 {code} 的考评人员",
        "en": "no examiner with code {code}",
    },
    "unknown_session": {
        "zh": "已发布方案 v{version} 中没有场次 {code}",
        "en": "published plan v{version} has no session {code}",
    },
    "bad_period": {
        "zh": "退出期间 {start} 至 {end} 有误：结束早于开始",
        "en": "withdrawal period {start} to {end} ends before it starts",
    },
    "long_reason": {
        "zh": "退出原因最多 {limit} 个字（现有 {length} 个字）",
        "en": "the reason for withdrawing has at most {limit} characters (it has {length})",
    },
}


@dataclass(frozen=True)
class Withdrawal:
    """An examiner withdrawing from one session, or for a period (default: the whole plan)."""

    examiner: str
    session: str | None = None
    start: date | None = None
    end: date | None = None
    reason: str | None = None


def published_plan(db: Session, institution: Institution, content: bool = True) -> Plan:
    """The latest published plan of the institution; refused when none. Without `content`,
    its instance and result are loaded only when read."""
    query = (
        select(Plan)
        .where(Plan.institution_id == institution.id, Plan.status == PlanStatus.PUBLISHED)
        .order_by(Plan.version.desc())
        .limit(1)
    )
    if not content:
        query = query.options(*WITHOUT_CONTENT)
    plan = db.scalar(query)
    if plan is None:
        raise Refused([Problem.of(MESSAGES, "no_published", "plan")])
    return plan


def withdrawal_periods(
    db: Session,
    institution: Institution,
    published: Plan,
    withdrawals: list[Withdrawal],
    planned: set[str] | None = None,
) -> dict[str, list[tuple[date, date]]]:
    """Examiner code -> the periods withdrawn, checked as recording checks them (refused with
    every reason); writes nothing. `planned`: the published plan's session codes, if known."""
    examiners = _by_code(db, Examiner, institution, {w.examiner for w in withdrawals})
    sessions = _by_code(
        db, AssessmentSession, institution, {w.session for w in withdrawals if w.session}
    )
    if planned is None:
        planned = {s["id"] for s in published.instance.get("sessions", ())}
    problems: list[Problem] = []
    periods: dict[str, list[tuple[date, date]]] = {}
    for w in withdrawals:
        found = _check(w, examiners, sessions, planned, published)
        if isinstance(found, Problem):
            problems.append(found)
        else:
            periods.setdefault(w.examiner, []).append(found)
    if problems:
        raise Refused(problems)
    return periods


def record_withdrawals(
    db: Session, institution: Institution, published: Plan, withdrawals: list[Withdrawal]
) -> dict[str, list[tuple[date, date]]]:
    """Add one `Unavailability` per withdrawal; return examiner code -> periods withdrawn."""
    periods = withdrawal_periods(db, institution, published, withdrawals)
    examiners = _by_code(db, Examiner, institution, {w.examiner for w in withdrawals})
    sessions = _by_code(
        db, AssessmentSession, institution, {w.session for w in withdrawals if w.session}
    )
    taken = {code: iter(spans) for code, spans in periods.items()}
    for w in withdrawals:
        start, end = next(taken[w.examiner])
        session = sessions.get(w.session or "")
        db.add(
            Unavailability(
                examiner_id=examiners[w.examiner].id,
                start=start,
                end=end,
                reason=w.reason or "退出",
                session_id=session.id if session else None,
            )
        )
    db.flush()
    return periods


def _check(
    w: Withdrawal, examiners: dict, sessions: dict, planned: set[str], published: Plan
) -> Problem | tuple[date, date]:
    """The withdrawal's period, or why it cannot be recorded."""
    if w.reason is not None and len(w.reason) > REASON_LIMIT:
        return Problem.of(
            MESSAGES, "long_reason", "reason", limit=REASON_LIMIT, length=len(w.reason)
        )
    if w.examiner not in examiners:
        return Problem.of(MESSAGES, "unknown_examiner", "examiner", code=w.examiner)
    if w.session is not None:
        if w.session not in sessions or w.session not in planned:
            return Problem.of(
                MESSAGES, "unknown_session", "session", code=w.session, version=published.version
            )
        return days_touched(sessions[w.session].start, sessions[w.session].end)
    start, end = w.start or published.date_from, w.end or published.date_to
    if end < start:
        return Problem.of(MESSAGES, "bad_period", "date_range", start=start, end=end)
    return start, end


def _by_code(db: Session, model: Any, institution: Institution, codes: set[str]) -> dict[str, Any]:
    if not codes:
        return {}
    rows = db.scalars(
        select(model).where(model.institution_id == institution.id, model.code.in_(codes))
    )
    return {row.code: row for row in rows}


def days_touched(start: datetime, end: datetime) -> tuple[date, date]:
    """First and last calendar dates [start, end) touches."""
    return start.date(), max(start, end - timedelta(microseconds=1)).date()


def describe(withdrawals: list[Withdrawal]) -> list[Fact]:
    """The withdrawals as the new plan's note (`services.planning.notes`)."""
    return [
        fact("withdrew", examiner=w.examiner, where=w.session or f"{w.start or ''}~{w.end or ''}",
             reason=w.reason or "")
        for w in withdrawals
    ]  # fmt: skip
