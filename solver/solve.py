"""Solve an instance: the lexicographic objective of SPEC 4.4, one level at a time.

Each level is minimised (see `solver.search`) with the levels before it fixed
at their optimum and the previous level's plan as the hint; the result is
`OPTIMAL` only when every level was proven. Ties among equally good plans
are broken by the search itself: `seed` seeds CP-SAT (`random_seed`) and the
neighbourhood choice, so the same instance, seed and deterministic mode (one
worker, time limits in deterministic units) give the same plan.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools import __version__ as ortools_version
from ortools.sat.python import cp_model

from . import __version__
from .bound import leader_squares_bound, load_squares_bound
from .diagnose import diagnose
from .facts import Facts
from .messages import say
from .model import Built, build
from .objective import TERMS, evaluate
from .schema import Instance, Objective, Result, Unfilled
from .search import Budget, Control, Outcome, Searcher

SOLVER_VERSION = f"panelplan {__version__} (ortools {ortools_version})"
BOUNDS = {"load_squares": load_squares_bound, "leader_squares": leader_squares_bound}

__all__ = ["SOLVER_VERSION", "Control", "Options", "Progress", "solve"]


@dataclass(frozen=True)
class Options:
    """How to search: time limit in seconds (None: until proven), workers (0: all cores), seed."""

    time_limit: float | None = None
    workers: int = 0
    seed: int = 0
    deterministic: bool = False
    lang: str = "zh"


@dataclass(frozen=True)
class Progress:
    """One improving plan: elapsed seconds, the level being minimised, vector and bound."""

    elapsed: float
    level: str
    objective: Objective
    bound: Objective


def solve(
    instance: Instance,
    options: Options = Options(),
    progress: Callable[[Progress], None] | None = None,
    control: Control | None = None,
    warnings: list[str] | None = None,
) -> Result:
    """Find a plan minimising (unfilled, changes, load_squares, leader_squares) in that order."""
    start = time.monotonic()
    facts = Facts(instance)
    built = build(facts)
    notes = list(warnings or []) + [
        say(options.lang, "count_only", session=s.id)
        for s in instance.sessions
        if s.candidates is None
    ]
    fixed: list[int] = []
    level_name = TERMS[0]

    def report(outcome: Outcome) -> None:
        if progress is not None and outcome.values is not None:
            values = outcome.values
            vector = evaluate(built.v, lambda lit: values[lit.index])
            bound = _bound(fixed, outcome.bound)
            progress(Progress(time.monotonic() - start, level_name, Objective(**vector), bound))

    searcher = Searcher(
        built,
        workers=1 if options.deterministic else options.workers,
        seed=options.seed,
        budget=Budget(options.time_limit, options.deterministic),
        make_solver=lambda limit, seed: _solver(options, limit, seed),
        control=control or Control(),
        on_solution=report,
    )
    status, outcome, hint = "OPTIMAL", Outcome("UNKNOWN"), None
    for term in built.terms:
        level_name = term.name
        if term.trivial:
            fixed.append(0)
            continue
        lower = BOUNDS[term.name](facts) if term.name in BOUNDS and fixed[0] == 0 else None
        outcome = searcher.minimize(term, lower, hint)
        if outcome.values is None:
            status = outcome.status if outcome.status == "INFEASIBLE" else "UNKNOWN"
            break
        hint = outcome.values
        if outcome.status != "OPTIMAL" or searcher.control.stopped.is_set():
            status = "FEASIBLE"
            break
        fixed.append(outcome.value or 0)
        built.model.add(term.expr <= (outcome.value or 0))
    if hint is None:
        return _no_plan(facts, status, options, start, notes)
    bound = _bound(fixed, outcome.bound if status != "OPTIMAL" else None)
    return _plan_result(built, hint, status, bound, options, start, notes)


def _bound(fixed: list[int], current: int | None) -> Objective:
    """Proven levels, then the bound of the level being minimised, then zeros."""
    values = [*fixed] + ([current] if current is not None and len(fixed) < 4 else [])
    values += [0] * (4 - len(values))
    return Objective(**dict(zip(TERMS, values[:4], strict=True)))


def _solver(options: Options, limit: float | None, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.random_seed = seed
    p.num_workers = 1 if options.deterministic else options.workers
    if limit is not None:
        if options.deterministic:
            p.max_deterministic_time = limit
        else:
            p.max_time_in_seconds = limit
    return solver


def _plan_result(
    built: Built,
    values: list[int],
    status: str,
    bound: Objective,
    options: Options,
    start: float,
    notes: list[str],
) -> Result:
    def value(lit: cp_model.IntVar) -> int:
        return values[lit.index]

    empty = [(s, value(var)) for s, var in built.v.empty.items()]
    return Result(
        status=status,  # type: ignore[arg-type]
        objective=Objective(**evaluate(built.v, value)),
        bound=bound,
        solve_seconds=round(time.monotonic() - start, 3),
        seed=options.seed,
        solver_version=SOLVER_VERSION,
        assignments=built.v.plan(value),
        unfilled=[Unfilled(session=s, seats=n) for s, n in empty if n],
        warnings=notes,
    )


def _no_plan(facts: Facts, status: str, options: Options, start: float, notes: list[str]) -> Result:
    diagnostics = diagnose(facts, options) if status == "INFEASIBLE" else []
    return Result(
        status=status,  # type: ignore[arg-type]
        solve_seconds=round(time.monotonic() - start, 3),
        seed=options.seed,
        solver_version=SOLVER_VERSION,
        diagnostics=diagnostics,
        warnings=notes,
    )
