"""The one scheduler process: APScheduler 3.x with its jobs stored in the application database.

`panelplan scheduler` runs a `BlockingScheduler`; the tests and the web app's demo use a
`BackgroundScheduler` from `make_scheduler`. Jobs live in the `apscheduler_jobs` table of
the application database (`SQLAlchemyJobStore`), each registered at start with an explicit
id, `replace_existing=True`, `max_instances=1`, `coalesce=True` and a misfire grace time.
Re-registering keeps a stored job's next run time, so a run missed while the scheduler was
down still happens when it comes back within the grace time (once, coalesced). Only one
scheduler runs against a database: it takes a lease in the database at start (atomically,
`services.institution.scheduler_state.take_lease`) and renews it with its heartbeat; a
second one refuses to start (exit 2) while the first is alive, or with `--standby` waits and
takes over when the first stops or dies. A scheduler that finds its lease taken stops.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_SCHEDULER_STARTED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from models.db import make_engine
from services.institution.scheduler_state import scheduler_alive, stop_beating

from . import tasks
from .broker import close as close_broker
from .solving import recover_interrupted

log = logging.getLogger(__name__)
JOBS_TABLE = "apscheduler_jobs"
STANDBY_SECONDS = 5  # how often a standby scheduler asks for the lease
LOCAL = tasks.LOCAL

__all__ = ["JobSpec", "job_specs", "make_scheduler", "run_once", "scheduler_alive", "serve"]


@dataclass(frozen=True)
class JobSpec:
    """One scheduled job: id, function (textual reference), trigger, misfire grace (s)."""

    id: str
    func: str
    trigger: Any
    misfire_grace_time: int
    name: str


def job_specs() -> list[JobSpec]:
    """Every job the scheduler runs, with its schedule."""
    return [
        JobSpec("scheduler-heartbeat", "jobs.tasks:heartbeat", IntervalTrigger(seconds=15),
                10, "heartbeat"),
        # 02:00 local time; a scheduler down at 02:00 still sweeps when it is back by 14:00.
        JobSpec("compliance-sweep", "jobs.tasks:daily_sweep",
                CronTrigger(hour=2, minute=0, timezone=LOCAL), 12 * 3600, "daily compliance sweep"),
        JobSpec("plan-revalidation", "jobs.tasks:revalidate_plans", IntervalTrigger(minutes=5),
                300, "published-plan revalidation"),
        JobSpec("examiner-notices", "jobs.tasks:send_notices", IntervalTrigger(minutes=1),
                60, "notices to examiners"),
        JobSpec("solve-dispatch", "jobs.solving:dispatch_solves", IntervalTrigger(seconds=2),
                10, "solve job dispatcher"),
    ]  # fmt: skip


class ManualScheduler(BaseScheduler):
    """A scheduler without a loop of its own: it keeps the job store, `run_once` runs the jobs.

    (A paused `BackgroundScheduler` would do, but on shutdown its thread makes one last pass
    over the due jobs, which a one-pass run must not do behind its back.)
    """

    def shutdown(self, wait: bool = True) -> None:
        """Close the executors and the job store."""
        super().shutdown(wait)

    def wakeup(self) -> None:
        """Nothing waits: jobs run only when `run_once` runs them."""


def make_scheduler(url: str, kind: type[BaseScheduler] = BackgroundScheduler) -> BaseScheduler:
    """A scheduler whose jobs live in the database at `url`; it registers them when started."""
    scheduler = kind(
        jobstores={"default": SQLAlchemyJobStore(engine=make_engine(url), tablename=JOBS_TABLE)},
        executors={"default": ThreadPoolExecutor(max_workers=4)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
        timezone=LOCAL,
    )
    scheduler.add_listener(lambda _event: register_jobs(scheduler), EVENT_SCHEDULER_STARTED)
    return scheduler


def register_jobs(scheduler: BaseScheduler) -> None:
    """Store every job (replacing what is stored), keeping stored next run times; drop others."""
    specs = job_specs()
    for spec in specs:
        scheduler.add_job(
            spec.func,
            spec.trigger,
            id=spec.id,
            name=spec.name,
            replace_existing=True,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=spec.misfire_grace_time,
            next_run_time=_stored_next_run(scheduler, spec.id),
        )
    for job in scheduler.get_jobs():
        if job.id not in {s.id for s in specs}:  # a job an earlier version registered
            scheduler.remove_job(job.id)


def _stored_next_run(scheduler: BaseScheduler, job_id: str) -> datetime | None:
    """When the stored job was due next; now for a job not stored yet (or unreadable)."""
    try:
        job = scheduler.get_job(job_id)
    except Exception:  # a stored job that no longer unpickles is simply replaced
        log.warning("stored job %s unreadable: replaced", job_id)
        job = None
    return datetime.now(LOCAL) if job is None else job.next_run_time


def run_once(url: str) -> dict[str, str]:
    """Run every due job once, in this thread, and record each one's next run; job id -> outcome."""
    scheduler = make_scheduler(url, ManualScheduler)
    scheduler.start()  # registers the jobs; runs nothing by itself
    outcomes = {}
    try:
        now = datetime.now(LOCAL)
        for job in scheduler.get_jobs():
            if job.next_run_time is None or job.next_run_time > now:
                continue
            try:
                job.func(*job.args, **job.kwargs)
                outcomes[job.id] = "ok"
            except Exception:
                log.exception("job %s failed", job.id)
                outcomes[job.id] = "failed"
            later = job.trigger.get_next_fire_time(now, now + timedelta(seconds=1))
            scheduler.modify_job(job.id, next_run_time=later)
    finally:
        scheduler.shutdown(wait=False)
    return outcomes


def serve(url: str, once: bool = False, standby: bool = False) -> int:
    """Be the scheduler process for the database at `url` (until stopped, or one pass).

    Another live scheduler holds the lease: exit 2, or with `standby` wait to take it over.
    """
    os.environ["DATABASE_URL"] = url  # the job functions and the solve workers open it
    while (other := tasks.take_over()) is not None:
        if not standby:
            print(
                f"调度进程已在运行（{other}）/ a scheduler is already running ({other})",
                file=sys.stderr,
            )
            return 2
        log.info("standby: %s is the scheduler; trying again in %d s", other, STANDBY_SECONDS)
        time.sleep(STANDBY_SECONDS)
    recover_interrupted(url)  # solve jobs whose worker died with the last scheduler
    try:
        if once:
            for job_id, outcome in run_once(url).items():
                print(f"{job_id}: {outcome}")
            return 0
        _run_blocking(url)
        return 0
    finally:
        with tasks.unit() as db:
            stop_beating(db, tasks.owner())
        tasks.dispose()
        close_broker()


def _run_blocking(url: str) -> None:
    scheduler = make_scheduler(url, BlockingScheduler)
    # wait=True: a job still running (the heartbeat) must not beat again after we stop beating
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=True))
    scheduler.add_listener(lambda event: _lost(scheduler, event), EVENT_JOB_ERROR)
    log.info("scheduler started")
    try:
        scheduler.start()  # returns when shut down
    except KeyboardInterrupt:
        pass
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=True)


def _lost(scheduler: BaseScheduler, event: JobExecutionEvent) -> None:
    """Stop when the heartbeat found the lease taken: two schedulers must never both run."""
    if isinstance(event.exception, tasks.LeaseLost):
        log.error("%s: stopping", event.exception)
        scheduler.shutdown(wait=False)
