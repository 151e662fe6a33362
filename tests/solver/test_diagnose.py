"""Diagnosis of impossible terms (`solver.diagnose`): the deletion filter behind the
conflicting set, and a term whose conflict no count explains."""

from __future__ import annotations

import itertools

from data.shapes import generate_shape
from solver.diagnose import _shrink
from solver.load import load_instance
from solver.solve import Options, solve


def test_the_filter_keeps_exactly_a_minimal_conflicting_set():
    """A check that says "cannot hold" for any superset of {(H1,S3), (H5,S7), (H7,E2)}: the
    filter returns that set, whatever else was there, in few checks."""
    needed = {("H1", "S3"), ("H5", "S7"), ("H7", "E2")}
    items = [(r, f"S{i}") for r, i in itertools.product(("H1", "H2", "H5", "H6"), range(12))]
    items += [("H7", f"E{i}") for i in range(8)]
    calls: list[int] = []

    def check(trial: list) -> bool:
        calls.append(len(trial))
        return needed <= set(trial)

    assert sorted(_shrink(check, items)) == sorted(needed)
    assert len(calls) < len(items)  # fewer checks than one per item


def test_the_filter_keeps_an_item_whose_check_ran_out_of_time():
    """A check that cannot answer counts as "could hold": the set stays one that cannot."""
    items = [("H1", "S1"), ("H1", "S2"), ("H5", "S1")]
    assert sorted(_shrink(lambda trial: False, items)) == sorted(items)


def test_a_conflict_no_count_explains_is_named_within_seconds():
    """three-sites S, generator seed 3: every session has enough eligible examiners, yet the
    overlaps (H5) and the runs at a venue (H7) leave some panel short. As assumptions the
    items were not proven infeasible in 10 s; the filter names them in about two."""
    instance, _ = load_instance(generate_shape("three-sites", "S", 3))
    result = solve(instance, Options(time_limit=60, workers=2, lang="en"))
    assert result.status == "INFEASIBLE"
    rules = {r for d in result.diagnostics for r in d.rule.split("+")}
    assert rules == {"H1", "H5", "H7"}, [d.line() for d in result.diagnostics]
    sessions = {d.session for d in result.diagnostics if d.session}
    assert sessions and sessions <= {s.id for s in instance.sessions}
