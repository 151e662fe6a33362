"""The lexicographic objective (SPEC 4.4) as CP-SAT expressions, one term per function.

Squares are written as `sq == load * load` (exact for CP propagation) plus
the tangent cuts `sq >= (2k + 1) load - k (k + 1)`, which meet the parabola
at every integer and make the LP relaxation the convex-cost flow bound of
"spread the seats as evenly as eligibility allows". That bound is what lets
CP-SAT prove `load_squares` optimal quickly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .variables import Variables

TERMS = ("unfilled", "changes", "load_squares", "leader_squares")


@dataclass(frozen=True)
class Term:
    """One level of the objective: its expression, and whether it can be other than 0."""

    name: str
    expr: cp_model.LinearExprT
    trivial: bool


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
    return Term("load_squares", _squares(v, "load", counts), False)


def leader_squares(v: Variables) -> Term:
    """Sum over examiners of (sessions led)^2."""
    return Term("leader_squares", _squares(v, "led", v.led_by()), False)


OBJECTIVE: tuple[Callable[[Variables], Term], ...] = (
    unfilled,
    changes,
    load_squares,
    leader_squares,
)


def _squares(v: Variables, label: str, literals: dict[str, list]) -> cp_model.LinearExprT:
    model = v.model
    total = 0
    seats = sum(v.facts.sizes.values())
    examiners = max(1, len(literals))
    for e, lits in sorted(literals.items()):
        cap = _cap(v, e, len(lits))
        if cap == 0:
            continue
        load = model.new_int_var(0, cap, f"{label}[{e}]")
        model.add(load == sum(lits))
        sq = model.new_int_var(0, cap * cap, f"{label}_sq[{e}]")
        model.add_multiplication_equality(sq, [load, load])
        # Tangents where the optimum can plausibly be; beyond, the product keeps it exact.
        for k in range(min(cap, 2 * seats // examiners + 3)):
            model.add(sq >= (2 * k + 1) * load - k * (k + 1))
        total += sq
    return total


def _cap(v: Variables, examiner: str, possible: int) -> int:
    limit = v.facts.examiners[examiner].max_sessions
    return possible if limit is None else min(possible, limit)
