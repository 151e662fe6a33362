"""The search's neighbourhoods (`solver.windows`): what a crew frees, and that it is drawn
from the seed alone; and the unary copy of the model for a level's last full solve."""

from __future__ import annotations

import random

from builders import load, raw_instance, session
from ortools.sat.python import cp_model

from data.shapes import generate_shape
from solver.facts import Facts
from solver.load import load_instance
from solver.model import build
from solver.objective import in_unary
from solver.solve import _plan_hint
from solver.warmstart import repaired_plan
from solver.windows import Windows


def started(shape: str = "three-sites", size: str = "S"):
    instance, _ = load_instance(generate_shape(shape, size, 0))
    facts = Facts(instance)
    built = build(facts)
    plan = repaired_plan(facts, 0)
    assert plan is not None
    return built, _plan_hint(built, plan)


def test_a_crew_frees_its_examiners_and_the_leaderships_where_they_may_sit():
    built, values = started("spread", "M")
    windows = Windows(built, random.Random(3), "load_squares")
    free = windows._crew(values)
    crew = {e for (_, e), lit in built.v.sits.items() if lit.index in free}
    assert len(crew) == Windows.CREW
    for (_, e), lit in built.v.sits.items():  # every seat of the crew, no one else's
        assert (lit.index in free) == (e in crew)
    reach = {s for (s, e) in built.v.sits if e in crew}
    for (s, _), lit in built.v.leads.items():  # someone may take a crew member's lead over
        assert (lit.index in free) == (s in reach)
    loads = windows._loads(values)
    top = max(loads.values())
    assert any(loads[e] == top for e in crew)  # the busiest are always in it
    assert any(loads[e] < top - 1 for e in crew)  # and someone with room for more


def test_a_crew_holds_whom_the_lp_puts_a_seat_short_or_over():
    """Where the LP's solution says one examiner should sit once more and another once less,
    every crew holds both, whatever their loads (at M the one short examiner is often lost
    among a dozen at the lowest load, most of whom can take no more)."""
    built, values = started("spread", "M")
    relaxed = [float(x) for x in values]  # the LP agreeing with the plan everywhere
    seats: dict[str, list[int]] = {}
    for (_, e), lit in built.v.sits.items():
        seats.setdefault(e, []).append(lit.index)
    windows = Windows(built, random.Random(1), "load_squares")
    loads = windows._loads(values)
    middle = sorted(loads, key=lambda e: (loads[e], e))[len(loads) // 2 :]
    short = next(e for e in middle if not all(values[i] for i in seats[e]))
    over = middle[-1]
    relaxed[next(i for i in seats[short] if not values[i])] = 1.0
    relaxed[next(i for i in seats[over] if values[i])] = 0.0
    for _ in range(6):
        free = windows.next(values, relaxed)
        crew = {e for (_, e), lit in built.v.sits.items() if lit.index in free}
        assert {short, over} <= crew


def test_every_other_crew_is_the_chain_from_the_examiner_a_seat_short():
    """On a chain turn the crew is the short examiner, the over one, and those it could take
    a seat from (seated where it may sit), before anyone further along."""
    built, values = started("spread", "M")
    relaxed = [float(x) for x in values]
    windows = Windows(built, random.Random(2), "load_squares")
    seats: dict[str, list[int]] = {}
    for (_, e), lit in built.v.sits.items():
        seats.setdefault(e, []).append(lit.index)
    short = next(e for e in sorted(seats) if not all(values[i] for i in seats[e]))
    over = next(e for e in sorted(seats) if e != short and any(values[i] for i in seats[e]))
    relaxed[next(i for i in seats[short] if not values[i])] = 1.0
    relaxed[next(i for i in seats[over] if values[i])] = 0.0
    near = {
        x for s in windows.may_sit[short] for x, i in windows.sit_at[s] if values[i] and x != short
    }
    windows.turn = 0  # the next turn, 1, is a chain turn
    free = windows.next(values, relaxed)
    crew = {e for (_, e), lit in built.v.sits.items() if lit.index in free}
    assert {short, over} <= crew
    rest = crew - {short, over}
    assert rest <= near if len(near) >= Windows.CREW else near <= crew


def test_crews_depend_on_the_seed_alone():
    built, values = started()
    draws = [
        [Windows(built, random.Random(seed), "load_squares").next(values) for _ in range(8)]
        for seed in (5, 5, 6)
    ]
    assert draws[0] == draws[1]
    assert draws[0] != draws[2]


def test_a_crew_on_a_small_term_is_every_examiner():
    sessions = [session(f"S{i}", i // 3, f"V{i % 3 + 1}") for i in range(12)]
    facts = Facts(load(raw_instance(9, sessions)))
    built = build(facts)
    plan = repaired_plan(facts, 0)
    assert plan is not None
    free = Windows(built, random.Random(0), "load_squares")._crew(_plan_hint(built, plan))
    assert free == {lit.index for lit in built.v.all_literals()}


def test_the_unary_copy_keeps_the_plan_and_its_squares():
    """`in_unary` on a copy: the plan stays valid there, with its hints every square equals
    its load squared (the encoding alone decides it: the tangent cuts are gone from the
    copy), and the original model is untouched."""
    built, values = started("three-sites", "S")
    term = built.term("load_squares")
    size = len(built.model.proto.constraints)
    copy = built.model.clone()
    hints = in_unary(copy, term.squares, values)
    assert len(built.model.proto.constraints) == size
    cuts = [i for q in term.squares for i in q.cuts]
    assert cuts and all(built.model.proto.constraints[i].has_linear() for i in cuts)
    assert not any(copy.proto.constraints[i].has_linear() for i in cuts)
    copy.clear_hints()
    for lit in built.v.all_literals():
        copy.add_hint(copy.get_bool_var_from_proto_index(lit.index), values[lit.index])
    for var, value in hints:
        copy.add_hint(var, value)
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.num_workers = 1
    assert solver.solve(copy) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    for q in term.squares:
        load = sum(values[lit.index] for lit in q.counted)
        assert solver.value(copy.get_int_var_from_proto_index(q.sq.index)) == load * load
