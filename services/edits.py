"""Editing a plan by hand: replace a member or the leader, check at once, save as a draft.

A change is applied to a stored plan's result and read by the independent checker
(`solver.check`) against the plan's stored instance. An edited plan that fails the checker may
still be saved as a draft (the note says so), but publishing refuses it
(`services.publishing`). The candidate list for a seat explains each examiner: the eligibility
reasons of `solver.facts` (H2-H4) first, then what the checker finds new when they sit (H5-H8).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from models import Institution, Plan, audit
from solver.check import (
    RULES,
    Rule,
    check,
    check_h5_double_booking,
    check_h6_turnover,
    check_h7_consecutive,
    check_h8_locks,
    objective,
    required_size,
)
from solver.facts import Facts
from solver.schema import (
    Assignment,
    Candidate,
    Conflict,
    Diagnostic,
    HistoryEntry,
    Instance,
    Lock,
    Result,
    SessionBase,
    Unfilled,
)
from solver.schema import Session as PlannedSession
from solver.solve import Options

from .messages import Problem, Refused
from .plans import loaded, store_result

LEADER = "leader"  # the seat value meaning "the leadership of the panel"
# What a candidate the eligibility facts accept (H2-H4 on the session) may still break: the
# rules that read more than one session. H1 (size) and everyone else's H2-H4 do not change.
# H5, H7 and H8 judge the examiners coming and leaving on their own panels (`around`), H6
# the session's rotation lineage (`lineage`).
TRIAL_RULES = (check_h5_double_booking, check_h7_consecutive, check_h8_locks)

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
}
NOTES = {
    "edited": {"zh": "手工修改 v{version}：{changes}", "en": "edited v{version}: {changes}"},
    "fails": {"zh": "未通过检查（{rules}），不能发布", "en": "fails the checker ({rules})"},
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


@dataclass(frozen=True)
class Verdict:
    """Whether the checker would accept `examiner` in a seat, and every reason why not."""

    examiner: str
    name: str
    reasons: tuple[tuple[str, str], ...]  # (rule, sentence)

    @property
    def accepted(self) -> bool:
        return not self.reasons


def stored(plan: Plan) -> tuple[Instance, Result]:
    """The plan's stored instance (loaded) and result."""
    instance, _ = loaded(plan.instance)
    return instance, Result.model_validate(plan.result)


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


def findings_after(
    instance: Instance, result: Result, changes: list[Change], known: list[Diagnostic],
    lang: str = "zh",
) -> list[Diagnostic]:  # fmt: skip
    """The checker's findings on `result` with `changes` made, from its findings `known`.

    Each change is checked on the part of the plan it can affect (`around`): the findings
    that part loses are dropped, the ones it gains added, so a large plan is not read whole
    for every edit. Agrees with `findings` on the edited plan (property-tested).
    """
    current = list(known)
    for change in changes:
        a = panel(result, change.session)
        if a is None:
            continue
        leaving = a.leader if change.seat == LEADER else change.seat
        part, before = around(instance, result, change.session, change.into, None, leaving)
        after = apply(before, change)
        found = check(part, after, lang)
        gone = Counter(_key(d) for d in check(part, before, lang))
        gained = Counter(_key(d) for d in found)
        lost, added = gone - gained, gained - gone
        kept = []
        for d in current:
            if lost[_key(d)]:
                lost[_key(d)] -= 1
            else:
                kept.append(d)
        current = kept + [d for d in found if _take(added, d)]
        result = apply(result, change)
    return current


def _take(wanted: Counter[tuple[Any, ...]], d: Diagnostic) -> bool:
    if wanted[_key(d)]:
        wanted[_key(d)] -= 1
        return True
    return False


def new_findings(
    instance: Instance,
    before: Result,
    after: Result,
    lang: str = "zh",
    rules: tuple[Rule, ...] = RULES,
) -> list[Diagnostic]:
    """Findings of `after` that `before` does not have (as many times as they are new)."""
    known = Counter(_key(d) for d in check(instance, before, lang, rules))
    out = []
    for d in check(instance, after, lang, rules):
        if known[_key(d)]:
            known[_key(d)] -= 1
        else:
            out.append(d)
    return out


def _key(d: Diagnostic) -> tuple[Any, ...]:
    return (d.rule, d.session, d.examiner, d.message)


def seat_candidates(
    instance: Instance, result: Result, session: str, seat: str, lang: str = "zh",
    facts: Facts | None = None,
) -> list[Verdict]:  # fmt: skip
    """Every examiner qualified for the session's occupation who could take `seat`, judged."""
    facts = facts or Facts(instance)
    s = facts.sessions[session]
    a = panel(result, session) or Assignment(session=session)
    # The lead may pass to a member or to a newcomer (who takes the leader's seat).
    taken = {a.leader} if seat == LEADER else set(a.members)
    qualified = [
        e
        for e in instance.examiners
        if e.id not in taken and any(q.occupation == s.occupation for q in e.qualifications)
    ]
    lead = seat == LEADER or seat == a.leader
    out, index = [], Index.of(instance, result)
    leaving = a.leader if seat == LEADER else seat  # (a member taking the lead leaves no seat)
    line, line_before = lineage(instance, result, session, index)
    known = Counter(_key(d) for d in check(line, line_before, lang, (check_h6_turnover,)))
    for e in qualified:
        reasons = facts.member_reasons(e, s) + (facts.leader_reasons(e, s) if lead else [])
        found = [(r.rule, r.text(lang)) for r in reasons]
        if not found:
            change = Change(session, seat, e.id)
            part, before = around(instance, result, session, e.id, index, leaving, True)
            new = new_findings(part, before, apply(before, change), lang, TRIAL_RULES)
            turnover = check(line, apply(line_before, change), lang, (check_h6_turnover,))
            left = Counter(known)
            new += [d for d in turnover if not _take(left, d)]
            found = [(d.rule, d.message) for d in new]
        out.append(Verdict(e.id, e.name, tuple(found)))
    return sorted(out, key=lambda v: (not v.accepted, v.examiner))


@dataclass(frozen=True)
class Index:
    """Looked up once per candidate list: candidates by id, each examiner's sessions and
    history, and the sessions near each session (`near`, computed on first use)."""

    candidates: dict[str, Candidate]
    seats: dict[str, set[str]]
    history: dict[str, list[HistoryEntry]]
    conflicts: dict[str, list[Conflict]]
    locks: dict[str, list[Lock]]
    sessions: dict[str, tuple[int, PlannedSession]]  # with their place in the instance
    panels: dict[str, list[Assignment]]  # the result's assignments by session
    nearby: dict[str, Near] = field(default_factory=dict)

    @classmethod
    def of(cls, instance: Instance, result: Result) -> Index:
        seats: dict[str, set[str]] = defaultdict(set)
        for a in result.assignments:
            for m in a.members:
                seats[m].add(a.session)
        history: dict[str, list[HistoryEntry]] = defaultdict(list)
        for h in instance.history:
            for m in h.members:
                history[m].append(h)
        conflicts: dict[str, list[Conflict]] = defaultdict(list)
        for c in instance.conflicts:
            conflicts[c.examiner].append(c)
        locks: dict[str, list[Lock]] = defaultdict(list)
        for lock in instance.locks:
            locks[lock.session].append(lock)
        panels: dict[str, list[Assignment]] = defaultdict(list)
        for a in result.assignments:
            panels[a.session].append(a)
        candidates = {c.id: c for c in instance.candidates}
        sessions = {s.id: (i, s) for i, s in enumerate(instance.sessions)}
        return cls(
            candidates, dict(seats), dict(history), dict(conflicts), dict(locks), sessions,
            dict(panels),
        )  # fmt: skip

    def near(self, instance: Instance, session: str) -> Near:
        """The sessions and history whose findings a change on `session` may touch besides the
        examiners': its rotation lineage (H6) and, with the venue-sequence rule, its venue (H7)."""
        if session not in self.nearby:
            s = next(x for x in instance.sessions if x.id == session)
            policy = instance.policy
            by_venue = policy.consecutive_rule in ("venue_sequence", "both")
            by_occupation = policy.rotation_scope == "occupation"

            def line(x: SessionBase) -> bool:
                return x.occupation == s.occupation and (by_occupation or x.venue == s.venue)

            def near(x: SessionBase) -> bool:
                return line(x) or (by_venue and x.venue == s.venue)

            self.nearby[session] = Near(
                {x.id for x in instance.sessions if near(x)},
                {x.id for x in instance.sessions if line(x)},
                [h for h in instance.history if near(h.session)],
                [h for h in instance.history if line(h.session)],
            )
        return self.nearby[session]


@dataclass(frozen=True)
class Near:
    """What a change on one session may touch besides the examiners' own sessions."""

    sessions: set[str]  # the lineage and, with the venue-sequence rule, the venue
    line: set[str]  # the rotation lineage alone (H6 reads whole panels)
    history: list[HistoryEntry]  # of the sessions
    line_history: list[HistoryEntry]  # of the lineage


def around(
    instance: Instance,
    result: Result,
    session: str,
    examiner: str,
    index: Index | None = None,
    leaving: str | None = None,
    only_theirs: bool = False,
) -> tuple[Instance, Result]:
    """The part of the plan that `examiner` joining `session` can change the findings of.

    H5 and H7 (examiner sequence) read the panels of the examiner and of the one `leaving`,
    H6 the session's rotation lineage, H7 (venue sequence) the venue's sessions, H8 the locks
    on them; history is cut the same way. Checking this part instead of the whole plan keeps
    the candidate list quick on large terms (two checks per candidate). With `only_theirs`,
    the panels keep only those two examiners, and the locks only theirs: enough for H5, H7
    and H8, which judge everyone else the same before and after (H6 needs whole panels:
    `lineage`).
    """
    index = index or Index.of(instance, result)
    near = index.near(instance, session)
    # The one leaving the seat counts too: a visit elsewhere gone may join two runs (H7).
    people = {examiner, leaving or examiner}
    keep = near.sessions.union(*(index.seats.get(p, ()) for p in people))
    planned = sorted((i for i in keep if i in index.sessions), key=lambda i: index.sessions[i][0])
    sessions = tuple(index.sessions[i][1] for i in planned)
    history = {id(h): h for h in near.history}
    for p in people:
        history |= {id(h): h for h in index.history.get(p, ())}
    kept = [a for i in sorted(keep) for a in index.panels.get(i, ())]
    locks = [lock for i in keep for lock in index.locks.get(i, ())]
    examiners = instance.examiners
    if only_theirs:
        kept = [_theirs(a, people) for a in kept]
        history = {k: _theirs(h, people) for k, h in history.items()}
        locks = [lock for lock in locks if lock.examiner in people]
        examiners = tuple(e for e in examiners if e.id in people)
    listed = () if only_theirs else {c for x in sessions for c in x.candidates or ()}  # H4 only
    part = instance.model_copy(
        update={
            "sessions": sessions,
            "examiners": examiners,
            "locks": tuple(locks),
            # Everyone else's recusals read the same before and after: only theirs matter.
            "conflicts": tuple(c for p in people for c in index.conflicts.get(p, ())),
            "candidates": tuple(index.candidates[c] for c in listed if c in index.candidates),
            "history": tuple(history.values()),
        }
    )
    return part, result.model_copy(update={"assignments": kept})


def lineage(
    instance: Instance, result: Result, session: str, index: Index | None = None
) -> tuple[Instance, Result]:
    """The session's rotation lineage alone (planned panels and history, whole): all that H6
    reads when that session's panel changes."""
    index = index or Index.of(instance, result)
    near = index.near(instance, session)
    planned = sorted(
        (i for i in near.line if i in index.sessions), key=lambda i: index.sessions[i][0]
    )
    part = instance.model_copy(
        update={
            "sessions": tuple(index.sessions[i][1] for i in planned),
            "locks": (),
            "conflicts": (),
            "candidates": (),
            "history": tuple(near.line_history),
        }
    )
    kept = [a for i in sorted(near.line) for a in index.panels.get(i, ())]
    return part, result.model_copy(update={"assignments": kept})


def _theirs(a: Any, people: set[str]) -> Any:
    """An assignment or history entry with only `people` on its panel."""
    members = tuple(m for m in a.members if m in people)
    return a.model_copy(
        update={"members": members, "leader": a.leader if a.leader in people else None}
    )


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
    note: str | None = None,
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
    text = _note(plan.version, changes, found, note)
    draft = store_result(
        db, institution, raw, result, _options(plan), plan.date_from, plan.date_to,
        based_on=plan, note=text,
    )  # fmt: skip
    audit(
        db, "edit_plan", f"plan v{draft.version}", institution.id, based_on=plan.version,
        changes=[c.encode() for c in changes], findings=len(found),
    )  # fmt: skip
    return draft, found


def _note(version: int, changes: list[Change], found: list[Diagnostic], extra: str | None) -> str:
    parts = [NOTES["edited"]["zh"].format(version=version, changes="，".join(
        c.describe() for c in changes))]  # fmt: skip
    if found:
        rules = "、".join(f"{r}×{n}" for r, n in sorted(Counter(d.rule for d in found).items()))
        parts.append(NOTES["fails"]["zh"].format(rules=rules))
    if extra:
        parts.append(extra)
    return "；".join(parts)


def _options(plan: Plan) -> Options:
    p = plan.parameters or {}
    return Options(
        p.get("time_limit"), p.get("workers", 0), plan.seed or 0, p.get("deterministic", False)
    )
