"""An examiner's unavailability: days they cannot serve (leave, illness) and withdrawals.

A planner records a period on the examiner's page or removes one; What if records a
withdrawal the same way (`services.whatif.withdrawals.record_withdrawals`, linked to the session withdrawn
from). A new period may fall on sessions of the examiner's panels in force — someone falls
ill — so it is recorded all the same, and the sessions still to come that it touches are named
so that the planner replaces the examiner through What if; the dashboard's revalidation flags
the published plan as well. Removing a period only widens availability, so it is never
refused, even for a withdrawal a published plan was rebuilt around. Both go through the ORM,
so the change history records them (with the old values when removed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AssessmentSession, Examiner, Unavailability
from services.messages import Problem, Refused
from services.people.records import Seat, listed_sessions, seats_in_force

REASON_LENGTH = 200  # the column's size
MESSAGES = {
    "missing": {"zh": "不能为空", "en": "is required"},
    "period_order": {
        "zh": "结束日期 {end} 早于开始日期 {start}",
        "en": "the period ends on {end}, before it starts on {start}",
    },
    "reason_length": {
        "zh": "原因最多 {most} 个字（现为 {length} 个）",
        "en": "the reason is at most {most} characters long (this one has {length})",
    },
    "touches_panels": {
        "zh": "考评员 {name}（{examiner}）在此期间有在用考评小组的场次：{sessions_zh}。"
        "请通过“缺员替补”替换其席位并发布新方案；工作台的复核也会标出该方案。",
        "en": "Examiner {name} ({examiner}) sits on panels in force during this period: "
        "{sessions_en}. Replace them through What if and publish; the dashboard's "
        "revalidation flags the plan too.",
    },
    "suspended_on_panels": {
        "zh": "考评员 {name}（{examiner}）已暂停，但仍在在用考评小组的场次中：{sessions_zh}。"
        "请通过“缺员替补”替换其席位并发布新方案；工作台的复核也会标出该方案。",
        "en": "Examiner {name} ({examiner}) is suspended but still sits on panels in force: "
        "{sessions_en}. Replace them through What if and publish; the dashboard's "
        "revalidation flags the plan too.",
    },
}


@dataclass(frozen=True)
class Period:
    """One period as the examiner's page shows it, with the sessions to come it falls on."""

    id: int
    start: date
    end: date
    reason: str | None
    withdrawn_from: str | None  # the session a what-if withdrawal named
    clashes: list[Seat] = field(default_factory=list)

    def notice(self, examiner: Examiner, lang: str = "zh") -> str | None:
        """What the planner must do about the sessions it falls on (None: nothing)."""
        problem = clash_problem(examiner, self.clashes)
        return problem.reason(lang) if problem is not None else None


def period_problems(start: date | None, end: date | None, reason: str) -> list[Problem]:
    """Every reason a period cannot be recorded: a missing date, an end before the start."""
    problems = [
        Problem.of(MESSAGES, "missing", name)
        for name, day in (("period_start", start), ("period_end", end))
        if day is None
    ]
    if start is not None and end is not None and end < start:
        problems.append(Problem.of(MESSAGES, "period_order", "period_end", start=start, end=end))
    if len(reason) > REASON_LENGTH:
        problems.append(
            Problem.of(
                MESSAGES, "reason_length", "period_reason", most=REASON_LENGTH, length=len(reason)
            )
        )
    return problems


def add_period(
    session: Session, examiner: Examiner, start: date | None, end: date | None, reason: str = ""
) -> Period:
    """Record that `examiner` cannot serve from `start` to `end` (inclusive); `Refused` if bad.

    The period is recorded even when it falls on panels in force; the returned `clashes` are
    the sessions still to come it touches (to replace through What if).
    """
    reason = reason.strip()
    problems = period_problems(start, end, reason)
    if problems:
        raise Refused(problems)
    assert start is not None and end is not None  # checked above
    row = Unavailability(start=start, end=end, reason=reason or None)
    examiner.unavailability.append(row)
    session.flush()
    return Period(row.id, start, end, row.reason, None, clashes(session, examiner, start, end))


def remove_period(session: Session, period: Unavailability) -> Examiner:
    """Delete a period (it only widens availability); the change history keeps its values."""
    examiner = period.examiner
    examiner.unavailability.remove(period)
    session.delete(period)
    session.flush()
    return examiner


def clashes(session: Session, examiner: Examiner, start: date, end: date) -> list[Seat]:
    """The examiner's sessions still to come, on panels in force, that fall on these days."""
    return _falling_on(seats_in_force(session, examiner), start, end)


def examiner_periods(session: Session, examiner: Examiner) -> list[Period]:
    """The examiner's periods, latest first, each with the sessions to come it falls on."""
    rows = session.execute(
        select(Unavailability, AssessmentSession.code)
        .outerjoin(AssessmentSession, AssessmentSession.id == Unavailability.session_id)
        .where(Unavailability.examiner_id == examiner.id)
        .order_by(Unavailability.start.desc(), Unavailability.id.desc())
    ).all()
    seats = seats_in_force(session, examiner) if rows else []
    return [
        Period(u.id, u.start, u.end, u.reason, code, _falling_on(seats, u.start, u.end))
        for u, code in rows
    ]


def clash_problem(examiner: Examiner, seats: list[Seat]) -> Problem | None:
    """The warning naming `seats` (sessions to come on panels in force), None when none."""
    if not seats:
        return None
    return Problem.of(
        MESSAGES,
        "touches_panels",
        "period",
        name=examiner.name,
        examiner=examiner.code,
        **listed_sessions(seats),
    )


def suspension_problem(session: Session, examiner: Examiner) -> Problem | None:
    """The warning naming the sessions not yet held whose panels in force a suspended examiner
    still sits on, None when there are none."""
    seats = [s for s in seats_in_force(session, examiner) if not s.held]
    if not seats:
        return None
    params = {"name": examiner.name, "examiner": examiner.code, **listed_sessions(seats)}
    return Problem.of(MESSAGES, "suspended_on_panels", "status", **params)


def _falling_on(seats: list[Seat], start: date, end: date) -> list[Seat]:
    return [s for s in seats if not s.held and s.first <= end and start <= s.last]
