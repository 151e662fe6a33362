"""Dispatching solve jobs: start queued jobs in worker processes, notice workers that died.

With `PANELPLAN_BROKER_URL` set, queued jobs are sent to the broker instead, fairly
(`services.planning.solve_queue`), for `panelplan worker` processes (`jobs.queue_worker`)
to claim; the reaper below still fails the jobs of workers that died, wherever they ran.

`dispatch_solves()` runs every couple of seconds in the scheduler process; it keeps no
state between calls: the job rows say what runs where (worker pid and host, heartbeat), and
the worker processes it started are its children, so `waitpid` tells how one ended. A
worker that is gone while its job still says running (killed, crashed) fails the job; the
plans already stored are never touched, and a worker stores its own plan in one unit of
work, so a killed worker leaves nothing half-written. `recover_interrupted()` runs once at
scheduler start: jobs whose worker did not survive the restart are marked interrupted.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from models import SolveJob
from models.db import database_url, make_engine, session_factory, transaction
from services.planning.solve_queue import Fairness, choose
from services.planning.solve_runs import (
    attach,
    claim,
    fail,
    mark_interrupted,
    options_of,
    running,
    stale,
)

from .broker import broker_url, send
from .queue_worker import Limits

SLOTS_VARIABLE = "PANELPLAN_SOLVE_SLOTS"
DEFAULT_SLOTS = 1  # CP-SAT uses every core it is given; one solve at a time on two cores
# With a broker: term solves waiting in it, and in flight per institution (solve_queue).
AHEAD_VARIABLE, PER_INSTITUTION_VARIABLE = "PANELPLAN_QUEUE_AHEAD", "PANELPLAN_INSTITUTION_SLOTS"


def solve_slots() -> int:
    """How many solve jobs may run at once (`$PANELPLAN_SOLVE_SLOTS`, default 1)."""
    return max(1, int(os.environ.get(SLOTS_VARIABLE, DEFAULT_SLOTS)))


def dispatch_solves(url: str | None = None, slots: int | None = None) -> list[int]:
    """Fail jobs whose worker died, then start queued jobs while slots are free; the ids started."""
    url = url or database_url()
    engine = make_engine(url)
    factory = session_factory(engine)
    try:
        with transaction(factory, "scheduler") as db:
            reap(db)
        broker = broker_url()
        if broker is not None:
            return _send_queued(factory, broker)
        return _start_queued(factory, url, solve_slots() if slots is None else slots)
    finally:
        engine.dispose()


def _start_queued(factory: sessionmaker[Session], url: str, slots: int) -> list[int]:
    started: list[int] = []
    while True:
        with transaction(factory, "scheduler") as db:
            job = claim(db) if len(running(db)) < slots else None
        if job is None:
            return started
        try:
            pid = spawn_worker(job.id, url)
        except OSError as error:
            with transaction(factory, "scheduler") as db:
                fail(db, job.id, "crashed", detail=f"{type(error).__name__}: {error}")
            continue
        with transaction(factory, "scheduler") as db:
            attach(db, job.id, pid, socket.gethostname())
        started.append(job.id)


def fairness(environ: dict[str, str] | None = None) -> Fairness:
    """How many term solves wait in the broker, and run per institution (environment)."""
    env = os.environ if environ is None else environ
    return Fairness(
        max(1, int(env.get(AHEAD_VARIABLE, Fairness.ahead))),
        max(1, int(env.get(PER_INSTITUTION_VARIABLE, Fairness.per_institution))),
    )


def _send_queued(factory: sessionmaker[Session], broker: str) -> list[int]:
    # Marked sent in the same unit that sends them: a send that fails rolls the marks back.
    with transaction(factory, "scheduler") as db:
        chosen = choose(db, fairness())
        for dispatch in chosen:
            job = db.get_one(SolveJob, dispatch.job_id)
            send(broker, dispatch, Limits.of(options_of(job).time_limit).hard + 60)
    return [d.job_id for d in chosen]


def spawn_worker(job_id: int, url: str, quiet: bool = False) -> int:
    """Start `python -m jobs.worker JOB_ID` in a session of its own; its pid.

    No `subprocess.Popen` object is kept (the dispatcher keeps no state): the child is
    reaped by `waitpid` in `worker_gone`. `quiet` sends its log to /dev/null (a planner's
    terminal must never show a traceback); otherwise it goes to the scheduler's stderr.
    """
    streams = (0, 1, 2) if quiet else (0, 1)
    actions = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_RDWR, 0) for fd in streams]
    env = dict(os.environ, DATABASE_URL=url)
    argv = [sys.executable, "-m", "jobs.worker", str(job_id)]
    return os.posix_spawn(sys.executable, argv, env, file_actions=actions, setsid=True)


def worker_gone(job: SolveJob, host: str | None = None) -> str | None:
    """How the job's worker ended (exit code, signal, silence), or None while it runs."""
    host = host or socket.gethostname()
    if job.worker_pid is None or job.worker_host != host:
        # Not started yet, or on another machine: only its heartbeat can tell.
        return "no heartbeat / 无心跳" if stale(job) else None
    try:
        pid, status = os.waitpid(job.worker_pid, os.WNOHANG)
    except ChildProcessError:  # not our child (started before a restart, or by the CLI)
        return _not_our_child(job)
    if pid == 0:
        return None  # our child, still running
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        return f"signal {signal.Signals(-code).name}"
    return f"exit code {code}"


def _not_our_child(job: SolveJob) -> str | None:
    assert job.worker_pid is not None
    try:
        os.kill(job.worker_pid, 0)
    except ProcessLookupError:
        return "process gone / 进程已不存在"
    except PermissionError:
        pass  # a process of another user holds the pid now: only the heartbeat can tell
    if _zombie(job.worker_pid):  # killed, its parent gone and nobody reaping it yet
        return "process gone / 进程已不存在"
    # The pid may have been reused by an unrelated process: a silent worker is gone.
    return "no heartbeat / 无心跳" if stale(job) else None


def _zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False  # no /proc (not Linux), or gone meanwhile: the heartbeat tells
    return stat.rpartition(")")[2].split()[:1] == ["Z"]


def reap(db: Session) -> list[int]:
    """Fail every running job whose worker is gone; the ids failed."""
    host = socket.gethostname()
    failed = []
    for job in running(db):
        how = worker_gone(job, host)
        if how is not None and fail(db, job.id, "worker_died", how=how):
            failed.append(job.id)
    return failed


def recover_interrupted(url: str | None = None) -> list[int]:
    """At scheduler start: mark interrupted the running jobs whose worker is gone; their ids."""
    engine = make_engine(url or database_url())
    try:
        with transaction(session_factory(engine), "scheduler") as db:
            host = socket.gethostname()
            return mark_interrupted(db, lambda job: worker_gone(job, host) is None)
    finally:
        engine.dispose()
