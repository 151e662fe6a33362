"""Every shape of term (data.shapes) is staffed and proven at S; the independent generator's
S terms are proven at their published optima (../shared/instances/README.md).

These are not timed tests: the limits only keep a regression from hanging the suite. How fast
each shape is proven is measured by `bench.matrix` (docs/benchmarks.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from data.shapes import SHAPES, generate_shape
from solver.check import verify
from solver.load import load_instance, read_instance
from solver.solve import Options, solve

INDEPENDENT = Path(__file__).parent / "fixtures" / "independent"
# Proven by the independent generator's direct formulation and its own checker.
PUBLISHED = {
    "s-spread.json": (0, 0, 394, 96),
    "s-2venues.json": (0, 0, 618, 120),
    "s-both.json": (0, 0, 388, 80),
}
LIMIT = Options(time_limit=120, workers=1)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_shape_is_proven_optimal_at_s(shape):
    instance, _ = load_instance(generate_shape(shape, "S", 0))
    result = solve(instance, LIMIT)
    assert result.status == "OPTIMAL"
    assert result.bound == result.objective
    assert verify(instance, result) == []


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_independent_terms_are_proven_at_their_published_optimum(name):
    instance, _ = read_instance(INDEPENDENT / name)
    result = solve(instance, LIMIT)
    assert result.status == "OPTIMAL"
    assert result.objective.as_tuple() == PUBLISHED[name]
    assert verify(instance, result) == []


def test_the_shapes_differ_where_they_say():
    venues = {name: len(generate_shape(name, "S", 0)["venues"]) for name in SHAPES}
    assert venues["one-site"] == 1 and venues["two-sites"] == 2 and venues["three-sites"] == 3
    both = generate_shape("both-h7", "S", 0)["policy"]
    assert both == {"consecutive_rule": "both"}
    deep = generate_shape("deep-history", "S", 0)["history"]
    assert len(deep) > 2 * len(generate_shape("spread", "S", 0)["history"])
    sizes = {len(h["members"]) for h in generate_shape("big-panels", "S", 0)["history"]}
    assert max(sizes) >= 7
