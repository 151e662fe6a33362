"""`panelplan worker`: a Celery worker that runs the solve jobs the broker hands it.

Each message is a job id. The task claims the job row atomically (queued → running, the same
`claim` the embedded dispatcher uses), so a message delivered twice, a cancelled job or a job
`panelplan plan` already ran finds nothing to do and is acknowledged. It then runs the one job
body, `python -m jobs.worker JOB_ID` (prepare, solve, store; progress, heartbeat and cancel
through the database), as its child and watches it:

- it ends by itself: done (a non-zero exit or a signal fails the job, if it still runs);
- the soft limit passes: SIGTERM, the worker stops its search and stores its best plan;
- the hard limit passes (soft limit + grace): SIGKILL, the job fails with `time_limit`.

The solve process dies with the pool process that started it, and the pool process with the
worker (PR_SET_PDEATHSIG): a worker killed outright leaves no solve behind; its message goes
back to the broker (late ack), the redelivered copy finds the job claimed, and the
scheduler's reaper fails the job (at once on the same host, when its heartbeat is stale
elsewhere). Never two processes solve one job; a job stores at most one plan.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

from models.db import database_url
from services.planning.solve_runs import claim, fail, options_of

from . import tasks
from .broker import TASK, app, queue_name

WORKERS_VARIABLE = "PANELPLAN_SOLVE_WORKERS"  # CP-SAT threads per solve, set by `--workers`
SOFT_VARIABLE, GRACE_VARIABLE = "PANELPLAN_SOFT_LIMIT", "PANELPLAN_HARD_GRACE"
PREPARE_MARGIN = 120.0  # s beyond the job's own time limit: building and storing the plan
log = logging.getLogger("panelplan.queue")


@dataclass(frozen=True)
class Limits:
    """When to ask a solve to stop (soft) and when to kill it (hard), in seconds."""

    soft: float
    hard: float

    @classmethod
    def of(cls, time_limit: float | None, environ: dict[str, str] | None = None) -> Limits:
        """The job's time limit plus a margin; `$PANELPLAN_SOFT_LIMIT` when it has none."""
        env = os.environ if environ is None else environ
        default = float(env.get(SOFT_VARIABLE, 3600))
        soft = default if time_limit is None else min(default, time_limit + PREPARE_MARGIN)
        return cls(soft, soft + float(env.get(GRACE_VARIABLE, 120)))


def die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies (nothing elsewhere)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG


def run_job(job_id: int) -> str:
    """Claim job `job_id` and run it in a solve process to its end; how it ended."""
    with tasks.unit() as db:
        job = claim(db, job_id)
        limits = Limits.of(None if job is None else options_of(job).time_limit)
    if job is None:
        log.info("job %s is no longer queued: nothing to do", job_id)
        return "not queued"
    log.info("job %s claimed on %s", job_id, socket.gethostname())
    return supervise(job_id, limits)


def supervise(job_id: int, limits: Limits) -> str:
    """Run `python -m jobs.worker JOB_ID` within the limits; fail the job if it died."""
    env = dict(os.environ, DATABASE_URL=database_url())
    argv = [sys.executable, "-m", "jobs.worker", str(job_id)]
    # (preexec_fn: the pool process runs one task at a time, no thread forks beside it)
    child = subprocess.Popen(argv, env=env, preexec_fn=die_with_parent)
    try:
        code = child.wait(timeout=limits.soft)
        how = "ended"
    except subprocess.TimeoutExpired:
        child.send_signal(signal.SIGTERM)  # stop searching, keep the best plan
        try:
            code = child.wait(timeout=limits.hard - limits.soft)
            how = "soft limit"
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            with tasks.unit() as db:
                fail(db, job_id, "time_limit", seconds=round(limits.hard))
            return "hard limit"
    if code != 0:
        ended = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"
        with tasks.unit() as db:
            fail(db, job_id, "worker_died", how=ended)  # no-op if the worker ended it
        return ended
    return how


def _pool_process_init(**_kwargs: Any) -> None:
    die_with_parent()  # a pool process outlives no killed worker
    log.info("pool process %d dies with its worker", os.getpid())


def concurrency(per_solve: int, cores: int | None = None) -> int:
    """How many solves one worker runs at once: its cores over the threads of one solve."""
    return max(1, (cores or os.cpu_count() or 1) // max(1, per_solve))


def serve(database: str, broker: str, per_solve: int, processes: int | None = None) -> int:
    """Be one solve worker on `broker` for `database` until stopped."""
    os.environ["DATABASE_URL"] = database
    os.environ[WORKERS_VARIABLE] = str(per_solve)
    celery = app(broker)
    from celery.signals import worker_process_init  # (see jobs.broker: Celery only here)

    celery.task(name=TASK, acks_late=True, reject_on_worker_lost=True)(run_job)
    worker_process_init.connect(_pool_process_init, weak=False)
    slots = processes or concurrency(per_solve)
    log.info("solve worker: %d process(es), %d CP-SAT thread(s) each", slots, per_solve)
    celery.worker_main(
        [
            "worker",
            f"--concurrency={slots}",
            "--pool=prefork",
            f"--queues={queue_name()}",
            f"--hostname=panelplan-{os.getpid()}@{socket.gethostname()}",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
        ]
    )
    return 0
