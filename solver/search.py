"""Minimise one level of the objective: CP-SAT's phases, with the LP/MIP engine beside them.

CP-SAT finds fair plans slowly on its own (evening out loads needs long exchange chains)
and cannot prove them where the flow bound is weak. So a level runs two engines: in a
thread, the LP relaxation and then the MIP of the model (`solver.beside`), which give a
bound that sees H6 and H7 and, on small terms, the optimum itself; and here, CP-SAT from a
first plan (the caller's valid start, the repaired published plan, the MIP's plan, or a
short full solve), then the exact model while it improves, then neighbourhoods — crews of
examiners, or windows of sessions — re-staffed with the rest fixed (`solver.windows`), then
a full solve with the time left.
Whatever proves the level first ends it. Fixing a window narrows variable domains in the
model itself and restores them, so no copy of a large model is made per neighbourhood.
"""

from __future__ import annotations

import contextlib
import math
import os
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .beside import Beside
from .model import Built
from .objective import Term, evaluate, in_unary
from .relax import Program
from .rules.context import Values
from .running import Budget, Control, Outcome, Watch, better, solve_keeping_sigint
from .windows import Windows

__all__ = ["Budget", "Control", "Outcome", "Searcher", "solve_keeping_sigint"]


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
    # The shares the crews read until the LP's arrive (the flow's plan), or in deterministic
    # mode the LP's solution; by model variable.
    relaxed: Values | None = None

    def minimize(
        self,
        term: Term,
        lower: int | None,
        hint: list[int] | None,
        feasible: bool = False,
        broken: set[str] | None = None,
        flow_lower: int | None = None,
        guide: list[int] | None = None,
    ) -> Outcome:
        """Best plan for `term` within the budget; OPTIMAL when proven.

        `lower` is the best bound known so far (a plan meeting it is optimal); `flow_lower`,
        the flow's, is also added to the model (exact integer arithmetic; the LP's and the
        MIP's bounds are floating point, so they only stop the search). `feasible` says the
        hint satisfies every constraint (the warm start, the previous level's optimum).
        `broken` names the sessions where the hint is known to fail (a baseline after a
        withdrawal): they are re-staffed first, keeping the rest of the hint. `guide`, the
        flow's plan, gives the crews shares until the LP's solution arrives.
        """
        model = self.built.model
        model.minimize(term.expr)
        self.lower, self.adopted, self.relaxed = lower or 0, False, guide
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
        self.beside = self._start_beside(term, hint if feasible else None, first.value)
        if self.beside is not None:
            # A head start: on small terms LP and MIP settle the level in about a second,
            # and CP-SAT beside them would only halve their share of the cores.
            self.beside.head_start(self.budget.cap(HEAD_START))
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
            first = self._adopt(
                self._full(hint, _first_slice(self.budget), first_only=True, every_core=True)
            )
            if first.status == "UNKNOWN" and not self._halted():
                # Keep looking with all the time, until the first plans stop improving.
                first = self._adopt(
                    self._full(hint, None, stall=_stall(self.budget), patient=True, every_core=True)
                )
            if first.values is None:
                return first
        first = self._settle(self._adopt(first))
        if first.status != "FEASIBLE" or self._halted():
            return first
        # The exact model, while it keeps improving (small terms are proven here).
        opening = self._full(
            first.values, _opening_slice(self.budget), stall=_stall(self.budget), beat=first.value
        )
        best = self._settle(self._adopt(opening if better(opening, first) else first))
        if opening.status == "OPTIMAL" or best.status == "OPTIMAL" or self._halted():
            return opening if opening.status == "OPTIMAL" else best
        best = self._settle(self._neighbourhoods(best, level))
        if best.status == "OPTIMAL" or self._halted():
            return best
        final = self._final(best, level)
        if final.status == "OPTIMAL":
            return final
        return self._settle(self._adopt(final if better(final, best) else best))

    # ----- the engine beside --------------------------------------------------

    def _start_beside(
        self, term: Term, start: list[int] | None, value: int | None
    ) -> Beside | None:
        """LP (and maybe MIP) in a thread; in deterministic mode, the LP bound here and now.

        `value` is the start plan's: a bound reaching it proves the level, and the engine
        beside stops there instead of starting (or finishing) its MIP."""
        rows = len(self.built.model.proto.constraints)
        if not term.squares or self._halted() or rows > MAX_ROWS:
            return None
        left = self.budget.left()
        if self.budget.deterministic:
            # Results arriving at machine-dependent moments would change the plan: no thread,
            # no MIP (HiGHS has no deterministic time limit), the LP bound before the search.
            program = Program(self.built, term)
            self.lower = max(self.lower, program.lp_bound(self.budget.wall_left()) or 0)
            if program.values is not None:
                self.relaxed = program.values
            return None
        return Beside(self.built, term, left, start, value).start()

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

    def _relaxed(self) -> Values | None:
        """The LP's optimal solution once the engine beside has it; until then `relaxed`."""
        values = self.beside.program.values if self.beside is not None else None
        return self.relaxed if values is None else values

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
        if better(confirmed, best):
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
        patient: bool = False,
        every_core: bool = False,
        beat: int | None = None,
        model: cp_model.CpModel | None = None,
        extra: Sequence[tuple[cp_model.IntVar, int]] = (),
    ) -> Outcome:
        """A solve of the whole model (or of `model`, a copy with more rows) from `hint`
        (and `extra` hints for the copy's own variables); `stall`: stop once it stops
        improving (on `beat`, the hint's value, when given)."""
        model = model or self.built.model
        model.clear_hints()
        if hint is not None:
            for lit in self.built.v.all_literals():
                model.add_hint(lit, hint[lit.index])
            for var, value in extra:
                model.add_hint(var, value)
        solver = self.budget.limit_solver(
            self.make_solver(self.budget.cap(seconds) if seconds else self.budget.left(), self.seed)
        )
        solver.parameters.stop_after_first_solution = first_only
        solver.parameters.fix_variables_to_their_hinted_value = fixed
        if not self.budget.deterministic and not every_core:
            solver.parameters.num_workers = self._workers()
        watch = None if fixed else Watch(solver, self._bound, stall, self._offered, patient, beat)
        out = self._run(solver, watch, model)
        if fixed and out.values is not None:
            out.status, out.bound = "FEASIBLE", self.lower  # a check of the hint, not a proof
        return out

    def _final(self, best: Outcome, level: str) -> Outcome:
        """A full solve for the time left, on a copy of the model with the level's squares
        in unary in place of their tangent cuts (`objective.in_unary`), with which CP-SAT
        proves more. Only here: in the model itself the encoding made the crews at M slower
        and, at the next level, left hints incomplete; the copy costs 63 MiB at L, for the
        last phase only."""
        assert best.values is not None
        model = self.built.model.clone()
        extra = in_unary(model, self.built.term(level).squares, best.values)
        return self._full(best.values, None, model=model, extra=extra)

    def _halted(self) -> bool:
        budget = self.budget
        return self.control.stopped.is_set() or 0 in (budget.left(), budget.wall_left())

    def _run(
        self,
        solver: cp_model.CpSolver,
        watch: Watch | None = None,
        model: cp_model.CpModel | None = None,
    ) -> Outcome:
        self.control.current = solver
        if self.control.stopped.is_set():
            return Outcome("UNKNOWN")
        with watch or contextlib.nullcontext():
            code = solve_keeping_sigint(solver, model or self.built.model, watch)
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
        """Re-staff neighbourhoods (`Windows.next`) while they improve and time remains."""
        windows = Windows(self.built, random.Random(self.seed), level)
        stale = 0
        while stale < windows.patience and best.status != "OPTIMAL" and not self._halted():
            assert best.values is not None and best.value is not None
            trial = self._solve_window(windows.next(best.values, self._relaxed()), best)
            if trial.values is not None and trial.value is not None and trial.value < best.value:
                best = Outcome("FEASIBLE", trial.value, best.bound, trial.values)
                if self.on_solution:
                    self.on_solution(best)
                stale = 0
            elif self.beside is None or self.beside.lp_done.is_set():
                # Patience counts once the LP has ended: the crews its shares draw find the
                # examiner a seat short, which the others seldom do (spread/L: 4-30 s after
                # the LP's 33-44 s; bench L with patience spent first: unproven at 120 s).
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
# Beyond this many model constraints the LP/MIP engine is not started: at L (50-115 k) the
# LP takes 10-35 s; at XL building its rows took the peak memory to 8 GiB and 15 s to stop.
MAX_ROWS = 200_000
HEAD_START = 2.0  # seconds the LP/MIP engine runs alone at the start of a level
STALL_SECONDS = 2.0  # the opening full solve stops after this long without a better plan
REPAIR_DAYS = (0, 1, 3, 7, 14, 28, 10_000)  # neighbourhoods of a repair, in days around it


def _stall(budget: Budget) -> float | None:
    """How long the opening full solve may go without improving (wall clock only).

    In deterministic mode a wall-clock watchdog would make the plan depend on the machine's
    speed, so the opening solve gets a fixed deterministic slice instead (`_first_slice`).
    """
    return None if budget.deterministic else STALL_SECONDS


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
