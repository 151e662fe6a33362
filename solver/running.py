"""Running one CP-SAT solve: its time budget, stopping it, watching it, its outcome.

`Control` lets another thread (Ctrl-C, a job runner) stop a solve; `Budget` is the one time
limit of a whole solve, spent by every CP-SAT call; `Watch` stops a full solve early when a
plan meets the level's bound, when the LP/MIP engine beside it offers a plan, or when it has
stopped improving; `Outcome` is what a solve left.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model


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


def better(a: Outcome, b: Outcome) -> bool:
    """`a` holds a plan strictly better than `b`'s."""
    return a.value is not None and a.values is not None and (b.value is None or a.value < b.value)


class Watch(cp_model.CpSolverSolutionCallback):
    """Stops a full solve once a plan meets the lower bound, once the engine beside has a
    plan to offer, or once the solve stalls.

    The stall clock runs from each plan the solve finds better than `beat` (the value of
    the plan it was hinted with: at M, CP-SAT's first plans are often far worse than its
    hint, each one restarting the clock while nothing better than the start appeared), and
    from its start unless `patient` (a solve still looking for its first plan waits for
    it); a watchdog thread checks the clocks and the engine beside and calls `stop_search`.
    """

    def __init__(
        self,
        solver: cp_model.CpSolver,
        lower: Callable[[], int],
        stall: float | None,
        offered: Callable[[], bool],
        patient: bool = False,
        beat: int | None = None,
    ) -> None:
        super().__init__()
        self.solver, self.lower, self.stall, self.offered = solver, lower, stall, offered
        self.beat = beat
        self.last: float | None = None if patient else time.monotonic()
        self.best: float | None = None
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def on_solution_callback(self) -> None:
        if self.beat is None or self.objective_value < self.beat:
            self.last = time.monotonic()
        self.best = self.objective_value
        if self.objective_value <= self.lower() + 1e-6:
            self.stop_search()

    def __enter__(self) -> Watch:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join()

    def _watch(self) -> None:
        while not self.done.wait(0.05):
            stalled = (
                self.stall is not None
                and self.last is not None
                and time.monotonic() - self.last > self.stall
            )
            # `beat` is a valid plan's (the hint's): a bound meeting it ends the solve too.
            values = [x for x in (self.best, self.beat) if x is not None]
            proven = bool(values) and min(values) <= self.lower() + 1e-6
            if stalled or proven or self.offered():
                self.solver.stop_search()
                return
