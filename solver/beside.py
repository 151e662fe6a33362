"""The second engine of a level, run in a thread beside the CP-SAT search.

It solves the model's LP relaxation (`solver.relax`), which raises the level's lower bound
to one that sees H6 and H7, and then, when the LP was quick (its cost predicts the cost of
every branch-and-bound node), the same rows as a MIP with HiGHS, which on small and medium
terms proves the level outright. The CP-SAT search (`solver.search`) goes on meanwhile and
reads what this engine found between its steps: the first to prove the level wins, and the
other is stopped. Both libraries release the GIL while they solve.

The programs are built in the caller's thread, before the thread starts: the search narrows
variable domains in place for its neighbourhoods, and a program read from the model while a
window is fixed would bound the window, not the level.
"""

from __future__ import annotations

import threading
import time

from ortools.util.python import solve_interrupter

from .model import Built
from .objective import Term
from .relax import Program

MIP_AFTER_LP = 3.0  # run the MIP when the LP took at most this long (wall seconds)
MIP_PER_LP = 15.0  # and give it this many times the LP's time, at least MIP_FLOOR
MIP_FLOOR = 3.0
STOP_WAIT = 0.2  # seconds to wait for the thread after interrupting it


class Beside:
    """LP, then maybe MIP, for one level; `bound` and `plan` are read by the search."""

    def __init__(self, built: Built, term: Term, seconds: float | None, mip: bool) -> None:
        self.bound = 0
        self.plan: list[int] | None = None
        self.lp_seconds: float | None = None
        self.seconds, self.mip = seconds, mip
        self.done = threading.Event()
        self.interrupter = solve_interrupter.SolveInterrupter()
        self.program = Program(built, term)
        self.thread = threading.Thread(target=self._run, name="lp-mip", daemon=True)

    def start(self) -> Beside:
        self.thread.start()
        return self

    def stop(self) -> None:
        """Interrupt whatever is running; wait for the thread only briefly.

        GLOP answers an interruption only between its iterations (about a second on an L
        term); the thread then ends on its own, and its results are no longer read.
        """
        self.interrupter.interrupt()
        self.thread.join(timeout=STOP_WAIT)

    def _run(self) -> None:
        try:
            started = time.monotonic()
            lp = self.program.lp_bound(self.seconds, self.interrupter)
            if lp is None:
                return
            self.bound = max(self.bound, lp)
            self.lp_seconds = time.monotonic() - started
            if not self.mip or self.lp_seconds > MIP_AFTER_LP:
                return
            seconds = max(MIP_FLOOR, MIP_PER_LP * self.lp_seconds)
            if self.seconds is not None:
                seconds = min(seconds, max(0.0, self.seconds - self.lp_seconds))
            bound, plan = self.program.mip(seconds, self.interrupter)
            if bound is not None:
                self.bound = max(self.bound, bound)
            self.plan = plan
        finally:
            self.done.set()


__all__ = ["Beside", "Program"]
