"""Running solve jobs: what the dispatcher and the worker process do to a `SolveJob` row.

Every function takes a session and only flushes; the caller commits (each heartbeat and the
final store are their own short units of work, so no transaction stays open while CP-SAT
searches). A job leaves `running` exactly once: every ending is a conditional UPDATE
(`WHERE status = 'running'`), so a worker storing its plan and a dispatcher giving up on
it can never both win.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import Institution, JobKind, JobStatus, Plan, SolveJob
from models.base import utcnow
from services.messages import Problem
from services.planning.plans import prepare, store_result
from services.whatif.rerun import Rerun, prepare_what_if, store_what_if
from services.whatif.withdrawals import Withdrawal
from solver.schema import Instance, Objective, Result
from solver.solve import Options, Progress

# A worker writes its heartbeat about once a second; one silent this long is gone (its pid
# may have been reused by another process, or it runs on another host).
STALE_AFTER = timedelta(seconds=60)
ENDED = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.INTERRUPTED)

MESSAGES = {
    "worker_died": {
        "zh": "求解进程意外终止（{how}），本任务未保存方案；已有方案均不受影响",
        "en": "the solver process ended unexpectedly ({how}); this job stored no plan, "
        "stored plans are untouched",
    },
    "interrupted": {
        "zh": "调度进程重启时本任务的求解进程已不在运行，任务中断，请重新提交",
        "en": "the job's solver process was gone when the scheduler restarted; request it again",
    },
    "time_limit": {
        "zh": "求解超过硬时限（{seconds} 秒）被终止，本任务未保存方案；已有方案均不受影响",
        "en": "the solve passed its hard time limit ({seconds} s) and was stopped; this job "
        "stored no plan, stored plans are untouched",
    },
    "crashed": {
        "zh": "求解出错（{detail}），本任务未保存方案",
        "en": "the solve failed ({detail}); this job stored no plan",
    },
}


@dataclass
class Prepared:
    """What a worker solves: the raw and loaded instance, its options, the what-if rerun."""

    raw: dict[str, Any]
    instance: Instance
    warnings: list[str]
    options: Options
    rerun: Rerun | None = None


def options_of(job: SolveJob) -> Options:
    """The solver options a job was requested with."""
    p = job.parameters
    return Options(
        p.get("time_limit"),
        p.get("workers", 0),
        p.get("seed", 0),
        p.get("deterministic", False),
        p.get("lang", "zh"),
    )


def policy_of(job: SolveJob) -> dict[str, Any] | None:
    """The policy a plan job was requested with (None: the institution's when it runs)."""
    return job.parameters.get("policy")


def withdrawals_of(job: SolveJob) -> list[Withdrawal]:
    """A what-if job's withdrawals, back from their JSON form."""
    return [
        Withdrawal(
            w["examiner"],
            w.get("session"),
            date.fromisoformat(w["start"]) if w.get("start") else None,
            date.fromisoformat(w["end"]) if w.get("end") else None,
            w.get("reason"),
        )
        for w in job.withdrawals
    ]


def claim(db: Session, job_id: int | None = None) -> SolveJob | None:
    """Mark the oldest queued job (or job `job_id` if queued) running; None when there is none.

    One UPDATE picks and marks the row: on PostgreSQL the subquery locks it and, picking the
    oldest, skips rows another claimer holds (SKIP LOCKED); SQLite's write transactions are
    serialised (BEGIN IMMEDIATE), so the second claimer sees the row no longer queued. A
    named job waits for its row instead: the dispatcher marks it sent and sends its message
    in one transaction, and a worker that received the message before that commit must not
    skip the row and drop the message (the job stayed queued, unsent, for RESEND_AFTER).
    """
    pick = select(SolveJob.id).where(SolveJob.status == JobStatus.QUEUED)
    if job_id is not None:
        pick = pick.where(SolveJob.id == job_id)
    pick = pick.order_by(SolveJob.id).limit(1).with_for_update(skip_locked=job_id is None)
    now = utcnow()
    claimed = db.execute(
        update(SolveJob)
        .where(SolveJob.id == pick.scalar_subquery(), SolveJob.status == JobStatus.QUEUED)
        .values(status=JobStatus.RUNNING, started_at=now, heartbeat_at=now)
        .returning(SolveJob.id)
        .execution_options(synchronize_session=False)
    ).scalar()
    return None if claimed is None else db.get(SolveJob, claimed, populate_existing=True)


def attach(db: Session, job_id: int, pid: int, host: str) -> None:
    """Record which process runs the job."""
    db.execute(
        update(SolveJob)
        .where(SolveJob.id == job_id)
        .values(worker_pid=pid, worker_host=host, heartbeat_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def running(db: Session) -> list[SolveJob]:
    """Jobs marked running, oldest first."""
    query = select(SolveJob).where(SolveJob.status == JobStatus.RUNNING).order_by(SolveJob.id)
    return list(db.scalars(query))


def stale(job: SolveJob, now: datetime | None = None) -> bool:
    """Whether the job's worker has been silent longer than `STALE_AFTER`."""
    beat = job.heartbeat_at or job.started_at
    if beat is None:
        return True
    if beat.tzinfo is None:  # SQLite hands back naive UTC
        beat = beat.replace(tzinfo=(now or utcnow()).tzinfo)
    return (now or utcnow()) - beat > STALE_AFTER


def progress_values(p: Progress) -> dict[str, Any]:
    """A progress report as job columns."""
    return {
        "level": p.level,
        "objective": p.objective.model_dump(),
        "bound": p.bound.model_dump(),
        "elapsed": round(p.elapsed, 2),
    }


def heartbeat(db: Session, job_id: int, progress: Progress | None = None) -> bool:
    """Write the heartbeat (and progress); True when the worker should stop searching."""
    values: dict[str, Any] = {"heartbeat_at": utcnow()}
    if progress is not None:
        values |= progress_values(progress)
    row = db.execute(
        update(SolveJob)
        .where(SolveJob.id == job_id, SolveJob.status == JobStatus.RUNNING)
        .values(**values)
        .returning(SolveJob.cancel_requested)
        .execution_options(synchronize_session=False)
    ).first()
    return row is None or bool(row[0])  # no longer running: nobody wants the result


def prepare_job(db: Session, job: SolveJob) -> Prepared:
    """Build and load the job's instance as the database stands now (read only)."""
    institution = db.get_one(Institution, job.institution_id)
    options = options_of(job)
    if job.kind == JobKind.PLAN:
        assert job.date_from is not None and job.date_to is not None
        raw, instance, warnings = prepare(
            db, institution, job.date_from, job.date_to, policy=policy_of(job)
        )
        return Prepared(raw, instance, warnings, options)
    rerun = prepare_what_if(db, institution, withdrawals_of(job))
    return Prepared(rerun.raw, rerun.instance, rerun.warnings, options, rerun)


def store_job(db: Session, job_id: int, prepared: Prepared, result: Result) -> SolveJob:
    """Store the solve as a draft and end the job (cancelled if asked, else succeeded).

    A job no longer running (the dispatcher gave up on it) stores nothing; a cancelled
    search that found no plan stores nothing either.
    """
    job = db.get_one(SolveJob, job_id, with_for_update=True, populate_existing=True)
    if job.status != JobStatus.RUNNING:
        return job
    cancelled = job.cancel_requested
    if not (cancelled and result.status == "UNKNOWN"):
        job.plan_id = _store_plan(db, job, prepared, result).id
    job.objective, job.bound = result.objective.model_dump(), result.bound.model_dump()
    job.elapsed = result.solve_seconds
    job.status = JobStatus.CANCELLED if cancelled else JobStatus.SUCCEEDED
    job.finished_at = utcnow()
    db.flush()
    return job


def _store_plan(db: Session, job: SolveJob, prepared: Prepared, result: Result) -> Plan:
    institution = db.get_one(Institution, job.institution_id)
    options = prepared.options
    if job.kind == JobKind.PLAN:
        assert job.date_from is not None and job.date_to is not None
        return store_result(
            db, institution, prepared.raw, result, options, job.date_from, job.date_to
        )
    assert prepared.rerun is not None  # prepare_job prepares every what-if job's rerun
    withdrawals = withdrawals_of(job)
    return store_what_if(
        db, institution, withdrawals, prepared.rerun, result, options, job=job.id
    ).plan


def end(db: Session, job_id: int, status: JobStatus, problems: list[Problem]) -> bool:
    """End a running job as `status` with the reasons; False when it was no longer running."""
    error = {lang: [p.text(lang) for p in problems] for lang in ("zh", "en")}
    ended = db.execute(
        update(SolveJob)
        .where(SolveJob.id == job_id, SolveJob.status == JobStatus.RUNNING)
        .values(status=status, error=error, finished_at=utcnow())
        .returning(SolveJob.id)
        .execution_options(synchronize_session=False)
    ).first()
    return ended is not None


def fail(db: Session, job_id: int, key: str, **params: Any) -> bool:
    """End a running job as failed with this module's message `key`."""
    return end(db, job_id, JobStatus.FAILED, [Problem.of(MESSAGES, key, "solve_job", **params)])


def mark_interrupted(db: Session, alive: Callable[[SolveJob], bool]) -> list[int]:
    """Mark interrupted every running job whose worker `alive` says is gone (at a restart)."""
    gone = [job.id for job in running(db) if not alive(job)]
    problem = Problem.of(MESSAGES, "interrupted", "solve_job")
    return [job_id for job_id in gone if end(db, job_id, JobStatus.INTERRUPTED, [problem])]


def objective_tuple(values: dict[str, Any] | None) -> tuple[int, ...] | None:
    """A stored objective or bound as the solver's vector."""
    return None if values is None else Objective(**values).as_tuple()
