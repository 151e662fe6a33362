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
import random
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model
from ortools.util.python import solve_interrupter

from .model import Built
from .objective import Term, evaluate
from .relax import lp_bound, mip_solve


@dataclass
class Control:
    """Lets another thread (Ctrl-C, a job runner) stop the search, keeping the best plan."""

    stopped: threading.Event = field(default_factory=threading.Event)
    current: cp_model.CpSolver | None = None
    interrupter: solve_interrupter.SolveInterrupter = field(
        default_factory=solve_interrupter.SolveInterrupter
    )

    def stop(self) -> None:
        """Stop now; the solve returns its best plan so far as FEASIBLE."""
        self.stopped.set()
        self.interrupter.interrupt()  # an LP or MIP under way
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
    """Time left for one solve, in seconds or (deterministic mode) deterministic units."""

    limit: float | None
    deterministic: bool
    used: float = 0.0
    started: float = field(default_factory=time.monotonic)

    def left(self) -> float | None:
        if self.limit is None:
            return None
        spent = self.used if self.deterministic else time.monotonic() - self.started
        return max(0.0, self.limit - spent)

    def charge(self, solver: cp_model.CpSolver) -> None:
        self.used += solver.response_proto.deterministic_time

    def cap(self, seconds: float) -> float:
        left = self.left()
        return seconds if left is None else min(seconds, left)


@dataclass
class Outcome:
    """Where a level ended: CP-SAT status name, best value, proven bound, solution values."""

    status: str
    value: int | None = None
    bound: int = 0
    values: list[int] | None = None


@dataclass
class Searcher:
    """Runs the three phases for one level on a built model."""

    built: Built
    workers: int
    seed: int
    budget: Budget
    make_solver: Callable[[float | None, int], cp_model.CpSolver]
    control: Control
    on_solution: Callable[[Outcome], None] | None = None
    lower: int = 0  # the level's best lower bound: a plan meeting it ends the level

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

        `lower` is the best known lower bound (a plan meeting it is optimal); `flow_lower`,
        the flow's, is also added to the model (it is exact integer arithmetic; the LP's
        bound is not, so it only stops the search).

        `feasible` says the hint satisfies every constraint (it is the previous
        level's optimum): the search then starts from it as it is. `broken`
        names the sessions where the hint is known to fail (a baseline after a
        withdrawal): they are re-staffed first, keeping the rest of the hint.
        """
        model = self.built.model
        model.minimize(term.expr)
        self.lower = lower or 0
        if flow_lower is not None:
            model.add(term.expr >= flow_lower)  # implied by the relaxation; tells CP-SAT at once
        lp_seconds = self._lp_bound(term)
        if hint is not None and broken is not None and not feasible:
            repaired = self._repair(hint, broken, term.name)
            if repaired is not None:
                hint, feasible = repaired.values, True
        first = Outcome("UNKNOWN")
        if feasible and hint is not None:
            value = evaluate(self.built.v, lambda lit: hint[lit.index])[term.name]
            first = Outcome("FEASIBLE", value, self.lower, hint)
            if self.on_solution:
                self.on_solution(first)
        if lp_seconds is not None and lp_seconds <= MIP_AFTER_LP and not self._proven(first):
            first = self._mip(term, first)
        if first.values is None:
            first = self._full(hint, _first_slice(self.budget), first_only=True)
            if first.status == "UNKNOWN" and not self._halted():
                return self._full(hint, None)  # no plan yet: keep looking with all the time left
        if first.status == "FEASIBLE" and self._proven(first):
            first.status = "OPTIMAL"
        if first.status != "FEASIBLE":
            return first
        # The exact model from the start, while it keeps improving (small terms end here).
        opening = self._full(first.values, _opening_slice(self.budget), stall=_stall(self.budget))
        if opening.status == "OPTIMAL":
            return opening
        first = opening if _better(opening, first) else first
        best = self._neighbourhoods(first, max(first.bound, self.lower), term.name)
        if best.value is not None and best.value <= best.bound:
            best.status = "OPTIMAL"
            return best
        if self._halted():
            return best
        final = self._full(best.values, None)
        return final if _better(final, best) or final.status == "OPTIMAL" else best

    # ----- phases -------------------------------------------------------------

    def _proven(self, out: Outcome) -> bool:
        return out.value is not None and out.value <= self.lower

    def _lp_bound(self, term: Term) -> float | None:
        """Raise the lower bound to the LP relaxation's; how long the LP took (None: not solved)."""
        if not term.squares or self._halted():
            return None
        started = time.monotonic()
        seconds = (
            None
            if self.budget.deterministic
            else self.budget.cap(LP_SHARE * (self.budget.left() or 600))
        )
        relaxed = lp_bound(self.built, term, seconds, self.control.interrupter)
        if relaxed.bound is None:
            return None
        self.lower = max(self.lower, relaxed.bound)
        return time.monotonic() - started

    def _mip(self, term: Term, first: Outcome) -> Outcome:
        """Branch and bound on the LP's rows from `first`: a better bound, perhaps a better plan."""
        if self.budget.deterministic or self._halted():
            return first  # HiGHS has no deterministic time limit: deterministic mode skips it
        seconds = self.budget.cap(MIP_SHARE * (self.budget.left() or MIP_SECONDS / MIP_SHARE))
        out = mip_solve(self.built, term, min(seconds, MIP_SECONDS), self.control.interrupter)
        if out.bound is not None:
            self.lower = max(self.lower, out.bound)
            first.bound = max(first.bound, self.lower)
        if out.values is None:
            return first
        # Confirm the MIP's plan on the model itself (every variable fixed: instant).
        confirmed = self._full(out.values, None, fixed=True)
        return confirmed if _better(confirmed, first) else first

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
        solver = self.make_solver(
            self.budget.cap(seconds) if seconds else self.budget.left(), self.seed
        )
        solver.parameters.stop_after_first_solution = first_only
        solver.parameters.fix_variables_to_their_hinted_value = fixed
        out = self._run(solver, _Watch(solver, self.lower, stall))
        if fixed and out.values is not None:
            out.status, out.bound = "FEASIBLE", self.lower  # a check of the hint, not a proof
        return out

    def _halted(self) -> bool:
        return self.control.stopped.is_set() or self.budget.left() == 0

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
        if out.value is not None and out.value <= self.lower:
            out.status = "OPTIMAL"  # the plan meets a proven lower bound
        if watch is not None and self.on_solution:
            self.on_solution(out)
        return out

    def _neighbourhoods(self, best: Outcome, bound: int, level: str) -> Outcome:
        """Re-staff windows of sessions while they improve and time remains."""
        windows = Windows(self.built, random.Random(self.seed), level)
        best.bound = bound
        stale = 0
        while stale < windows.patience and best.value is not None and best.value > bound:
            if self._halted():
                break
            assert best.values is not None
            trial = self._solve_window(windows.next(best.values), best)
            if trial.values is not None and trial.value is not None and trial.value < best.value:
                best = Outcome("FEASIBLE", trial.value, bound, trial.values)
                if self.on_solution:
                    self.on_solution(best)
                stale = 0
            else:
                stale += 1
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
            solver = self.make_solver(self.budget.cap(WINDOW_SECONDS), self.seed + 1)
            p = solver.parameters
            p.num_workers = self.workers
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
LP_SHARE = 0.25  # at most this share of the time left for the LP bound
MIP_AFTER_LP = 2.0  # run the MIP when the LP took at most this long (its nodes cost as much)
MIP_SHARE, MIP_SECONDS = 0.5, 60.0  # the MIP's time: this share of the time left, at most
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
    """Stops a full solve once a plan meets the lower bound, or once it stalls.

    The stall clock runs from the last plan found (not from the start: presolving a large
    term takes a while), checked by a watchdog thread that calls `stop_search`.
    """

    def __init__(self, solver: cp_model.CpSolver, lower: int, stall: float | None) -> None:
        super().__init__()
        self.solver, self.lower, self.stall = solver, lower, stall
        self.last: float | None = None
        self.done = threading.Event()
        self.thread: threading.Thread | None = None

    def on_solution_callback(self) -> None:
        self.last = time.monotonic()
        if self.objective_value <= self.lower + 1e-6:
            self.stop_search()

    def __enter__(self) -> _Watch:
        if self.stall is not None:
            self.thread = threading.Thread(target=self._watch, daemon=True)
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        if self.thread is not None:
            self.thread.join()

    def _watch(self) -> None:
        assert self.stall is not None
        while not self.done.wait(0.05):
            if self.last is not None and time.monotonic() - self.last > self.stall:
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
