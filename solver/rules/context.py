"""What every rule module receives: the model, the variables and a guard.

The guard returns the enforcement literals of one (rule, session, examiner)
item. A normal solve uses no guard (constraints always hold); diagnosis gives
every item its own assumption literal so CP-SAT can name a conflicting set.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from ..facts import Facts
from ..variables import Variables

Guard = Callable[[str, str | None, str | None], list[cp_model.IntVar]]
Values = Sequence[float] | np.ndarray  # a value per model variable: a plan, an LP solution


def no_guard(rule: str, session: str | None = None, examiner: str | None = None) -> list:
    """Constraints hold unconditionally."""
    return []


@dataclass
class Chain:
    """One examiner's run counter at one venue (H7), as the LP relaxation sees it: at most
    `limit` visits in a run, `carry` of them from history, then blocks of visits (literal
    indices), each after `between`: True (a history session elsewhere: the run restarts),
    False (nothing elsewhere), or the index of the row `moved <= Σ sessions elsewhere`."""

    limit: int
    carry: int
    blocks: list[tuple[list[int], int | bool]] = field(default_factory=list)
    rows: list[range] = field(default_factory=list)  # the counter's constraint indices

    def broken(self, x: Values, constraints: Sequence[Any]) -> bool:
        """Whether values `x` (by model variable; a plan, or the LP's solution with each
        `moved` raised to what the sessions elsewhere allow) break the counter: its least
        possible run length exceeds `limit` somewhere."""
        run = float(self.carry)
        for served, between in self.blocks:
            here = sum(x[i] for i in served)
            if between is True:
                run = here
            elif between is False:
                run += here
            else:
                away = sum(x[v] for v, k in _terms(constraints[between]) if k < 0)
                run = max(here, run + here - self.limit * min(1.0, away))
            if run > self.limit + 1e-6:
                return True
        return False

    def windows(self, constraints: Sequence[Any]) -> Iterator[tuple[dict[int, float], int]]:
        """Rows `Σ coeff x <= upper` in place of the counter: of any `limit` + 1 visits in a
        row, at most `limit` served (fewer by those carried from history) unless a session
        elsewhere is served between them (Σ served − Σ moved between them)."""
        visits: list[tuple[int | None, int | bool]] = [(None, False)] * self.carry
        for served, between in self.blocks:
            visits += [(lit, between if i == 0 else False) for i, lit in enumerate(served)]
        for start in range(len(visits) - self.limit):
            window = visits[start : start + self.limit + 1]
            if any(between is True for _, between in window[1:]):
                continue  # a history session between: the run restarts
            terms = {lit: 1.0 for lit, _ in window if lit is not None}
            for _, between in window[1:]:
                if not isinstance(between, bool):
                    (moved,) = (v for v, k in _terms(constraints[between]) if k > 0)
                    terms[moved] = -1.0
            yield terms, self.limit - sum(1 for lit, _ in window if lit is None)


def _terms(constraint: Any) -> Iterator[tuple[int, int]]:
    """(variable index, coefficient) of a linear constraint proto."""
    linear = constraint.linear
    return zip(linear.vars, linear.coeffs, strict=True)


@dataclass
class ForLp:
    """What the LP relaxation (`solver.relax`) reads besides the model's rows.

    H7's run counters (`chains`) make the LP slow (spread/L: 42 s); windows in their place
    (`Chain.windows`) solve faster (26 s) and bound as tightly except where runs skip
    sessions. So on large terms the LP has the windows and only the counters that `guide`,
    the flow's plan, breaks: that is where H7 bites (`needed`). Its bound is valid either
    way (a relaxation of the full LP); on every term measured it was the full LP's. Read
    only when the LP is built with windows (in the engine beside, at L), never at XL."""

    chains: list[Chain] = field(default_factory=list)
    guide: Values | None = None  # the flow's plan, by model variable

    def needed(self, constraints: Sequence[Any]) -> set[int]:
        """Indices of the chains whose counters the LP keeps: those the guide breaks."""
        if self.guide is None:
            return set()
        return {n for n, c in enumerate(self.chains) if c.broken(self.guide, constraints)}

    def left_out(self, constraints: Sequence[Any]) -> set[int]:
        """The rows of the counters not needed."""
        needed = self.needed(constraints)
        chains = (c for n, c in enumerate(self.chains) if n not in needed)
        return {i for c in chains for rows in c.rows for i in rows}

    def windows(self, constraints: Sequence[Any]) -> Iterator[tuple[dict[int, float], int]]:
        """Every chain's windows (`Chain.windows`)."""
        for chain in self.chains:
            yield from chain.windows(constraints)


@dataclass
class Context:
    model: cp_model.CpModel
    v: Variables
    facts: Facts
    guard: Guard = no_guard
    lp: ForLp = field(default_factory=ForLp)

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
