"""The worker process of one solve job: `python -m jobs.worker JOB_ID` (database: $DATABASE_URL).

Started by the dispatcher (`jobs.solving`) or by `panelplan plan` once the job is claimed
(status running). It builds the instance, solves it with a heartbeat thread beside the
search (progress, heartbeat and the cancel flag, one short transaction a second), then
stores the plan and ends the job in one unit of work. Every failure it can see ends the
job as failed with the reason; a worker killed outright is the dispatcher's to notice.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import sys
import threading
from dataclasses import replace
from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from models import JobStatus, SolveJob
from models.db import database_url, make_engine, session_factory, transaction
from services.messages import Refused
from services.planning.solve_runs import attach, end, fail, heartbeat, prepare_job, store_job
from solver.solve import Control, Options, Progress, solve

BEAT_SECONDS = 1.0  # progress is written at most this often
log = logging.getLogger("panelplan.worker")


class Beat:
    """Heartbeat, progress and cancel polling in a thread beside the search."""

    def __init__(
        self, factory: sessionmaker[Session], job_id: int, control: Control, every: float
    ) -> None:
        self.factory, self.job_id, self.control, self.every = factory, job_id, control, every
        self.latest: Progress | None = None  # set by the solver's threads, read by this one
        self.written: Progress | None = None
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="heartbeat", daemon=True)

    def report(self, progress: Progress) -> None:
        """The solver's progress callback: remember the latest, the thread writes it."""
        self.latest = progress

    def __enter__(self) -> Beat:
        self.thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.done.set()
        self.thread.join()
        self.beat()  # the last progress shown, whatever the throttle held back

    def _loop(self) -> None:
        while not self.done.wait(self.every):
            self.beat()

    def beat(self) -> None:
        """Write the heartbeat and any new progress; stop the search when asked to."""
        latest = self.latest
        try:
            with transaction(self.factory, "worker") as db:
                fresh = latest if latest is not self.written else None
                stop = heartbeat(db, self.job_id, fresh)
        except Exception:  # a lost connection: keep solving, try again next beat
            log.exception("job %s: heartbeat failed", self.job_id)
            return
        self.written = latest
        if stop and not self.control.stopped.is_set():
            self.control.stop()


def run(factory: sessionmaker[Session], job_id: int, every: float = BEAT_SECONDS) -> int:
    """Run claimed job `job_id` to its end; 0 once the job row says how it ended."""
    with transaction(factory, "worker") as db:
        job = db.get(SolveJob, job_id)
        if job is None or job.status != JobStatus.RUNNING:
            return 0  # cancelled before it started, or not claimed: nothing to do
        attach(db, job_id, os.getpid(), socket.gethostname())
        actor = job.requested_by
    try:
        return _solve(factory, job_id, actor, every)
    except Refused as refused:  # the data changed since the request: say why, store nothing
        with transaction(factory, "worker") as db:
            end(db, job_id, JobStatus.FAILED, refused.problems)
        return 0
    except Exception as error:
        log.exception("job %s failed", job_id)
        with transaction(factory, "worker") as db:
            fail(db, job_id, "crashed", detail=f"{type(error).__name__}: {error}")
        return 1


def _solve(factory: sessionmaker[Session], job_id: int, actor: str | None, every: float) -> int:
    # Reading only: the what-if rehearsal rolls its withdrawals back.
    with transaction(factory, actor) as db:
        prepared = prepare_job(db, db.get_one(SolveJob, job_id))
    options = prepared.options = capped(prepared.options)
    control = Control()
    # SIGTERM (a scheduler shutting down) stops the search and keeps the best plan.
    signal.signal(signal.SIGTERM, lambda *_: control.stop())
    with Beat(factory, job_id, control, every) as beat:
        result = solve(prepared.instance, options, beat.report, control, prepared.warnings)
    with transaction(factory, actor) as db:
        store_job(db, job_id, prepared, result)
    return 0


def capped(options: Options) -> Options:
    """The options with at most `$PANELPLAN_SOLVE_WORKERS` CP-SAT threads (`panelplan worker`)."""
    cap = int(os.environ.get("PANELPLAN_SOLVE_WORKERS", 0))
    if cap <= 0 or 0 < options.workers <= cap:
        return options
    return replace(options, workers=cap)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the worker process."""
    parser = argparse.ArgumentParser(prog="python -m jobs.worker")
    parser.add_argument("job_id", type=int)
    args = parser.parse_args(argv)
    # Ctrl-C in the planner's terminal is for `panelplan plan` (it asks the job to stop).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    engine = make_engine(database_url())
    try:
        return run(session_factory(engine), args.job_id)
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
