"""What every rule module receives: the model, the variables and a guard.

The guard returns the enforcement literals of one (rule, session, examiner)
item. A normal solve uses no guard (constraints always hold); diagnosis gives
every item its own assumption literal so CP-SAT can name a conflicting set.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from ..facts import Facts
from ..variables import Variables

Guard = Callable[[str, str | None, str | None], list[cp_model.IntVar]]


def no_guard(rule: str, session: str | None = None, examiner: str | None = None) -> list:
    """Constraints hold unconditionally."""
    return []


@dataclass
class Context:
    model: cp_model.CpModel
    v: Variables
    facts: Facts
    guard: Guard = no_guard

    def add(
        self,
        constraint: cp_model.BoundedLinearExpression | bool,
        rule: str,
        session: str | None = None,
        examiner: str | None = None,
    ) -> None:
        """Add a linear constraint, enforced by the guard of (rule, session, examiner)."""
        ct = self.model.add(constraint)
        enforce = self.guard(rule, session, examiner)
        if enforce:
            ct.only_enforce_if(enforce)
