"""The flow relaxation and the warm start: bounds never above the optimum, starts always valid.

A bound above the true optimum would make the solver stop early and call a
worse plan OPTIMAL, so the bounds are checked directly against brute force,
not only through the solver.
"""

from __future__ import annotations

import json
from pathlib import Path

from brute import MAX_EXAMINERS, MAX_SESSIONS
from hypothesis import assume, given, settings
from test_property import PROPERTY, instances, loaded, tiny_optimum

from solver.bound import relax_leaders, relax_loads
from solver.check import check, objective
from solver.facts import Facts
from solver.load import load_instance
from solver.schema import Result
from solver.warmstart import repaired_plan


@settings(PROPERTY, max_examples=80)
@given(raw=instances(max_examiners=MAX_EXAMINERS, max_sessions=MAX_SESSIONS))
def test_flow_bounds_never_exceed_the_brute_force_optimum(raw):
    instance, best = tiny_optimum(raw)
    assume(best is not None and best[0] == 0)  # the relaxations fill every seat
    facts = Facts(instance)
    loads, leaders = relax_loads(facts), relax_leaders(facts)
    assert loads is not None and leaders is not None  # a valid plan is a relaxed plan
    assert loads.cost <= best[2]
    assert leaders.cost <= best[3]


@settings(PROPERTY, max_examples=80)
@given(raw=instances())
def test_a_warm_start_always_passes_the_checker(raw):
    instance = loaded(raw)
    facts = Facts(instance)
    plan = repaired_plan(facts)
    assume(plan is not None)
    assert check(instance, Result(status="FEASIBLE", assignments=plan)) == []
    relaxed = relax_loads(facts)
    assert relaxed is not None
    assert objective(instance, plan).load_squares >= relaxed.cost


def test_warm_start_meets_the_bound_on_the_m_sample():
    # Measured, not assumed: on the bundled M term the repaired flow is already optimal.
    raw = json.loads((Path(__file__).parents[2] / "data" / "samples" / "M.json").read_text("utf-8"))
    instance, _ = load_instance(raw)
    facts = Facts(instance)
    plan = repaired_plan(facts)
    relaxed = relax_loads(facts)
    assert plan is not None and relaxed is not None
    assert check(instance, Result(status="FEASIBLE", assignments=plan)) == []
    assert objective(instance, plan).load_squares == relaxed.cost
