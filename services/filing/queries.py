"""What the filing pages read: the institution's training plans and filing batches; and, for
the city centre (市鉴定中心), every institution's."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import FilingBatch, Institution, TrainingPlan
from models.filing import FilingStatus

# What has reached the city centre: filed, accepted, or returned to be corrected. A draft is
# the institution's own work in progress and stays out of the city centre's sight.
SUBMITTED = (FilingStatus.FILED, FilingStatus.ACCEPTED, FilingStatus.RETURNED)


def training_plans(db: Session, institution_id: int) -> list[TrainingPlan]:
    """The institution's training plans, latest start first."""
    query = (
        select(TrainingPlan)
        .where(TrainingPlan.institution_id == institution_id)
        .order_by(TrainingPlan.starts_on.desc())
    )
    return list(db.scalars(query).all())


def filing_batches(db: Session, institution_id: int) -> list[FilingBatch]:
    """The institution's filing batches, newest first."""
    query = (
        select(FilingBatch)
        .where(FilingBatch.institution_id == institution_id)
        .order_by(FilingBatch.id.desc())
    )
    return list(db.scalars(query).all())


@dataclass(frozen=True)
class InstitutionFilings:
    """One institution as the city centre lists it: its filing batches and training plans."""

    institution: Institution
    batches: int
    batches_by_status: dict[str, int]
    training_plans: int


def every_institution(db: Session) -> list[InstitutionFilings]:
    """Every institution of the deployment with the counts of what it submitted, by code
    (the city centre)."""
    batches = db.execute(
        select(FilingBatch.institution_id, FilingBatch.status, func.count())
        .where(FilingBatch.status.in_(SUBMITTED))
        .group_by(FilingBatch.institution_id, FilingBatch.status)
    ).all()  # fmt: skip
    plans = dict(
        db.execute(
            select(TrainingPlan.institution_id, func.count())
            .where(TrainingPlan.status.in_(SUBMITTED))
            .group_by(TrainingPlan.institution_id)
        ).all()
    )
    by_status: dict[int, dict[str, int]] = {}
    for home, status, count in batches:
        by_status.setdefault(home, {})[str(status.value)] = count
    return [
        InstitutionFilings(
            i, sum(by_status.get(i.id, {}).values()), by_status.get(i.id, {}), plans.get(i.id, 0)
        )
        for i in db.scalars(select(Institution).order_by(Institution.code))
    ]


def institution_by_code(db: Session, code: str) -> Institution | None:
    """The institution with `code` (any institution: for the city centre), or None."""
    return db.scalar(select(Institution).where(Institution.code == code))


def submitted_training_plans(db: Session, institution_id: int) -> list[TrainingPlan]:
    """The institution's training plans that reached the city centre, latest start first."""
    return [p for p in training_plans(db, institution_id) if p.status in SUBMITTED]


def submitted_batches(db: Session, institution_id: int) -> list[FilingBatch]:
    """The institution's filing batches that reached the city centre, newest first."""
    return [b for b in filing_batches(db, institution_id) if b.status in SUBMITTED]


def submitted_batch(db: Session, batch_id: int) -> FilingBatch | None:
    """Filing batch `batch_id` of whichever institution once submitted (None for a draft)."""
    found = db.get(FilingBatch, batch_id)
    return found if found is not None and found.status in SUBMITTED else None
