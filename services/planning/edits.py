"""Editing a plan by hand: replace a member or the leader, check at once, save as a draft.

A change is applied to a stored plan's result and read by the independent checker
(`solver.check`) against the plan's stored instance. An edited plan that fails the checker may
still be saved as a draft (the note says so), but publishing refuses it
(`services.planning.publishing`). Checking edits and a seat's candidates on the part of the plan they
touch: `services.planning.edit_checks`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from models import Institution, Plan, audit
from models.base import PlanStatus
from services.messages import Problem, Refused
from services.planning.notes import Fact, fact
from services.planning.plans import loaded, store_result
from solver.check import check, objective, required_size
from solver.schema import Assignment, Diagnostic, Instance, Result, Unfilled
from solver.solve import Options

LEADER = "leader"  # the seat value meaning "the leadership of the panel"
MESSAGES = {
    "unknown_session": {
        "zh": "方案 v{version} 中没有场次 {code}",
        "en": "plan v{version} has no session {code}",
    },
    "not_on_panel": {
        "zh": "{examiner} 不在场次 {session} 的考评小组中",
        "en": "{examiner} does not sit on the panel of session {session}",
    },
    "unknown_examiner": {
        "zh": "没有编号为 {code} 的考评人员",
        "en": "no examiner with code {code}",
    },
    "already_on_panel": {
        "zh": "{examiner} 已在场次 {session} 的考评小组中",
        "en": "{examiner} already sits on the panel of session {session}",
    },
    "no_changes": {"zh": "没有要保存的修改", "en": "there are no changes to save"},
    "bad_change": {"zh": "无法识别的修改：{text}", "en": "unreadable change: {text}"},
    "not_restorable": {
        "zh": "方案 v{version} 未被取代，可直接修改或发布，无需恢复",
        "en": "plan v{version} is not superseded: edit or publish it as it is, no need to restore it",
    },
}


@dataclass(frozen=True)
class Change:
    """One hand edit: `into` takes `seat` (a member's code, or `LEADER`) of `session`."""

    session: str
    seat: str
    into: str

    def encode(self) -> str:
        """The change as one form value (`session|seat|into`)."""
        return f"{self.session}|{self.seat}|{self.into}"

    @classmethod
    def decode(cls, text: str) -> Change:
        """A change back from its form value; refused when unreadable."""
        parts = text.split("|")
        if len(parts) != 3 or not all(parts):
            raise Refused([Problem.of(MESSAGES, "bad_change", "plan", text=text)])
        return cls(*parts)

    def describe(self) -> str:
        """Short, language-neutral: `S0001 E0003→E0010` or `S0001 ★→E0010`."""
        return f"{self.session} {'★' if self.seat == LEADER else self.seat}→{self.into}"


def panel(result: Result, session: str) -> Assignment | None:
    """The session's (first) assignment in `result`."""
    return next((a for a in result.assignments if a.session == session), None)


def apply(result: Result, change: Change) -> Result:
    """The result with `change` made (assignments copied; nothing else touched)."""
    assignments = []
    for a in result.assignments:
        if a.session == change.session:
            a = _changed(a, change)
        assignments.append(a)
    return result.model_copy(update={"assignments": assignments})


def _changed(a: Assignment, change: Change) -> Assignment:
    members, leader = list(a.members), a.leader
    if change.seat == LEADER:
        if change.into not in members:  # a newcomer to the panel takes the leader's seat
            members = [change.into if m == leader else m for m in members]
            if change.into not in members:
                members.append(change.into)
        leader = change.into
    else:
        members = [change.into if m == change.seat else m for m in members]
        leader = change.into if leader == change.seat else leader
    return a.model_copy(update={"members": tuple(members), "leader": leader})


def validate(instance: Instance, result: Result, changes: list[Change], version: int) -> Result:
    """Apply `changes` in turn; refused (with every problem) when one cannot be applied."""
    examiners = {e.id: e for e in instance.examiners}
    problems = []
    for change in changes:
        a = panel(result, change.session)
        problem = _problem(a, change, examiners, version)
        if problem:
            problems.append(problem)
        else:
            result = apply(result, change)
    if problems:
        raise Refused(problems)
    return result


def _problem(
    a: Assignment | None, change: Change, examiners: dict[str, Any], version: int
) -> Problem | None:
    session = change.session
    if a is None:
        return Problem.of(MESSAGES, "unknown_session", "session", code=session, version=version)
    if change.into not in examiners:
        return Problem.of(MESSAGES, "unknown_examiner", "examiner", code=change.into)
    if change.seat != LEADER and change.seat not in a.members:
        return Problem.of(
            MESSAGES, "not_on_panel", "examiner", examiner=change.seat, session=session
        )
    if change.seat != LEADER and change.into in a.members:
        return Problem.of(
            MESSAGES, "already_on_panel", "examiner", examiner=change.into, session=session
        )
    return None


def findings(instance: Instance, result: Result, lang: str = "zh") -> list[Diagnostic]:
    """The checker's findings on the (edited) result, in `lang`."""
    return check(instance, result, lang)


def edited_result(instance: Instance, result: Result) -> Result:
    """A hand-edited result: objective and empty seats recomputed, no longer proven optimal."""
    sizes = {s.id: required_size(instance, s) for s in instance.sessions}
    unfilled = [
        Unfilled(session=a.session, seats=sizes[a.session] - len(a.members))
        for a in result.assignments
        if a.session in sizes and len(a.members) < sizes[a.session]
    ]
    return result.model_copy(
        update={
            "status": "FEASIBLE",
            "objective": objective(instance, result.assignments),
            "unfilled": unfilled,
        }
    )


def save_draft(
    db: Session,
    institution: Institution,
    plan: Plan,
    changes: list[Change],
    raw: dict[str, Any] | None = None,
    note: list[Fact] | None = None,
) -> tuple[Plan, list[Diagnostic]]:
    """Store the edited plan as a new draft based on `plan`; return it and its findings.

    The draft is stored even when the checker finds violations (they are noted on it):
    publishing refuses it. `raw` replaces the stored instance (a what-if adds a withdrawal).
    """
    if not changes:
        raise Refused([Problem.of(MESSAGES, "no_changes", "plan")])
    raw = raw if raw is not None else plan.instance
    instance, _ = loaded(raw)
    result = validate(instance, Result.model_validate(plan.result), changes, plan.version)
    result = edited_result(instance, result)
    found = findings(instance, result, "zh")
    draft = store_result(
        db, institution, raw, result, _options(plan), plan.date_from, plan.date_to,
        based_on=plan, facts=[*_note(plan.version, changes, found), *(note or [])],
    )  # fmt: skip
    audit(
        db, "edit_plan", f"plan v{draft.version}", institution.id, based_on=plan.version,
        changes=[c.encode() for c in changes], findings=len(found),
    )  # fmt: skip
    return draft, found


def restore(db: Session, institution: Institution, plan: Plan) -> Plan:
    """A superseded `plan` copied as a new draft, panels and instance as stored.

    The copy is a draft like any other: publishing it checks it against the database as it
    is then (data may have moved on since the version was solved).
    """
    if plan.status != PlanStatus.SUPERSEDED:
        raise Refused([Problem.of(MESSAGES, "not_restorable", "plan", version=plan.version)])
    result = Result.model_validate(plan.result)
    draft = store_result(
        db, institution, plan.instance, result, _options(plan), plan.date_from, plan.date_to,
        based_on=plan, facts=[fact("restored", version=plan.version)],
    )  # fmt: skip
    audit(db, "restore_plan", f"plan v{draft.version}", institution.id, based_on=plan.version)
    return draft


def _note(version: int, changes: list[Change], found: list[Diagnostic]) -> list[Fact]:
    """Why the draft exists, as facts: the changes, and the rules it breaks if any."""
    facts = [fact("edited", version=version, changes="，".join(c.describe() for c in changes))]
    if found:
        rules = "、".join(f"{r}×{n}" for r, n in sorted(Counter(d.rule for d in found).items()))
        facts.append(fact("fails", rules=rules))
    return facts


def _options(plan: Plan) -> Options:
    p = plan.parameters or {}
    return Options(
        p.get("time_limit"), p.get("workers", 0), plan.seed or 0, p.get("deterministic", False)
    )
