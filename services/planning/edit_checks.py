"""Hand edits and a seat's candidates checked on the part of the plan they touch.

The edit page's findings are the plan's findings updated change by change (`findings_after`);
a seat's candidate list explains each examiner: the eligibility reasons of `solver.facts`
(H2-H4) first, then what the checker finds new when they sit (H5-H8), judged on the parts
`services.planning.parts` cuts out. Property tests hold both equal to the checker reading the
whole edited plan (tests/services/test_edit_findings.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from services.planning.edits import LEADER, Change, apply, panel
from services.planning.parts import Index, around, lineage
from solver.check import (
    RULES,
    Rule,
    check,
    check_h5_double_booking,
    check_h6_turnover,
    check_h7_consecutive,
    check_h8_locks,
)
from solver.facts import Facts
from solver.schema import Assignment, Diagnostic, Instance, Result

# What a candidate the eligibility facts accept (H2-H4 on the session) may still break: the
# rules that read more than one session. H1 (size) and everyone else's H2-H4 do not change.
# H5, H7 and H8 judge the examiners coming and leaving on their own panels (`around`), H6
# the session's rotation lineage (`lineage`).
TRIAL_RULES = (check_h5_double_booking, check_h7_consecutive, check_h8_locks)


@dataclass(frozen=True)
class Verdict:
    """Whether the checker would accept `examiner` in a seat, and every reason why not."""

    examiner: str
    name: str
    reasons: tuple[tuple[str, str], ...]  # (rule, sentence)

    @property
    def accepted(self) -> bool:
        return not self.reasons


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
