"""Assemble the CP-SAT model: variables, every rule of `rules.RULES`, the objective terms."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from .facts import Facts
from .objective import OBJECTIVE, Term
from .rules import RULES, Context
from .rules.context import Guard, no_guard
from .variables import Variables


@dataclass
class Built:
    """A model ready to solve, with the handles needed to read and steer it."""

    model: cp_model.CpModel
    v: Variables
    terms: list[Term]


def build(
    facts: Facts,
    guard: Guard = no_guard,
    rules: tuple[str, ...] | None = None,
    model: cp_model.CpModel | None = None,
    objective: bool = True,
) -> Built:
    """Build the model of `facts.instance`; `rules` restricts which hard rules are added."""
    model = model or cp_model.CpModel()
    v = Variables.create(model, facts)
    ctx = Context(model, v, facts, guard)
    for rule_id, apply in RULES:
        if rules is None or rule_id in rules:
            apply(ctx)
    return Built(model, v, [term(v) for term in OBJECTIVE] if objective else [])
