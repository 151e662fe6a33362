"""What the discipline and review pages read: the latest warnings and revocation requests,
appointments ending in a year, and a year's reviews."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import Appointment, Examiner, ExaminerWarning, Review, Revocation


def latest_warnings(db: Session, institution_id: int, limit: int) -> list[ExaminerWarning]:
    """The institution's latest `limit` warnings, newest first, with their examiners."""
    query = (
        select(ExaminerWarning)
        .join(Examiner, Examiner.id == ExaminerWarning.examiner_id)
        .where(Examiner.institution_id == institution_id)
        .options(selectinload(ExaminerWarning.examiner))
        .order_by(ExaminerWarning.issued_on.desc(), ExaminerWarning.id.desc())
        .limit(limit)
    )
    return list(db.scalars(query).all())


def latest_revocations(db: Session, institution_id: int, limit: int) -> list[Revocation]:
    """The institution's latest `limit` revocation requests, newest first, with examiners."""
    query = (
        select(Revocation)
        .join(Examiner, Examiner.id == Revocation.examiner_id)
        .where(Examiner.institution_id == institution_id)
        .options(selectinload(Revocation.examiner))
        .order_by(Revocation.requested_on.desc(), Revocation.id.desc())
        .limit(limit)
    )
    return list(db.scalars(query).all())


def appointments_ending(db: Session, institution_id: int, year: int) -> list[Appointment]:
    """Appointments ending in `year`, soonest first, with their examiners."""
    query = (
        select(Appointment)
        .join(Examiner, Examiner.id == Appointment.examiner_id)
        .where(
            Examiner.institution_id == institution_id,
            Appointment.end.between(date(year, 1, 1), date(year, 12, 31)),
        )
        .options(selectinload(Appointment.examiner))
        .order_by(Appointment.end, Examiner.code)
    )
    return list(db.scalars(query).all())


def reviews_of(db: Session, institution_id: int, year: int) -> list[Review]:
    """The reviews of `year`, by proposal then examiner code, with their examiners."""
    query = (
        select(Review)
        .join(Examiner, Examiner.id == Review.examiner_id)
        .where(Examiner.institution_id == institution_id, Review.year == year)
        .options(selectinload(Review.examiner))
        .order_by(Review.proposal, Examiner.code)
    )
    return list(db.scalars(query).all())
