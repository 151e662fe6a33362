"""The second engine of a level, run in a thread beside the CP-SAT search.

It solves the model's LP relaxation (`solver.relax`), which raises the level's lower bound
to one that sees H6 and H7. A bound meeting the level's start plan proves that plan, and
the engine stops there. Otherwise, when the LP was quick (its cost predicts the cost of
every branch-and-bound node: S terms), it solves the same rows as a MIP with HiGHS, which
on small terms proves the level outright. The MIP starts from the level's valid first plan
when there is one, and each better bound it proves is shown to the search at once. The
CP-SAT search (`solver.search`) goes on meanwhile and reads what this engine found between
its steps: the first to prove the level wins, and the other is stopped. HiGHS releases the
GIL while it solves.

The model is copied in the caller's thread, before the thread starts (the rows are built
from the copy by the thread): the search narrows variable domains in place for its
neighbourhoods, and a program read from the model while a window is fixed would bound the
window, not the level.
"""

from __future__ import annotations

import threading
import time

from .model import Built
from .objective import Term
from .relax import Program, Stopped

MIP_AFTER_LP = 0.5  # run the MIP when the LP took at most this long (wall seconds): S terms
MIP_PER_LP = 15.0  # and give it this many times the LP's time, at least MIP_FLOOR
MIP_FLOOR = 3.0
MARGIN = 1.0  # seconds before the solve's limit at which the LP and MIP stop on their own


class Beside:
    """LP, then maybe MIP, for one level; `bound` and `plan` are read by the search."""

    def __init__(
        self,
        built: Built,
        term: Term,
        seconds: float | None,
        start: list[int] | None = None,
        target: int | None = None,
    ) -> None:
        self.bound = 0
        self.start_plan = start
        self.target = target  # the start plan's value: a bound reaching it ends the level
        self.plan: list[int] | None = None
        self.seconds = None if seconds is None else max(0.01, seconds - MARGIN)
        self.done = threading.Event()
        self.lp_done = threading.Event()  # the LP has ended (solved, failed or stopped)
        self.program = Program(built, term)
        self.thread = threading.Thread(target=self._run, name="lp-mip", daemon=True)

    def start(self) -> Beside:
        self.thread.start()
        return self

    def stop(self) -> None:
        """Interrupt whatever is running and wait for the thread to end.

        Building the rows checks for the stop every few thousand constraints; HiGHS stops at
        its next check (between interior point iterations; in the MIP a few times a second,
        up to a second or two in its root LP at M), which is why its own time limits end a
        second before the solve's. The thread must not outlive the solve: a process
        exiting under a running solver thread aborts.
        """
        self.program.stopped.set()
        self.thread.join()

    def head_start(self, seconds: float) -> None:
        """Wait while this engine should have the cores to itself: until it is done or
        `seconds` pass, but no longer than MIP_AFTER_LP while the LP runs (a MIP follows
        only a quick LP, and the LP takes one core: the search may start beside it)."""
        started = time.monotonic()
        if self.lp_done.wait(min(seconds, MIP_AFTER_LP)):
            self.done.wait(max(0.0, seconds - (time.monotonic() - started)))

    def _run(self) -> None:
        try:
            self._solve()
        except Stopped:
            pass  # the level ended while the rows were being built
        finally:
            self.lp_done.set()
            self.done.set()

    def _raise_bound(self, bound: int) -> None:
        self.bound = max(self.bound, bound)
        if self._proven():
            self.program.stopped.set()  # HiGHS stops at its next check

    def _proven(self) -> bool:
        """The bound has reached the start plan: that plan is optimal, nothing left to do."""
        return self.target is not None and self.bound >= self.target

    def _solve(self) -> None:
        started = time.monotonic()
        lp = self.program.lp_bound(self.seconds)
        lp_seconds = time.monotonic() - started
        if lp is not None:
            self.bound = max(self.bound, lp)
        self.lp_done.set()
        if lp is None:
            return
        if lp_seconds > MIP_AFTER_LP or self._proven():
            return
        seconds = max(MIP_FLOOR, MIP_PER_LP * lp_seconds)
        if self.seconds is not None:
            seconds = min(seconds, max(0.0, self.seconds - lp_seconds))
        bound, plan = self.program.mip(seconds, self.start_plan, self._raise_bound)
        if bound is not None:
            self.bound = max(self.bound, bound)
        # Stopped at the start plan's value: its plan is no better than the start.
        self.plan = None if self._proven() else plan


__all__ = ["Beside", "Program"]
