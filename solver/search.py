"""Minimise one level of the objective: full CP-SAT solves plus a neighbourhood search.

CP-SAT proves the fairness levels easily once it holds an optimal plan (the
flow bound of `solver.bound` is usually tight), but on its own it finds that
plan slowly: evening out loads needs long exchange chains that its generic
neighbourhoods rarely hit. So a level is minimised in three phases:

1. a first plan: the valid start the caller gives (the warm start, the
   previous level's plan), or the hint repaired around its broken sessions
   (a baseline after a withdrawal), or else a short full solve;
2. large-neighbourhood search: free the panels of a window of consecutive
   sessions (or of the sessions a busy and an idle examiner could swap),
   fix every other panel, and let CP-SAT re-staff the window optimally;
   windows follow time because H5-H7 tie neighbouring sessions together;
3. a full solve hinted with the best plan, for whatever time is left, which
   either closes the gap or states the bound reached.

The search stops as soon as a plan meets the lower bound. Fixing is done by
narrowing variable domains in the model itself and restoring them, so no
copy of a large model is made per neighbourhood.
"""

from __future__ import annotations

import contextlib
import math
import os
import random
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from .beside import Beside
from .model import Built
from .objective import Term, evaluate
from .relax import lp_bound


@dataclass
class Control:
    """Lets another thread (Ctrl-C, a job runner) stop the search, keeping the best plan."""

    stopped: threading.Event = field(default_factory=threading.Event)
    current: cp_model.CpSolver | None = None

    def stop(self) -> None:
        """Stop now; the solve returns its best plan so far as FEASIBLE."""
        self.stopped.set()
        if self.current is not None:
            self.current.stop_search()


def solve_keeping_sigint(
    solver: cp_model.CpSolver,
    model: cp_model.CpModel,
    callback: cp_model.CpSolverSolutionCallback | None = None,
) -> Any:
    """`solver.solve(model)`, then give Ctrl-C back to Python.

    CP-SAT catches SIGINT during a solve (stopping the search, which is what we want) but
    leaves the process without Python's handler afterwards: the next Ctrl-C would kill it
    outright, skipping every `finally` (a web server would orphan its scheduler, a command
    would lose its clean-up). Re-installing the handler Python had restores KeyboardInterrupt.
    """
    handler = signal.getsignal(signal.SIGINT)
    try:
        return solver.solve(model, callback)
    finally:
        if threading.current_thread() is threading.main_thread() and handler is not None:
            signal.signal(signal.SIGINT, handler)


@dataclass
class Budget:
    """Time left for one solve, in seconds or (deterministic mode) deterministic units.

    In deterministic mode the limit also holds as wall-clock seconds: CP-SAT's
    deterministic time runs slower than the clock on a busy or slow machine (a 20 s limit
    once took 27.8 s), so every solve is also given the wall seconds left, and a solve cut
    by the clock rather than by its deterministic limit may then differ from run to run.
    """

    limit: float | None
    deterministic: bool
    used: float = 0.0
    started: float = field(default_factory=time.monotonic)

    def left(self) -> float | None:
        if self.limit is None:
            return None
        spent = self.used if self.deterministic else time.monotonic() - self.started
        return max(0.0, self.limit - spent)

    def wall_left(self) -> float | None:
        """Wall-clock seconds left (None: no limit)."""
        if self.limit is None:
            return None
        return max(0.0, self.limit - (time.monotonic() - self.started))

    def charge(self, solver: cp_model.CpSolver) -> None:
        self.used += solver.response_proto.deterministic_time

    def cap(self, seconds: float) -> float:
        left = self.left()
        return seconds if left is None else min(seconds, left)

    def limit_solver(self, solver: cp_model.CpSolver) -> cp_model.CpSolver:
        """In deterministic mode, add the wall-clock limit to the deterministic one."""
        wall = self.wall_left()
        if self.deterministic and wall is not None:
            solver.parameters.max_time_in_seconds = wall
        return solver


@dataclass
class Outcome:
    """Where a level ended: CP-SAT status name, best value, proven bound, solution values."""

    status: str
    value: int | None = None
    bound: int = 0
    values: list[int] | None = None


@dataclass
class Searcher:
    """Runs the phases for one level on a built model, with the LP/MIP engine beside it."""

    built: Built
    workers: int
    seed: int
    budget: Budget
    make_solver: Callable[[float | None, int], cp_model.CpSolver]
    control: Control
    on_solution: Callable[[Outcome], None] | None = None
    lower: int = 0  # the level's best lower bound: a plan meeting it ends the level
    beside: Beside | None = None
    adopted: bool = False  # the MIP's plan was taken in (or refused)

    def minimize(
        self,
        term: Term,
        lower: int | None,
        hint: list[int] | None,
        feasible: bool = False,
        broken: set[str] | None = None,
        flow_lower: int | None = None,
    ) -> Outcome:
        """Best plan for `term` within the budget; OPTIMAL when proven.

        `lower` is the best bound known so far (a plan meeting it is optimal); `flow_lower`,
        the flow's, is also added to the model (exact integer arithmetic; the LP's and the
        MIP's bounds are floating point, so they only stop the search). `feasible` says the
        hint satisfies every constraint (the warm start, the previous level's optimum).
        `broken` names the sessions where the hint is known to fail (a baseline after a
        withdrawal): they are re-staffed first, keeping the rest of the hint.
        """
        model = self.built.model
        model.minimize(term.expr)
        self.lower, self.adopted = lower or 0, False
        if flow_lower is not None:
            model.add(term.expr >= flow_lower)  # implied by the relaxation; tells CP-SAT at once
        if hint is not None and broken is not None and not feasible:
            repaired = self._repair(hint, broken, term.name)
            if repaired is not None:
                hint, feasible = repaired.values, True
        first = Outcome("UNKNOWN")
        if feasible and hint is not None:
            value = evaluate(self.built.v, lambda lit: hint[lit.index])[term.name]
            first = self._settle(Outcome("FEASIBLE", value, self.lower, hint))
            if self.on_solution:
                self.on_solution(first)
            if first.status == "OPTIMAL":
                return first
        self.beside = self._start_beside(term)
        if self.beside is not None:
            # A head start: on small terms LP and MIP settle the level in about a second,
            # and CP-SAT beside them would only halve their share of the cores.
            self.beside.done.wait(self.budget.cap(HEAD_START))
        try:
            return self._search(first, hint, term.name)
        finally:
            if self.beside is not None:
                self.beside.stop()
                self.beside = None

    def _search(self, first: Outcome, hint: list[int] | None, level: str) -> Outcome:
        """The CP-SAT phases: a first plan, the opening full solve, windows, a final solve."""
        first = self._adopt(first)
        if first.values is None:  # the watch stops a solve when the MIP offers a plan: adopt
            first = self._adopt(self._full(hint, _first_slice(self.budget), first_only=True))
            if first.status == "UNKNOWN" and not self._halted():
                first = self._adopt(self._full(hint, None))  # keep looking with all the time
            if first.values is None:
                return first
        first = self._settle(self._adopt(first))
        if first.status != "FEASIBLE" or self._halted():
            return first
        # The exact model, while it keeps improving (small terms are proven here).
        opening = self._full(first.values, _opening_slice(self.budget), stall=_stall(self.budget))
        best = self._settle(self._adopt(opening if _better(opening, first) else first))
        if opening.status == "OPTIMAL" or best.status == "OPTIMAL" or self._halted():
            return opening if opening.status == "OPTIMAL" else best
        best = self._settle(self._neighbourhoods(best, level))
        if best.status == "OPTIMAL" or self._halted():
            return best
        final = self._full(best.values, None)
        if final.status == "OPTIMAL":
            return final
        return self._settle(self._adopt(final if _better(final, best) else best))

    # ----- the engine beside --------------------------------------------------

    def _start_beside(self, term: Term) -> Beside | None:
        """LP (and maybe MIP) in a thread; in deterministic mode, the LP bound here and now."""
        if not term.squares or self._halted():
            return None
        left = self.budget.left()
        if self.budget.deterministic:
            # Results arriving at machine-dependent moments would change the plan: no thread,
            # no MIP (HiGHS has no deterministic time limit), the LP bound before the search.
            bound = lp_bound(self.built, term, self.budget.wall_left())
            self.lower = max(self.lower, bound or 0)
            return None
        return Beside(self.built, term, left, mip=True).start()

    def _workers(self) -> int:
        """CP-SAT's workers: one core fewer while the engine beside is busy."""
        cores = self.workers or os.cpu_count() or 1
        busy = self.beside is not None and not self.beside.done.is_set()
        return max(1, cores - 1) if busy else cores

    def _bound(self) -> int:
        """The level's lower bound, with whatever the engine beside has proven meanwhile."""
        if self.beside is not None:
            self.lower = max(self.lower, self.beside.bound)
        return self.lower

    def _settle(self, out: Outcome) -> Outcome:
        """`out` with the current bound; OPTIMAL when its plan meets it."""
        if out.values is not None and out.value is not None:
            out.bound = max(out.bound, self._bound())
            if out.value <= out.bound:
                out.status = "OPTIMAL"
        return out

    def _offered(self) -> bool:
        """The engine beside has finished with a plan not yet taken in."""
        side = self.beside
        return (
            side is not None and side.done.is_set() and side.plan is not None and not self.adopted
        )

    def _adopt(self, best: Outcome) -> Outcome:
        """Take the MIP's plan when it is better, after confirming it on the model itself."""
        if not self._offered():
            return best
        assert self.beside is not None and self.beside.plan is not None
        side, self.adopted = self.beside, True
        confirmed = self._full(side.plan, None, fixed=True)  # every variable fixed: instant
        if _better(confirmed, best):
            if self.on_solution:
                self.on_solution(confirmed)
            return confirmed
        return best

    # ----- phases -------------------------------------------------------------

    def _full(
        self,
        hint: list[int] | None,
        seconds: float | None,
        first_only: bool = False,
        stall: float | None = None,
        fixed: bool = False,
    ) -> Outcome:
        """A solve of the whole model from `hint`; `stall`: stop once it stops improving."""
        model = self.built.model
        model.clear_hints()
        if hint is not None:
            for lit in self.built.v.all_literals():
                model.add_hint(lit, hint[lit.index])
        solver = self.budget.limit_solver(
            self.make_solver(self.budget.cap(seconds) if seconds else self.budget.left(), self.seed)
        )
        solver.parameters.stop_after_first_solution = first_only
        solver.parameters.fix_variables_to_their_hinted_value = fixed
        if not self.budget.deterministic:
            solver.parameters.num_workers = self._workers()
        watch = None if fixed else _Watch(solver, self._bound, stall, self._offered)
        out = self._run(solver, watch)
        if fixed and out.values is not None:
            out.status, out.bound = "FEASIBLE", self.lower  # a check of the hint, not a proof
        return out

    def _halted(self) -> bool:
        budget = self.budget
        return self.control.stopped.is_set() or 0 in (budget.left(), budget.wall_left())

    def _run(self, solver: cp_model.CpSolver, watch: _Watch | None = None) -> Outcome:
        self.control.current = solver
        if self.control.stopped.is_set():
            return Outcome("UNKNOWN")
        with watch or contextlib.nullcontext():
            code = solve_keeping_sigint(solver, self.built.model, watch)
        self.budget.charge(solver)
        name = solver.status_name(code)
        if name not in ("OPTIMAL", "FEASIBLE"):
            return Outcome(name)
        solution = list(solver.response_proto.solution)
        # Objective values are integral; the float API may say 0.9999999999999998 for 1.
        out = Outcome(
            name,
            round(solver.objective_value),
            math.ceil(solver.best_objective_bound - 1e-6),
            solution,
        )
        if name == "FEASIBLE":
            out = self._settle(out)
        if watch is not None and self.on_solution:
            self.on_solution(out)
        return out

    def _neighbourhoods(self, best: Outcome, level: str) -> Outcome:
        """Re-staff windows of sessions while they improve and time remains."""
        windows = Windows(self.built, random.Random(self.seed), level)
        stale = 0
        while stale < windows.patience and best.status != "OPTIMAL" and not self._halted():
            assert best.values is not None and best.value is not None
            trial = self._solve_window(windows.next(best.values), best)
            if trial.values is not None and trial.value is not None and trial.value < best.value:
                best = Outcome("FEASIBLE", trial.value, best.bound, trial.values)
                if self.on_solution:
                    self.on_solution(best)
                stale = 0
            else:
                stale += 1
            best = self._settle(self._adopt(best))
        return best

    def _repair(self, hint: list[int], broken: set[str], level: str) -> Outcome | None:
        """Re-staff the broken sessions, freeing ever more days around them, keeping the rest."""
        windows = Windows(self.built, random.Random(self.seed), level)
        start = Outcome("FEASIBLE", None, 0, hint)
        for days in REPAIR_DAYS:
            if self._halted():
                return None
            out = self._solve_window(windows.around(broken, days), start)
            if out.values is not None:
                return out
        return None

    def _solve_window(self, free: set[int], best: Outcome) -> Outcome:
        model = self.built.model
        assert best.values is not None
        fixed = [lit for lit in self.built.v.all_literals() if lit.index not in free]
        for lit in fixed:
            domain = model.proto.variables[lit.index].domain
            domain.clear()
            domain.extend([best.values[lit.index]] * 2)
        model.clear_hints()
        for lit in self.built.v.all_literals():
            if lit.index in free:
                model.add_hint(lit, best.values[lit.index])
        try:
            solver = self.budget.limit_solver(
                self.make_solver(self.budget.cap(WINDOW_SECONDS), self.seed + 1)
            )
            p = solver.parameters
            p.num_workers = self._workers()
            # Almost every variable is fixed: a light presolve is enough and saves most of the time.
            p.max_presolve_iterations, p.symmetry_level, p.cp_model_probing_level = 1, 0, 0
            out = self._run(solver)
        finally:
            for lit in fixed:
                domain = model.proto.variables[lit.index].domain
                domain.clear()
                domain.extend([0, 1])
        return out


WINDOW_SECONDS = 3.0
HEAD_START = 2.0  # seconds the LP/MIP engine runs alone at the start of a level
STALL_SECONDS = 2.0  # the opening full solve stops after this long without a better plan
REPAIR_DAYS = (0, 1, 3, 7, 14, 28, 10_000)  # neighbourhoods of a repair, in days around it


def _stall(budget: Budget) -> float | None:
    """How long the opening full solve may go without improving (wall clock only).

    In deterministic mode a wall-clock watchdog would make the plan depend on the machine's
    speed, so the opening solve gets a fixed deterministic slice instead (`_first_slice`).
    """
    return None if budget.deterministic else STALL_SECONDS


def _better(a: Outcome, b: Outcome) -> bool:
    """`a` holds a plan strictly better than `b`'s."""
    return a.value is not None and a.values is not None and (b.value is None or a.value < b.value)


class _Watch(cp_model.CpSolverSolutionCallback):
    """Stops a full solve once a plan meets the lower bound, once the engine beside has a
    plan to offer, or once the solve stalls.

    The stall clock runs from the start of the solve and from each plan it finds; a
    watchdog thread checks the clocks and the engine beside and calls `stop_search`.
    """

    def __init__(
        self,
        solver: cp_model.CpSolver,
        lower: Callable[[], int],
        stall: float | None,
        offered: Callable[[], bool],
    ) -> None:
        super().__init__()
        self.solver, self.lower, self.stall, self.offered = solver, lower, stall, offered
        self.last = time.monotonic()
        self.best: float | None = None
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def on_solution_callback(self) -> None:
        self.last = time.monotonic()
        self.best = self.objective_value
        if self.objective_value <= self.lower() + 1e-6:
            self.stop_search()

    def __enter__(self) -> _Watch:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join()

    def _watch(self) -> None:
        while not self.done.wait(0.05):
            stalled = self.stall is not None and time.monotonic() - self.last > self.stall
            proven = self.best is not None and self.best <= self.lower() + 1e-6
            if stalled or proven or self.offered():
                self.solver.stop_search()
                return


def _opening_slice(budget: Budget) -> float | None:
    """At most half the time left for the opening full solve (deterministic: a fixed slice)."""
    if budget.deterministic:
        return _first_slice(budget)
    left = budget.left()
    return None if left is None else left / 2


def _first_slice(budget: Budget) -> float:
    """Time for the first full solve: a tenth of the budget, at least 2 s, at most 20 s."""
    left = budget.left()
    return 10.0 if left is None else max(2.0, min(20.0, left / 10))


class Windows:
    """Neighbourhoods: windows of consecutive sessions, and busy/idle examiner pairs."""

    SIZE = 40

    def __init__(self, built: Built, rng: random.Random, level: str) -> None:
        self.built, self.rng = built, rng
        facts = built.v.facts
        self.order = [s.id for s in sorted(facts.instance.sessions, key=lambda s: s.order_key)]
        self.literals: dict[str, list[int]] = {s: [] for s in self.order}
        for (s, _), lit in built.v.sits.items():
            self.literals[s].append(lit.index)
        for (s, _), lit in built.v.leads.items():
            self.literals[s].append(lit.index)
        self.by_examiner: dict[str, list[tuple[str, int]]] = {}
        # Busy and idle by the level being minimised: seats, or leaderships.
        counted = built.v.leads if level == "leader_squares" else built.v.sits
        for (s, e), lit in counted.items():
            self.by_examiner.setdefault(e, []).append((s, lit.index))
        self.size = min(self.SIZE, len(self.order))
        self.patience = 2 * max(1, len(self.order) // self.size) + 4
        self.turn = 0

    def around(self, sessions: set[str], days: int) -> set[int]:
        """Literal indices of every session starting within `days` days of one of `sessions`."""
        facts = self.built.v.facts
        dates = [facts.sessions[s].start.date() for s in sessions]
        near = [
            s
            for s in self.order
            if any(abs((facts.sessions[s].start.date() - d).days) <= days for d in dates)
        ]
        return {i for s in near for i in self.literals[s]}

    def next(self, values: list[int]) -> set[int]:
        """The literal indices to free next, alternating the two kinds."""
        self.turn += 1
        sessions = self._pair(values) if self.turn % 2 == 0 else self._window()
        return {i for s in sessions for i in self.literals[s]}

    def _window(self) -> list[str]:
        start = self.rng.randrange(0, max(1, len(self.order) - self.size + 1))
        return self.order[start : start + self.size]

    def _pair(self, values: list[int]) -> list[str]:
        """Sessions a busy and an idle examiner could exchange, topped up with random ones."""
        loads = {e: sum(values[i] for _, i in items) for e, items in self.by_examiner.items()}
        ranked = sorted(loads, key=lambda e: (loads[e], self.rng.random()))
        if not ranked:
            return self._window()
        idle = ranked[: max(1, len(ranked) // 10)]
        busy = ranked[-max(1, len(ranked) // 10) :]
        chosen = {self.rng.choice(idle), self.rng.choice(busy)}
        sessions = {s for e in chosen for s, _ in self.by_examiner[e]}
        picked = sorted(sessions)
        self.rng.shuffle(picked)
        return picked[: self.size]
