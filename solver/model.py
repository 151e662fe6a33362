"""Assemble the CP-SAT model: variables, every rule of `rules.RULES`, the objective levels.

An objective level is added to the model only when the solve reaches it: the
squares of the fairness levels are the largest part of the model, and a what-if
rerun has its minimal changes proven before they are needed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .facts import Facts
from .objective import OBJECTIVE, Term
from .rules import RULES, Context
from .rules.context import ForLp, Guard, no_guard
from .variables import Variables


class OutOfTime(Exception):
    """The solve's time limit passed before the model was built."""


@dataclass
class Built:
    """A model ready to solve, with the handles needed to read and steer it."""

    model: cp_model.CpModel
    v: Variables
    lp: ForLp = field(default_factory=ForLp)  # the LP's own formulation of some rules
    _terms: dict[str, Term] = field(default_factory=dict)

    def term(self, name: str) -> Term:
        """Objective level `name`, added to the model the first time it is asked for."""
        if name not in self._terms:
            self._terms[name] = OBJECTIVE[name](self.v)
        return self._terms[name]

    def terms(self) -> list[Term]:
        """The objective levels added to the model so far."""
        return list(self._terms.values())


def build(
    facts: Facts,
    guard: Guard = no_guard,
    rules: tuple[str, ...] | None = None,
    model: cp_model.CpModel | None = None,
    deadline: float | None = None,
) -> Built:
    """Build the model of `facts.instance`; `rules` restricts which hard rules are added.

    Past `deadline` (a `time.monotonic()` moment) it gives up between rules: `OutOfTime`.
    """
    model = model or cp_model.CpModel()
    v = Variables.create(model, facts)
    ctx = Context(model, v, facts, guard)
    for rule_id, apply in RULES:
        if deadline is not None and time.monotonic() > deadline:
            raise OutOfTime
        if rules is None or rule_id in rules:
            apply(ctx)
    return Built(model, v, ctx.lp)
