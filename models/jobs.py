"""Solve jobs: a request to plan a date range, run later by the scheduler in a child process.

The web app and `panelplan plan` only record a `SolveJob`; the scheduler claims queued jobs
and runs each in a worker process that writes its progress (level, objective, bound,
elapsed) and heartbeat to the row, stops when `cancel_requested` is set (keeping its best
plan) and links the stored plan. A job is never left `running` once its worker is gone:
the dispatcher marks it `failed` (the worker died) or `interrupted` (found after a restart).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, str_enum, utcnow


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"  # stopped on request; the best plan found, if any, is stored
    INTERRUPTED = "interrupted"  # its worker was gone when the scheduler (re)started


class JobKind(enum.StrEnum):
    PLAN = "plan"  # staff the sessions of a date range
    WHAT_IF = "what_if"  # record withdrawals, rerun the published plan


class SolveJob(Base):
    """One requested solve, its progress and its outcome."""

    __tablename__ = "solve_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    kind: Mapped[JobKind] = mapped_column(str_enum(JobKind, "job_kind"), default=JobKind.PLAN)
    date_from: Mapped[date | None] = mapped_column(Date)  # what-if: the published plan's range
    date_to: Mapped[date | None] = mapped_column(Date)
    withdrawals: Mapped[list[Any]] = mapped_column(default=list)  # what-if only
    # time_limit, workers, seed, deterministic, lang: what `solver.solve.Options` takes
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[JobStatus] = mapped_column(
        str_enum(JobStatus, "job_status"), default=JobStatus.QUEUED, index=True
    )
    # Progress of the best plan so far, written at most about once a second.
    level: Mapped[str | None] = mapped_column(String(20))
    objective: Mapped[dict[str, Any] | None] = mapped_column()
    bound: Mapped[dict[str, Any] | None] = mapped_column()
    elapsed: Mapped[float | None] = mapped_column()
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    worker_pid: Mapped[int | None] = mapped_column()
    worker_host: Mapped[str | None] = mapped_column(String(255))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    error: Mapped[dict[str, Any] | None] = mapped_column()  # {"zh": [lines], "en": [lines]}
    requested_by: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Sent to the message broker (only with PANELPLAN_BROKER_URL): the job stays queued
    # until a worker claims it, so a message delivered twice finds nothing to do.
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
