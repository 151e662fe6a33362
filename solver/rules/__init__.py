"""The hard rules as CP-SAT constraints, one module per rule (SPEC 4.3).

H3 (eligibility) and H4 (recusal) need no constraint: `Variables.create`
makes no variable for an examiner who may not sit on a session, so no plan
can break them. Every other rule is a module with `apply(ctx)`; `RULES` lists
them in the order they are added to the model.
"""

from __future__ import annotations

from collections.abc import Callable

from . import h1_size, h2_leader, h5_overlap, h6_turnover, h7_consecutive, h8_locks
from .context import Context

RULES: tuple[tuple[str, Callable[[Context], None]], ...] = (
    ("H1", h1_size.apply),
    ("H2", h2_leader.apply),
    ("H5", h5_overlap.apply),
    ("H6", h6_turnover.apply),
    ("H7", h7_consecutive.apply),
    ("H8", h8_locks.apply),
)

__all__ = ["RULES", "Context"]
