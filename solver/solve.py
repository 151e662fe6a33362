"""Solve an instance: the lexicographic objective of SPEC 4.4, one level at a time.

Each level is minimised with the levels before it fixed at their optimum and
the previous level's plan as the hint; the result is `OPTIMAL` only when every
level was proven. Ties are broken by the search itself: `seed` is CP-SAT's
`random_seed`, so the same instance, seed and deterministic mode (one worker,
a deterministic time limit) give the same plan (see docs/solver.md).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools import __version__ as ortools_version
from ortools.sat.python import cp_model

from . import __version__
from .facts import Facts
from .messages import say
from .model import Built, build
from .objective import TERMS
from .schema import Instance, Objective, Result, Unfilled

SOLVER_VERSION = f"panelplan {__version__} (ortools {ortools_version})"


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


@dataclass
class Control:
    """Lets another thread (Ctrl-C, a job runner) stop the search, keeping the best plan."""

    stopped: threading.Event = field(default_factory=threading.Event)
    _solver: cp_model.CpSolver | None = None

    def stop(self) -> None:
        """Stop now; the solve returns its best plan so far as FEASIBLE."""
        self.stopped.set()
        if self._solver is not None:
            self._solver.stop_search()


class _Reporter(cp_model.CpSolverSolutionCallback):
    def __init__(
        self,
        built: Built,
        level: int,
        fixed: list[int],
        start: float,
        sink: Callable[[Progress], None],
    ) -> None:
        super().__init__()
        self.built, self.level, self.fixed, self.start, self.sink = built, level, fixed, start, sink

    def on_solution_callback(self) -> None:
        values = [self.value(t.expr) for t in self.built.terms]
        bound = [*self.fixed, int(self.best_objective_bound), *([0] * (3 - self.level))]
        self.sink(
            Progress(
                elapsed=time.monotonic() - self.start,
                level=TERMS[self.level],
                objective=Objective(**dict(zip(TERMS, map(int, values), strict=True))),
                bound=Objective(**dict(zip(TERMS, bound[:4], strict=True))),
            )
        )


def solve(
    instance: Instance,
    options: Options = Options(),
    progress: Callable[[Progress], None] | None = None,
    control: Control | None = None,
    warnings: list[str] | None = None,
) -> Result:
    """Find a plan minimising (unfilled, changes, load_squares, leader_squares) in that order."""
    start = time.monotonic()
    control = control or Control()
    facts = Facts(instance)
    built = build(facts)
    notes = list(warnings or []) + _count_only_warnings(instance, options.lang)
    fixed: list[int] = []
    status, solver = "OPTIMAL", None
    for level, term in enumerate(built.terms):
        if term.trivial:
            fixed.append(0)
            continue
        solver = _solver(options, _remaining(options, start, solver))
        control._solver = solver
        built.model.minimize(term.expr)
        sink = _Reporter(built, level, fixed, start, progress) if progress else None
        code = solver.solve(built.model, sink)
        if code == cp_model.OPTIMAL and not control.stopped.is_set():
            value = int(solver.objective_value)
            fixed.append(value)
            built.model.add(term.expr <= value)
            _hint(built, solver)
            continue
        status = _status(solver, code)
        break
    if status in ("INFEASIBLE", "UNKNOWN") or solver is None:
        return _no_plan(instance, facts, status, options, start, notes)
    return _plan_result(built, solver, status, fixed, options, start, notes)


def _solver(options: Options, remaining: float | None) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.random_seed = options.seed
    p.num_workers = 1 if options.deterministic else options.workers
    if remaining is not None:
        if options.deterministic:
            p.max_deterministic_time = remaining
        else:
            p.max_time_in_seconds = remaining
    return solver


def _remaining(options: Options, start: float, last: cp_model.CpSolver | None) -> float | None:
    """Time left for the next level (deterministic units in deterministic mode)."""
    if options.time_limit is None:
        return None
    if options.deterministic:
        used = last.response_proto.deterministic_time if last is not None else 0.0
        return max(0.0, options.time_limit - used)
    return max(0.0, options.time_limit - (time.monotonic() - start))


def _hint(built: Built, solver: cp_model.CpSolver) -> None:
    built.model.clear_hints()
    for lit in built.v.all_literals():
        built.model.add_hint(lit, solver.boolean_value(lit))


def _status(solver: cp_model.CpSolver, code: object) -> str:
    """Overall status when a level stops short of a proof."""
    name = solver.status_name(code)
    # OPTIMAL here means a level was proven but the search was stopped before the next one.
    return {"OPTIMAL": "FEASIBLE", "FEASIBLE": "FEASIBLE", "INFEASIBLE": "INFEASIBLE"}.get(name, "UNKNOWN")


def _plan_result(
    built: Built,
    solver: cp_model.CpSolver,
    status: str,
    fixed: list[int],
    options: Options,
    start: float,
    notes: list[str],
) -> Result:
    values = [int(solver.value(t.expr)) for t in built.terms]
    bound = [*fixed]
    if len(bound) < 4:
        bound.append(int(solver.best_objective_bound))
    bound += [0] * (4 - len(bound))
    empty = [(s, int(solver.value(var))) for s, var in built.v.empty.items()]
    return Result(
        status=status,  # type: ignore[arg-type]
        objective=Objective(**dict(zip(TERMS, values, strict=True))),
        bound=Objective(**dict(zip(TERMS, bound, strict=True))),
        solve_seconds=round(time.monotonic() - start, 3),
        seed=options.seed,
        solver_version=SOLVER_VERSION,
        assignments=built.v.plan(solver.boolean_value),
        unfilled=[Unfilled(session=s, seats=n) for s, n in empty if n],
        warnings=notes,
    )


def _no_plan(
    instance: Instance, facts: Facts, status: str, options: Options, start: float, notes: list[str]
) -> Result:
    from .diagnose import diagnose  # only needed when there is no plan

    diagnostics = diagnose(facts, options) if status == "INFEASIBLE" else []
    return Result(
        status=status,  # type: ignore[arg-type]
        solve_seconds=round(time.monotonic() - start, 3),
        seed=options.seed,
        solver_version=SOLVER_VERSION,
        diagnostics=diagnostics,
        warnings=notes,
    )


def _count_only_warnings(instance: Instance, lang: str) -> list[str]:
    return [
        say(lang, "count_only", session=s.id) for s in instance.sessions if s.candidates is None
    ]
