"""Waiting for a solve job from a terminal: progress lines, Ctrl-C to stop, no scheduler needed.

`follow` polls the job row and prints each improvement. While the job is queued and no
scheduler is alive (`services.institution.scheduler_state`), it claims the job and runs it itself in
a worker process, exactly as the scheduler would (`jobs.solving.spawn_worker`), and says
so; a worker of its own that dies fails the job as the dispatcher would.
"""

from __future__ import annotations

import signal
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker

from jobs.solving import spawn_worker, worker_gone
from models import JobStatus, SolveJob
from models.base import utcnow
from models.db import transaction
from services.institution.scheduler_state import scheduler_alive
from services.planning.solve_jobs import cancel, get_job
from services.planning.solve_runs import ENDED, attach, claim, fail, objective_tuple

POLL_SECONDS = 0.3

TEXT = {
    "queued": ("已提交求解任务 #{id}", "solve job #{id} queued"),
    "scheduler": (
        "由调度进程求解（panelplan jobs 可查看）",
        "the scheduler runs it (see panelplan jobs)",
    ),
    "here": (
        "没有运行中的调度进程：由本命令在子进程中求解",
        "no scheduler is running: solving here, in a child process",
    ),
    "stopping": ("正在停止，保留目前最好的方案……", "stopping; the best plan so far is kept…"),
    "left": (
        "不再等待；任务 #{id} 仍在进行，可用 panelplan jobs 查看",
        "no longer waiting; job #{id} goes on (see panelplan jobs)",
    ),
}


class Say:
    """Lines for the planner on stderr; a closed pipe silences them, never the job."""

    def __init__(self, lang: str) -> None:
        self.lang, self.closed = lang, False

    def __call__(self, key: str, **params: object) -> None:
        """Print message `key` (even with --quiet: it says what happens to the job)."""
        zh, en = TEXT[key]
        self.line((zh if self.lang == "zh" else en).format(**params))

    def line(self, text: str) -> None:
        """Print `text` unless the reader went away."""
        if self.closed:
            return
        try:
            print(text, file=sys.stderr, flush=True)
        except BrokenPipeError:
            self.closed = True


class Interrupts:
    """Ctrl-C while waiting: the first asks the job to stop, the second stops waiting."""

    def __init__(self) -> None:
        self.count = 0

    @contextmanager
    def caught(self) -> Iterator[Interrupts]:
        """Count Ctrl-C presses instead of raising KeyboardInterrupt."""
        previous = signal.signal(signal.SIGINT, lambda *_: self._press())
        try:
            yield self
        finally:
            signal.signal(signal.SIGINT, previous)

    def _press(self) -> None:
        self.count += 1


def follow(
    factory: sessionmaker[Session], url: str, job_id: int, say: Say, quiet: bool = False
) -> SolveJob | None:
    """Wait for job `job_id` to end, printing progress; None when the planner stopped waiting."""
    mine: int | None = None  # the pid of a worker this command started
    shown: tuple[object, ...] | None = None
    asked = told = False
    with Interrupts().caught() as interrupts:
        while True:
            job, alive = _look(factory, job_id)
            if not quiet and job.objective is not None and shown != _shown(job):
                shown = _shown(job)
                say.line(_progress_line(job))
            if mine is None and not told and (job.started_at is not None or alive):
                # Someone else runs it (or will): said even when it was claimed, or even ended,
                # before this command first looked at it.
                told = True
                say("scheduler")
            if job.status in ENDED:
                return job
            if job.status == JobStatus.QUEUED and mine is None and not alive:
                mine = _run_here(factory, url, job_id)
                if mine is not None:
                    say("here")
            if mine is not None:
                _reap(factory, job, mine)
            if interrupts.count == 1 and not asked:
                with transaction(factory) as db:
                    cancel(db, job_id)
                asked = True
                say("stopping")
            if interrupts.count > 1:
                say("left", id=job_id)
                return None
            time.sleep(POLL_SECONDS)


def _look(factory: sessionmaker[Session], job_id: int) -> tuple[SolveJob, bool]:
    with factory() as db:
        return get_job(db, job_id), scheduler_alive(db, utcnow())


def _shown(job: SolveJob) -> tuple[object, ...]:
    return (job.level, objective_tuple(job.objective))


def _progress_line(job: SolveJob) -> str:
    return f"{job.elapsed or 0:8.2f}s  {job.level or '':<14} objective {objective_tuple(job.objective)}"


def _run_here(factory: sessionmaker[Session], url: str, job_id: int) -> int | None:
    """Claim the job and start its worker; None when someone else claimed it first."""
    with transaction(factory, "panelplan") as db:
        if claim(db, job_id) is None:
            return None
    try:
        pid = spawn_worker(job_id, url, quiet=True)
    except OSError as error:
        with transaction(factory, "panelplan") as db:
            fail(db, job_id, "crashed", detail=f"{type(error).__name__}: {error}")
        return None
    with transaction(factory, "panelplan") as db:
        attach(db, job_id, pid, socket.gethostname())
    return pid


def _reap(factory: sessionmaker[Session], job: SolveJob, pid: int) -> None:
    """Fail the job if the worker this command started is gone (killed, crashed)."""
    if job.status != JobStatus.RUNNING or job.worker_pid != pid:
        return
    how = worker_gone(job)
    if how is not None:
        with transaction(factory, "panelplan") as db:
            fail(db, job.id, "worker_died", how=how)
