"""What if an examiner withdraws? Record it, rerun against the published plan, list changes.

A withdrawal is recorded as an `Unavailability` row (linked to the session withdrawn from,
with its reason): the examiner stays in the instance (SPEC 4.1), only unavailable. Locks the
withdrawal breaks are dropped and reported; the range of the published plan is rebuilt with
the panels in force as the baseline, so the solver's second objective level (`changes`)
keeps as much of the published plan as it can. The new draft is based on the published plan.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AssessmentSession, Examiner, Institution, Plan, Unavailability, audit
from models.base import PlanStatus
from services.messages import Problem, Refused
from services.planning.instance import build_instance
from services.planning.plans import WITHOUT_CONTENT, loaded, store_result
from services.planning.policy import rerun_policy_of
from solver.schema import Instance, Result
from solver.solve import Control, Options, Progress, solve

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
    "published_changed": {
        "zh": "求解期间已发布方案发生变化，请重新推演",
        "en": "the published plan changed while solving; run the what-if again",
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


@dataclass(frozen=True)
class SessionChange:
    """How one session's panel differs from the published one."""

    session: str
    leaves: tuple[str, ...]
    joins: tuple[str, ...]
    leader_before: str | None
    leader_after: str | None


@dataclass
class WhatIf:
    """The rerun: the new draft, the locks dropped and the differences per session."""

    plan: Plan
    published: Plan
    dropped_locks: list[dict[str, str]] = field(default_factory=list)
    differences: list[SessionChange] = field(default_factory=list)

    @property
    def changes(self) -> int:
        """Published (session, examiner) seats not kept: the solver's `changes`."""
        return sum(len(d.leaves) for d in self.differences)


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


@dataclass(frozen=True)
class Rerun:
    """A prepared what-if: the instance to solve, read against published plan `published_id`."""

    published_id: int
    raw: dict[str, Any]
    instance: Instance
    warnings: list[str]
    dropped: list[dict[str, str]]


def check_what_if(db: Session, institution: Institution, withdrawals: list[Withdrawal]) -> Plan:
    """The published plan the withdrawals are read against; refused with every reason when
    one could not be recorded. Builds no instance, writes nothing."""
    published = published_plan(db, institution)
    withdrawal_periods(db, institution, published, withdrawals)
    return published


def prepare_what_if(db: Session, institution: Institution, withdrawals: list[Withdrawal]) -> Rerun:
    """The what-if instance, its withdrawals recorded in a savepoint then rolled back.

    The published plan's range is rebuilt under its policy (as `services.whatif.substitutes`
    reads the published instance), tightened where the institution's is stricter now;
    `store_what_if` records the withdrawals with the plan, in one unit of work.
    """
    with db.begin_nested() as rehearsal:
        published = published_plan(db, institution)
        periods = record_withdrawals(db, institution, published, withdrawals)
        raw = build_instance(
            db, institution, published.date_from, published.date_to,
            policy=rerun_policy_of(published, institution),
        )  # fmt: skip
        dropped = drop_broken_locks(raw, periods)
        instance, warnings = loaded(raw)
        rehearsal.rollback()
    return Rerun(published.id, raw, instance, warnings, dropped)


def store_what_if(
    db: Session,
    institution: Institution,
    withdrawals: list[Withdrawal],
    rerun: Rerun,
    result: Result,
    options: Options,
    job: int | None = None,
) -> WhatIf:
    """Record the withdrawals and store the solved rerun as a draft based on the published
    plan; refused when another plan was published since `rerun` was prepared."""
    published = published_plan(db, institution)
    if published.id != rerun.published_id:
        raise Refused([Problem.of(MESSAGES, "published_changed", "plan")])
    record_withdrawals(db, institution, published, withdrawals)
    note = describe(withdrawals)
    plan = store_result(
        db, institution, rerun.raw, result, options, published.date_from, published.date_to,
        based_on=published, note=note,
    )  # fmt: skip
    outcome = WhatIf(plan, published, rerun.dropped)
    outcome.differences = differences(
        published.result.get("assignments", []),
        plan.result.get("assignments", []),
        {s["id"] for s in rerun.raw["sessions"]},  # sessions held since publishing: not re-planned
    )
    audit(
        db, "what_if", f"plan v{plan.version}", institution.id,
        based_on=published.version, withdrawals=note, dropped_locks=len(rerun.dropped),
        changes=outcome.changes, **({} if job is None else {"job": job}),
    )  # fmt: skip
    return outcome


def what_if(
    db: Session,
    institution: Institution,
    withdrawals: list[Withdrawal],
    options: Options,
    progress: Callable[[Progress], None] | None = None,
    control: Control | None = None,
) -> WhatIf:
    """Record the withdrawals, rerun the published plan's range and store the new draft."""
    rerun = prepare_what_if(db, institution, withdrawals)
    result = solve(rerun.instance, options, progress, control, rerun.warnings)
    return store_what_if(db, institution, withdrawals, rerun, result, options)


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
        return _days(sessions[w.session].start, sessions[w.session].end)
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


def _days(start: datetime, end: datetime) -> tuple[date, date]:
    """First and last calendar dates [start, end) touches."""
    return start.date(), max(start, end - timedelta(microseconds=1)).date()


def drop_broken_locks(
    raw: dict[str, Any], periods: dict[str, list[tuple[date, date]]]
) -> list[dict[str, str]]:
    """Remove from `raw` the locks whose examiner withdrew on a day of their session."""
    days = {
        s["id"]: _days(datetime.fromisoformat(s["start"]), datetime.fromisoformat(s["end"]))
        for s in raw["sessions"]
    }
    kept: list[dict[str, str]] = []
    dropped: list[dict[str, str]] = []
    for lock in raw["locks"]:
        first, last = days.get(lock["session"], (date.max, date.max))
        hit = any(a <= last and first <= b for a, b in periods.get(lock["examiner"], ()))
        (dropped if hit else kept).append(lock)
    raw["locks"] = kept
    return dropped


def differences(
    before: list[dict[str, Any]], after: list[dict[str, Any]], sessions: set[str] | None = None
) -> list[SessionChange]:
    """Per session (of `sessions`, default all), who leaves, who joins, leader changes."""
    old = {a["session"]: a for a in before}
    new = {a["session"]: a for a in after}
    shown = old.keys() | new.keys() if sessions is None else sessions
    out = []
    for sid in sorted(shown):
        a, b = old.get(sid, {}), new.get(sid, {})
        was, now = a.get("members", []), b.get("members", [])
        change = SessionChange(
            sid,
            tuple(m for m in was if m not in now),
            tuple(m for m in now if m not in was),
            a.get("leader"),
            b.get("leader"),
        )
        if change.leaves or change.joins or change.leader_before != change.leader_after:
            out.append(change)
    return out


def describe(withdrawals: list[Withdrawal]) -> str:
    """The withdrawals as the new plan's note."""
    return "；".join(_describe(w) for w in withdrawals)


def _describe(w: Withdrawal) -> str:
    where = w.session or f"{w.start or ''}~{w.end or ''}"
    return f"{w.examiner} 退出 {where}" + (f"（{w.reason}）" if w.reason else "")
