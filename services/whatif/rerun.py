"""What if an examiner withdraws? Rerun against the published plan and list the changes.

One path for `panelplan what-if`, the solve worker and the web app (through a what-if job):
`check_what_if` refuses what could never be recorded (no instance built), `prepare_what_if`
builds the rerun once, `store_what_if` records the withdrawals with the new draft once.
Locks the withdrawal breaks are dropped and reported; the range of the published plan is
rebuilt with the panels in force as the baseline, so the solver's second objective level
(`changes`) keeps as much of the published plan as it can. The new draft is based on the
published plan.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from models import Institution, Plan, audit
from services.messages import Problem, Refused
from services.planning.instance import build_instance
from services.planning.plans import loaded, store_result
from services.planning.policy import rerun_policy_of
from services.whatif.withdrawals import (
    Withdrawal,
    days_touched,
    describe,
    published_plan,
    record_withdrawals,
    withdrawal_periods,
)
from solver.schema import Instance, Result
from solver.solve import Control, Options, Progress, solve

MESSAGES = {
    "published_changed": {
        "zh": "求解期间已发布方案发生变化，请重新推演",
        "en": "the published plan changed while solving; run the what-if again",
    },
}


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
    facts = describe(withdrawals)
    plan = store_result(
        db, institution, rerun.raw, result, options, published.date_from, published.date_to,
        based_on=published, facts=facts,
    )  # fmt: skip
    outcome = WhatIf(plan, published, rerun.dropped)
    outcome.differences = differences(
        published.result.get("assignments", []),
        plan.result.get("assignments", []),
        {s["id"] for s in rerun.raw["sessions"]},  # sessions held since publishing: not re-planned
    )
    audit(
        db, "what_if", f"plan v{plan.version}", institution.id,
        based_on=published.version, withdrawals=plan.note, dropped_locks=len(rerun.dropped),
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


def drop_broken_locks(
    raw: dict[str, Any], periods: dict[str, list[tuple[date, date]]]
) -> list[dict[str, str]]:
    """Remove from `raw` the locks whose examiner withdrew on a day of their session."""
    days = {
        s["id"]: days_touched(datetime.fromisoformat(s["start"]), datetime.fromisoformat(s["end"]))
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
