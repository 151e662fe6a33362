"""The lexicographic objective (SPEC 4.4) as CP-SAT expressions, one term per function.

A square is written as the tangent cuts `sq >= (2k + 1) load - k (k + 1)` for
every k below the load's upper bound: at an integer load the largest of them
is exactly load², so minimising `sq` gives the square, and the LP relaxation
is the convex-cost flow bound of "spread the seats as evenly as eligibility
allows" (see `solver.bound`). A product constraint `sq == load * load` would
say the same but makes CP-SAT's presolve ten times slower.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .variables import Variables

TERMS = ("unfilled", "changes", "load_squares", "leader_squares")


@dataclass(frozen=True)
class Square:
    """One examiner's square in a term: `sq >= load²` as tangent cuts (constraint indices);
    `counted`, the literals whose sum is `load`."""

    load: cp_model.IntVar
    sq: cp_model.IntVar
    cap: int
    cuts: range
    counted: tuple[cp_model.IntVar, ...] = ()


@dataclass(frozen=True)
class Term:
    """One level of the objective: its expression, whether it can be other than 0, its squares."""

    name: str
    expr: cp_model.LinearExprT
    trivial: bool
    squares: tuple[Square, ...] = ()


def unfilled(v: Variables) -> Term:
    """Empty seats (only with `allow_unfilled`)."""
    return Term("unfilled", sum(v.empty.values()), not v.facts.policy.allow_unfilled)


def changes(v: Variables) -> Term:
    """(session, examiner) pairs of the baseline missing from the plan."""
    pairs = [
        (b.session, e)
        for b in v.facts.instance.baseline
        if b.session in v.facts.sessions
        for e in b.members
    ]
    return Term("changes", sum(1 - v.sit(s, e) for s, e in pairs), not pairs)


def load_squares(v: Variables) -> Term:
    """Sum over examiners of (sessions served)^2."""
    counts = {e: [lit for _, lit in items] for e, items in v.sessions_of().items()}
    squares = _squares(v, "load", counts)
    return Term("load_squares", sum(q.sq for q in squares), False, squares)


def leader_squares(v: Variables) -> Term:
    """Sum over examiners of (sessions led)^2."""
    squares = _squares(v, "led", v.led_by())
    return Term("leader_squares", sum(q.sq for q in squares), False, squares)


OBJECTIVE: dict[str, Callable[[Variables], Term]] = {
    "unfilled": unfilled,
    "changes": changes,
    "load_squares": load_squares,
    "leader_squares": leader_squares,
}


def evaluate(v: Variables, value: Callable[[cp_model.IntVar], int]) -> dict[str, int]:
    """The objective vector of a solution, read from the decision variables."""
    facts = v.facts
    loads: dict[str, int] = {}
    led: dict[str, int] = {}
    for (_, e), lit in v.sits.items():
        loads[e] = loads.get(e, 0) + value(lit)
    for (_, e), lit in v.leads.items():
        led[e] = led.get(e, 0) + value(lit)
    pairs = [
        (b.session, e)
        for b in facts.instance.baseline
        if b.session in facts.sessions
        for e in b.members
    ]
    return {
        "unfilled": sum(value(x) for x in v.empty.values()),
        "changes": sum(1 for s, e in pairs if (s, e) not in v.sits or not value(v.sits[s, e])),
        "load_squares": sum(n * n for n in loads.values()),
        "leader_squares": sum(n * n for n in led.values()),
    }


def _squares(v: Variables, label: str, literals: dict[str, list]) -> tuple[Square, ...]:
    model = v.model
    out = []
    for e, lits in sorted(literals.items()):
        cap = _cap(v, e, len(lits))
        if cap == 0:
            continue
        load = model.new_int_var(0, cap, f"{label}[{e}]")
        model.add(load == sum(lits))
        sq = model.new_int_var(0, cap * cap, f"{label}_sq[{e}]")
        first = len(model.proto.constraints)
        for k in range(cap):
            model.add(sq >= (2 * k + 1) * load - k * (k + 1))
        cuts = range(first, len(model.proto.constraints))
        out.append(Square(load, sq, cap, cuts, tuple(lits)))
    return tuple(out)


def _cap(v: Variables, examiner: str, possible: int) -> int:
    limit = v.facts.examiners[examiner].max_sessions
    return possible if limit is None else min(possible, limit)


def in_unary(model: cp_model.CpModel, squares: tuple[Square, ...], values: list[int]) -> list:
    """Put each square in order encoding (`y_k >= y_k+1`, `load = Σ y_k`,
    `sq = Σ (2k + 1) y_k`) in place of its tangent cuts, in `model` (a copy of the one the
    squares were built in), and return hints for the new variables from the plan `values`.

    The tangent cuts give CP-SAT the same LP but a weaker proof: on two-sites/M (generator
    seed 3) a solve ending in a full solve with the cuts was unproven at 60 s in three runs,
    with the encoding beside them proven at 32-41 s in three; on tight/M seed 3 no clear
    difference (cuts 45 s once, both 32-49 s and once unproven at 60 s). With the cuts
    dropped (2026-12-08), the last full solve of tight/M seed 3 took 21-24 s against 27-32
    s with both, of two-sites/M seed 3 19 s against 23 s.
    """
    hints: list[tuple[cp_model.IntVar, int]] = []
    for q in squares:
        load = model.get_int_var_from_proto_index(q.load.index)
        sq = model.get_int_var_from_proto_index(q.sq.index)
        ys = [model.new_bool_var(f"{load.name}>{k}") for k in range(q.cap)]
        for y, after in itertools.pairwise(ys):
            model.add_implication(after, y)
        model.add(load == sum(ys))
        model.add(sq == sum((2 * k + 1) * y for k, y in enumerate(ys)))
        n = sum(values[lit.index] for lit in q.counted)  # a plan's vector may omit loads
        hints += [(y, int(k < n)) for k, y in enumerate(ys)]
        for index in q.cuts:
            model.proto.constraints[index].clear_linear()  # an empty constraint: always true
    return hints
