"""The exchanges that mend the warm start where the flow cannot (solver.exchange).

Its own reading of H5-H7 only guides the search: the checker decides. Still, a guide that
disagrees with the checker would steer the repair away from valid plans, so the two are
compared on random plans; and a mended plan must pass every rule, loads never rise in the
polish, and on a concentrated three-site term (where banning seats and re-solving the flow
never converges) the exchanges give a plan close to the bound.
"""

from __future__ import annotations

import itertools
import os
import random
import subprocess
import sys
from pathlib import Path
from unittest import mock

from hypothesis import assume, given, settings
from test_property import PROPERTY, instances, loaded

from data.shapes import SHAPES, generate_shape
from solver import mend, warmstart
from solver.bound import best_leaders, relax_loads
from solver.check import check, objective
from solver.exchange import Exchange
from solver.facts import Facts
from solver.load import load_instance
from solver.mend import exchanged
from solver.schema import Assignment, Result
from solver.warmstart import _assignments, repaired_plan

MENDED = {"H5", "H6", "H7"}


def _plan(facts: Facts, panels: dict[str, set[str]]) -> list[Assignment]:
    leaders = best_leaders(facts, {s: sorted(m) for s, m in panels.items()}) or {}
    return [
        Assignment(session=s.id, leader=leaders.get(s.id), members=tuple(sorted(panels[s.id])))
        for s in facts.instance.sessions
    ]


def _flow_panels(facts: Facts, seed: int) -> dict[str, set[str]] | None:
    """A relaxed plan (seats the flow chose, some banned at random so that plans vary)."""
    rng = random.Random(seed)
    seats = [(s, e) for s, pool in facts.eligible.items() for e in pool]
    banned = set(rng.sample(seats, k=len(seats) // 4)) if seed % 2 else set()
    relaxed = relax_loads(facts, banned)
    if relaxed is None:
        return None
    return {a.session: set(a.members) for a in _assignments(facts, relaxed)}


def _drawn(raw: dict, seed: int) -> tuple[Facts, dict[str, set[str]]]:
    """A drawn instance with every seat to fill, and a relaxed plan of it."""
    instance = loaded(raw)
    assume(not instance.policy.allow_unfilled)
    facts = Facts(instance)
    panels = _flow_panels(facts, seed)
    assume(panels is not None)
    assert panels is not None
    return facts, panels


def _rules_broken(facts: Facts, panels: dict[str, set[str]]) -> set[str]:
    """Rules the plan breaks; "H5" for overlaps, "H5 max" for too many sessions."""
    plan = _plan(facts, panels)
    found = check(facts.instance, Result(status="FEASIBLE", assignments=plan))
    return {d.rule if d.session or d.rule != "H5" else "H5 max" for d in found}


@settings(PROPERTY, max_examples=80)
@given(raw=instances(), seed=...)
def test_the_exchanges_see_a_break_exactly_where_the_checker_does(raw, seed: int):
    facts, panels = _drawn(raw, seed)
    breaks = Exchange(facts, panels).breaks()
    broken = _rules_broken(facts, panels)
    # The flow holds max_sessions but for locks beyond it; overlaps, turnover and runs are
    # the exchanges' to see.
    assert bool(breaks) == bool(broken & MENDED)


def _runs_past(items: list[str], here, state: Exchange) -> int:
    """Σ (length − K) over maximal runs where `here` holds that hold a planned session."""
    runs = [list(run) for key, run in itertools.groupby(items, here) if key]
    planned = [run for run in runs if any(s in state.members for s in run)]
    return sum(max(0, len(run) - state.k) for run in planned)


@settings(PROPERTY, max_examples=80)
@given(raw=instances(), seed=...)
def test_one_walk_over_a_sequence_counts_the_runs_of_each_venue_alone(raw, seed: int):
    facts, panels = _drawn(raw, seed)
    state = Exchange(facts, panels)
    for e in sorted(state.served):
        venues = {state.venue[s] for s in state.served[e]}
        alone = 0
        mine = sorted(state.served[e], key=state.order.__getitem__)
        for v in sorted(venues):
            one = 0  # counted venue by venue, by groupby
            if state.by_examiner:
                one += _runs_past(mine, lambda s, v=v: state.venue[s] == v, state)
            if state.by_venue:
                one += _runs_past(state.at_venue[v], state.served[e].__contains__, state)
            assert state._run_excess(e, {v}) == one
            alone += one
        assert state._run_excess(e, venues) == alone


@settings(PROPERTY, max_examples=80)
@given(raw=instances(), seed=...)
def test_mended_panels_pass_every_rule_and_keep_the_loads_the_flow_allows(raw, seed: int):
    facts, panels = _drawn(raw, seed)
    assume(_rules_broken(facts, panels) <= MENDED)  # locks beyond max_sessions: nobody's to mend
    mended = exchanged(facts, panels, None, seed)
    assume(mended is not None)
    assert mended is not None
    assert _rules_broken(facts, mended) == set()
    sizes = {s: len(m) for s, m in mended.items()}
    assert sizes == {s: len(m) for s, m in panels.items()}


def test_the_polish_hands_seats_to_idler_examiners_and_breaks_nothing(monkeypatch):
    instance, _ = load_instance(generate_shape("three-sites", "S", 0))
    facts = Facts(instance)
    relaxed = relax_loads(facts)
    assert relaxed is not None
    panels = {a.session: set(a.members) for a in _assignments(facts, relaxed)}
    polish = mend._polish
    monkeypatch.setattr(mend, "_polish", lambda *args: None)
    rough = exchanged(facts, panels, None, 0)
    assert rough is not None
    state = Exchange(facts, rough)
    before = sum(n * n for n in state.loads.values())
    polish(state, random.Random(0), None)
    after = sum(n * n for n in state.loads.values())
    assert relaxed.cost <= after < before  # measured: 390 -> 374, the bound 358
    assert state.breaks() == []
    assert _rules_broken(facts, state.members) == set()
    # With a floor it stops once Σ load² reaches it: on the same path, so no lower than
    # without one, and at a floor it starts from it does nothing at all.
    floor = (before + after) // 2
    halfway = Exchange(facts, rough)
    polish(halfway, random.Random(0), floor)
    assert after <= halfway.squares() <= floor
    untouched = Exchange(facts, rough)
    polish(untouched, random.Random(0), before)
    assert untouched.members == rough and untouched.weighed == 0


@settings(PROPERTY, max_examples=60)
@given(raw=instances(), seed=...)
def test_the_trial_of_the_exchanges_never_leaves_a_less_fair_warm_start(raw, seed: int):
    # The exchanges mend the first round left with few breaks (`MEND_AT`); the rounds go on
    # unless that plan is at the flow's bound, and the fairer plan is kept.
    instance = loaded(raw)
    assume(not instance.policy.allow_unfilled)
    facts = Facts(instance)
    with_trial = repaired_plan(facts, seed)
    with mock.patch.object(warmstart, "MEND_AT", -1):
        rounds_only = repaired_plan(facts, seed)
    assume(rounds_only is not None)
    assert with_trial is not None
    assert check(instance, Result(status="FEASIBLE", assignments=with_trial)) == []
    squares = objective(instance, with_trial).load_squares
    assert squares <= objective(instance, rounds_only).load_squares


def test_a_trial_at_the_bound_ends_the_rounds_and_a_fairer_one_is_kept(monkeypatch):
    # Measured (generator seed 0 and 3): on big-panels/S the trial's plan meets the flow's
    # bound after the first round, where the rounds alone take two more flows; on tight/M
    # seed 3 it is not at the bound but fairer than where the rounds end (4158 and 4196).
    flows = []
    monkeypatch.setattr(warmstart, "relax_loads", lambda *a: flows.append(a) or relax_loads(*a))
    for shape, size, seed in (("big-panels", "S", 0), ("tight", "M", 3)):
        instance, _ = load_instance(generate_shape(shape, size, seed))
        facts = Facts(instance)
        bound = relax_loads(facts)
        assert bound is not None
        flows.clear()
        plan = repaired_plan(facts, seed)
        with_trial = len(flows)
        with monkeypatch.context() as m:
            m.setattr(warmstart, "MEND_AT", -1)
            flows.clear()
            alone = repaired_plan(facts, seed)
        assert plan is not None and alone is not None
        assert check(instance, Result(status="FEASIBLE", assignments=plan)) == []
        squares, rounds = (
            objective(instance, plan).load_squares,
            objective(instance, alone).load_squares,
        )
        if shape == "big-panels":
            assert squares == bound.cost and with_trial < len(flows)
        else:
            assert bound.cost < squares < rounds


def test_on_three_sites_the_exchanges_give_a_start_near_the_bound():
    # Measured: banning the seats the checker names and solving the flow again never passes
    # here (41-55 of 150 sessions break H7); the exchanges end within 1 % of the flow bound.
    instance, _ = load_instance(generate_shape("three-sites", "M", 0))
    facts = Facts(instance)
    relaxed = relax_loads(facts)
    assert relaxed is not None
    plan = repaired_plan(facts, 0, relaxed)
    assert plan is not None
    assert check(instance, Result(status="FEASIBLE", assignments=plan)) == []
    assert objective(instance, plan).load_squares <= relaxed.cost * 1.01


def test_every_shape_gets_a_warm_start_at_s():
    for shape in sorted(SHAPES):
        instance, _ = load_instance(generate_shape(shape, "S", 0))
        facts = Facts(instance)
        plan = repaired_plan(facts)
        assert plan is not None, shape
        assert check(instance, Result(status="FEASIBLE", assignments=plan)) == [], shape


MENDED_PLAN = """
from data.shapes import generate_shape
from solver.bound import relax_leaders, relax_loads
from solver.facts import Facts
from solver.load import load_instance
from solver.warmstart import leaning_plan, repaired_plan

facts = Facts(load_instance(generate_shape("three-sites", "M", 0))[0])
fairest = relax_leaders(facts)
plan = repaired_plan(facts, 0, relax_loads(facts), None, fairest.leaders)
print(plan, leaning_plan(facts, plan, None))
"""


def test_the_same_seed_mends_the_same_plan_in_every_process():
    # Sets of strings iterate in an order that changes with each process's hash seed; the
    # exchanges must not depend on it (the deterministic mode promises the same plan).
    root = Path(__file__).parents[2]
    outputs = {
        subprocess.run(
            [sys.executable, "-c", MENDED_PLAN],
            cwd=root,
            env={**os.environ, "PYTHONHASHSEED": str(hash_seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for hash_seed in (1, 2, 3)
    }
    assert len(outputs) == 1
    assert "Assignment" in outputs.pop()
