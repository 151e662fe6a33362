"""The LP relaxation on large terms: H7's windows in place of the run counters, except the
counters the flow's plan breaks (`ForLp`); a bound that stays valid, and on the terms
measured equals the full LP's."""

from __future__ import annotations

from builders import load, raw_instance, session
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_property import PROPERTY

from data.shapes import SHAPES, generate_shape
from solver.bound import relax_loads
from solver.facts import Facts
from solver.load import load_instance
from solver.model import build
from solver.relax import Program
from solver.solve import _relaxed_hint


def _five_in_a_row() -> tuple:
    """Five sessions on consecutive days at one venue, nothing elsewhere: one block each."""
    instance = load(raw_instance(6, [session(f"S{d}", day=d) for d in range(5)]))
    built = build(Facts(instance))
    first = built.v.sits["S0", "E1"].index
    chain = next(c for c in built.lp.chains if first in c.blocks[0][0])
    return built, chain


def test_a_run_that_skips_a_session_breaks_the_counter_but_not_the_windows():
    built, chain = _five_in_a_row()
    constraints = built.model.proto.constraints
    x = [0.0] * len(built.model.proto.variables)
    for day in (0, 1, 3, 4):  # a run of four at V1: day 2 skipped, nothing elsewhere
        x[built.v.sits[f"S{day}", "E1"].index] = 1.0
    assert chain.broken(x, constraints)
    windows = list(chain.windows(constraints))
    assert len(windows) == 2  # days 0-3 and 1-4
    assert all(sum(x[i] * k for i, k in terms.items()) <= upper for terms, upper in windows)
    x[built.v.sits["S4", "E1"].index] = 0.0  # three in a row: allowed
    assert not chain.broken(x, constraints)


def test_fractional_visits_break_a_counter_once_they_add_up_past_the_limit():
    built, chain = _five_in_a_row()
    x = [0.0] * len(built.model.proto.variables)
    for day in range(5):
        x[built.v.sits[f"S{day}", "E1"].index] = 0.75  # 3.75 in one run: no integer plan
    assert chain.broken(x, built.model.proto.constraints)
    for day in range(5):
        x[built.v.sits[f"S{day}", "E1"].index] = 0.6  # 3.0: the counter holds
    assert not chain.broken(x, built.model.proto.constraints)


def test_a_session_served_elsewhere_between_visits_restarts_the_run():
    sessions = [session(f"S{d}", day=d) for d in range(3)]
    sessions += [session("T3", day=3, venue="V2"), session("S4", day=4)]
    built = build(Facts(load(raw_instance(6, sessions))))
    first = built.v.sits["S0", "E1"].index
    chain = next(c for c in built.lp.chains if first in c.blocks[0][0])
    constraints = built.model.proto.constraints
    x = [0.0] * len(built.model.proto.variables)
    for s in ("S0", "S1", "S2", "S4"):
        x[built.v.sits[s, "E1"].index] = 1.0
    assert chain.broken(x, constraints)  # V2 not served: a run of four at V1
    x[built.v.sits["T3", "E1"].index] = 1.0
    assert not chain.broken(x, constraints)  # three, V2, then one


def _program(raw: dict, windows: bool, guided: bool = True) -> Program:
    instance, _ = load_instance(raw)
    facts = Facts(instance)
    built = build(facts)
    relaxed = relax_loads(facts)
    if guided and relaxed is not None:
        built.lp.guide = _relaxed_hint(built, relaxed)
    program = Program(built, built.term("load_squares"))
    program.windows = windows
    return program


@settings(PROPERTY, max_examples=25)
@given(shape=st.sampled_from(sorted(SHAPES)), seed=st.integers(0, 50), guided=st.booleans())
@example(shape="three-sites", seed=3, guided=False)  # infeasible (H1+H5+H7): the full LP too
def test_the_windows_bound_is_never_above_the_full_lp_bound(shape, seed, guided):
    """A relaxation of the full LP: what it proves, the full LP proves too (None: the LP
    is infeasible, as on three-sites seed 3; then so is every tighter one)."""
    raw = generate_shape(shape, "S", seed)
    full = _program(raw, windows=False).lp_bound(None)
    windows = _program(raw, windows=True, guided=guided).lp_bound(None)
    if windows is None:
        assert full is None
    elif full is not None:
        assert windows <= full


def test_on_three_sites_the_flow_plan_names_the_counters_the_windows_need():
    """Windows alone bound three-sites/M at 2536; with the counters the flow's plan breaks,
    at the full LP's 2548."""
    raw = generate_shape("three-sites", "M", 0)
    full = _program(raw, windows=False).lp_bound(None)
    alone = _program(raw, windows=True, guided=False)
    assert not alone.for_lp.needed(alone.source.constraints)
    guided = _program(raw, windows=True)
    assert guided.for_lp.needed(guided.source.constraints)
    assert (alone.lp_bound(None) or 0) < (full or 0) == guided.lp_bound(None)


def test_the_lp_has_the_windows_and_the_needed_counters_the_mip_every_counter():
    program = _program(generate_shape("three-sites", "S", 0), windows=True)
    chains = program.for_lp.chains
    constraints = program.source.constraints
    windows = list(program.for_lp.windows(constraints))
    assert chains and windows and program.for_lp.needed(constraints)
    exact, lp = program.proto(exact=True), program.proto()
    left_out = len(program.for_lp.left_out(constraints))
    rows = len(exact.linear_constraints.ids) - left_out + len(windows)
    assert len(lp.linear_constraints.ids) == rows
