"""Which queued solve jobs go to the message broker next, fairly between institutions.

With a broker (`PANELPLAN_BROKER_URL`) the scheduler does not send every queued job at once:
the broker would then hold one institution's burst of term solves in front of every other
institution's. It sends what-if reruns at once (they jump the broker's queue by message
priority), and term solves a few at a time: never more than `ahead` waiting in the broker,
never more than `per_institution` of one institution in flight (waiting or running), the
institution with the fewest in flight first, oldest job first within it. A job stays
`queued` until a worker claims it (`solve_runs.claim`, atomic), so a message delivered twice,
or sent again after `RESEND_AFTER`, finds nothing to do.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from models import JobKind, JobStatus, SolveJob
from models.base import utcnow

# A message not claimed this long after it was sent was lost (a broker purged or rebuilt):
# send it again; a duplicate finds the job claimed and is dropped.
RESEND_AFTER = timedelta(minutes=30)


@dataclass(frozen=True)
class Fairness:
    """How many term solves may wait in the broker, and be in flight per institution."""

    ahead: int = 2
    per_institution: int = 2


@dataclass(frozen=True)
class Dispatch:
    """One job to send: its id, kind and institution."""

    job_id: int
    kind: JobKind
    institution_id: int


def _sent(now: datetime) -> object:
    """Jobs sent to the broker recently enough to still count as there."""
    return SolveJob.dispatched_at >= now - RESEND_AFTER


def _in_flight(db: Session, now: datetime) -> tuple[Counter[int], int]:
    """Term solves in flight per institution, and how many wait unclaimed in the broker."""
    rows = db.execute(
        select(SolveJob.institution_id, SolveJob.status).where(
            SolveJob.kind == JobKind.PLAN,
            or_(
                SolveJob.status == JobStatus.RUNNING,
                (SolveJob.status == JobStatus.QUEUED) & _sent(now),  # type: ignore[operator]
            ),
        )
    ).all()
    per = Counter(institution for institution, _status in rows)
    waiting = sum(1 for _institution, status in rows if status == JobStatus.QUEUED)
    return per, waiting


def _unsent(db: Session, now: datetime) -> list[SolveJob]:
    query = (
        select(SolveJob)
        .where(SolveJob.status == JobStatus.QUEUED)
        .where(or_(SolveJob.dispatched_at.is_(None), ~_sent(now)))  # type: ignore[operator]
        .order_by(SolveJob.id)
    )
    return list(db.scalars(query))


def choose(db: Session, fairness: Fairness, now: datetime | None = None) -> list[Dispatch]:
    """The queued jobs to send now, in order, each marked sent (what-if reruns first)."""
    now = now or utcnow()
    per, waiting = _in_flight(db, now)
    unsent = _unsent(db, now)
    chosen = [job for job in unsent if job.kind == JobKind.WHAT_IF]
    terms = [job for job in unsent if job.kind == JobKind.PLAN]
    while waiting < fairness.ahead:
        open_ = [j for j in terms if per[j.institution_id] < fairness.per_institution]
        if not open_:
            break
        job = min(open_, key=lambda j: (per[j.institution_id], j.id))
        terms.remove(job)
        per[job.institution_id] += 1
        waiting += 1
        chosen.append(job)
    return [Dispatch(job.id, job.kind, job.institution_id) for job in chosen if _mark(db, job, now)]


def _mark(db: Session, job: SolveJob, now: datetime) -> bool:
    """Mark the job sent, unless it left the queue meanwhile (claimed, cancelled)."""
    marked = db.execute(
        update(SolveJob)
        .where(SolveJob.id == job.id, SolveJob.status == JobStatus.QUEUED)
        .values(dispatched_at=now)
        .returning(SolveJob.id)
        .execution_options(synchronize_session=False)
    ).first()
    return marked is not None
