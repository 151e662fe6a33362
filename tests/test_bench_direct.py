"""The benchmarks' baseline (`bench.direct`) is a correct model: on small terms of several
shapes it proves the same optimum as the solver, and its plan passes the checker."""

from __future__ import annotations

import pytest

from bench.direct import solve_direct
from data.shapes import generate_shape
from solver.check import verify
from solver.load import load_instance
from solver.schema import Assignment, Objective, Result
from solver.solve import Options, solve


@pytest.mark.parametrize("shape", ["two-sites", "both-h7", "deep-history"])
def test_the_baseline_proves_the_solver_s_optimum(shape: str):
    instance, _ = load_instance(generate_shape(shape, "S", 0))
    ours = solve(instance, Options(time_limit=60, workers=2))
    theirs = solve_direct(instance, 60, workers=2)
    assert ours.status == theirs.status == "OPTIMAL"
    assert ours.objective == Objective(**theirs.objective)
    plan = Result(
        status="OPTIMAL",
        objective=Objective(**theirs.objective),
        assignments=[Assignment(**a) for a in theirs.assignments],
    )
    assert verify(instance, plan) == []
