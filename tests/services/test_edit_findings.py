"""Hand edits judged on part of a plan agree with the checker reading the whole plan.

The edit page keeps a plan's findings and, per change, re-checks only the part of the plan
the change can affect (`services.planning.edits.findings_after`); the candidate list judges each
examiner the same way, on H5-H8 only once the eligibility facts accept them
(`seat_candidates`). On random plans (violations welcome) of the generated S term, under
every rotation scope and consecutive-visit rule, both must agree with `solver.check.check`
on the whole edited plan.
"""

from __future__ import annotations

import random
from collections import Counter
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from data.generate import generate
from services.messages import Refused
from services.planning.edit_checks import findings_after, new_findings, seat_candidates
from services.planning.edits import LEADER, Change, apply, panel, validate
from solver.check import check, required_size
from solver.load import load_instance
from solver.schema import Assignment, Diagnostic, Instance, Lock, Result

SCOPES = ("venue_occupation", "occupation")
RULES = ("examiner_sequence", "venue_sequence", "both")


@cache
def base() -> Instance:
    instance, _ = load_instance(generate("S", 3))
    return instance


def term(scope: str, rule: str, rng: random.Random) -> tuple[Instance, Result]:
    """The S term under a policy variant, with a random plan and a few random locks."""
    instance = base()
    policy = instance.policy.model_copy(update={"rotation_scope": scope, "consecutive_rule": rule})
    ids = [e.id for e in instance.examiners]
    assignments = []
    for s in instance.sessions:
        members = rng.sample(ids, required_size(instance, s))
        assignments.append(Assignment(session=s.id, leader=rng.choice(members), members=members))
    locks = [
        Lock(
            session=a.session, examiner=rng.choice(a.members), role=rng.choice(("member", "leader"))
        )
        for a in rng.sample(assignments, 3)
    ]
    changed = instance.model_copy(update={"policy": policy, "locks": tuple(locks)})
    return changed, Result(status="FEASIBLE", assignments=assignments)


def keys(found: list[Diagnostic]) -> Counter[tuple[object, ...]]:
    return Counter((d.rule, d.session, d.examiner, d.message) for d in found)


def random_changes(instance: Instance, result: Result, rng: random.Random, n: int) -> list[Change]:
    """`n` changes that can be made in turn (a member or the lead passes to anyone)."""
    ids = [e.id for e in instance.examiners]
    changes: list[Change] = []
    while len(changes) < n:
        a = panel(result, rng.choice(result.assignments).session)
        assert a is not None
        seat = rng.choice([LEADER, *a.members])
        change = Change(a.session, seat, rng.choice(ids))
        try:
            result = validate(instance, result, [change], 1)
        except Refused:  # (already on the panel): draw again
            continue
        changes.append(change)
    return changes


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(SCOPES), st.sampled_from(RULES), st.integers(0, 2**32), st.integers(1, 4))
def test_findings_after_changes_equal_the_checker_on_the_whole_edited_plan(
    scope: str, rule: str, seed: int, n: int
) -> None:
    rng = random.Random(seed)
    instance, result = term(scope, rule, rng)
    changes = random_changes(instance, result, rng, n)
    edited = validate(instance, result, changes, 1)
    got = findings_after(instance, result, changes, check(instance, result), "zh")
    assert keys(got) == keys(check(instance, edited))


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(SCOPES), st.sampled_from(RULES), st.integers(0, 2**32))
def test_a_candidate_is_judged_as_the_checker_judges_the_whole_plan(
    scope: str, rule: str, seed: int
) -> None:
    rng = random.Random(seed)
    instance, result = term(scope, rule, rng)
    a = rng.choice(result.assignments)
    seat = rng.choice([LEADER, *a.members])
    verdicts = seat_candidates(instance, result, a.session, seat, "en")
    assert verdicts
    for v in verdicts:
        trial = apply(result, Change(a.session, seat, v.examiner))
        whole = new_findings(instance, result, trial, "en")
        if not v.accepted and v.reasons[0][0] in ("H2", "H3", "H4"):
            rules = {r for r, _ in v.reasons}
            assert rules <= {"H2", "H3", "H4"}  # the facts refused them, and the checker agrees
            # (anew, or already: a member who must recuse is refused the lead too)
            mine = (a.session, v.examiner)
            found = {d.rule for d in check(instance, trial) if (d.session, d.examiner) == mine}
            assert rules <= found, v
        else:
            assert sorted(v.reasons) == sorted((d.rule, d.message) for d in whole), v.examiner
