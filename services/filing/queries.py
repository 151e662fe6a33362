"""What the filing pages read: the institution's training plans and filing batches."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import FilingBatch, TrainingPlan


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
