"""Whose rows go on Attachments 1 and 2, and with which certificate (queries only).

A filing batch's examiners (the certificate filed is the first one issued after the
batch's training ended, else the newest), a list of examiners by code, or the year's
roster (every examiner not revoked whose certificate is valid on some day of the year).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import (
    Certificate,
    Examiner,
    FilingBatch,
    Institution,
    Qualification,
    TrainingPlan,
)
from models.base import ExaminerStatus
from services.messages import Problem, Refused

MESSAGES = {
    "unknown_examiner": {"zh": "没有编号为 {code} 的考评员", "en": "no examiner with code {code}"},
    "unknown_batch": {"zh": "没有编号为 {id} 的备案批次", "en": "no filing batch {id}"},
}
LOADS = (
    selectinload(Examiner.organization),
    selectinload(Examiner.qualifications).selectinload(Qualification.occupation),
    selectinload(Examiner.certificates),
)


@dataclass(frozen=True)
class Filed:
    """An examiner and the certificate being filed (None when they hold none)."""

    examiner: Examiner
    certificate: Certificate | None


def batch_examiners(session: Session, batch: FilingBatch) -> list[Filed]:
    """The batch's examiners with the certificate each is filed with, by certificate number."""
    ids = [entry.examiner_id for entry in batch.entries]
    after = batch_training_end(session, batch)
    found = session.scalars(select(Examiner).where(Examiner.id.in_(ids)).options(*LOADS)).all()
    return _ordered([Filed(e, filed_certificate(e, after)) for e in found])


def chosen_examiners(session: Session, home: Institution, codes: Sequence[str]) -> list[Filed]:
    """The examiners with `codes` (in that order) and their newest certificates."""
    found = session.scalars(
        select(Examiner)
        .where(Examiner.institution_id == home.id, Examiner.code.in_(codes))
        .options(*LOADS)
    ).all()
    by_code = {e.code: e for e in found}
    missing = [code for code in codes if code not in by_code]
    if missing:
        raise Refused(
            [Problem.of(MESSAGES, "unknown_examiner", "code", code=code) for code in missing]
        )
    return [Filed(by_code[code], filed_certificate(by_code[code])) for code in codes]


def year_roster(session: Session, home: Institution, year: int) -> list[Filed]:
    """Examiners not revoked whose certificate is valid on some day of `year`."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    found = session.scalars(
        select(Examiner)
        .where(
            Examiner.institution_id == home.id,
            Examiner.status != ExaminerStatus.REVOKED,
            Examiner.certificates.any(
                (Certificate.issue_date <= last) & (Certificate.valid_until >= first)
            ),
        )
        .options(*LOADS)
    ).all()
    rows = []
    for examiner in found:
        valid = [
            c for c in examiner.certificates if c.issue_date <= last and c.valid_until >= first
        ]
        rows.append(Filed(examiner, max(valid, key=lambda c: (c.issue_date, c.number))))
    return _ordered(rows)


def filed_certificate(examiner: Examiner, after: date | None = None) -> Certificate | None:
    """The first certificate issued after `after` (the training's end), else the newest."""
    certificates = sorted(examiner.certificates, key=lambda c: (c.issue_date, c.number))
    if after is not None:
        for certificate in certificates:
            if certificate.issue_date > after:
                return certificate
    return certificates[-1] if certificates else None


def batch_training_end(session: Session, batch: FilingBatch) -> date | None:
    """The last day of the batch's training (None without a training plan)."""
    if batch.training_plan_id is None:
        return None
    plan = session.get(TrainingPlan, batch.training_plan_id)
    return plan.ends_on if plan else None


def find_batch(session: Session, home: Institution, batch_id: int) -> FilingBatch:
    """The institution's filing batch `batch_id`, or Refused."""
    batch = session.get(FilingBatch, batch_id)
    if batch is None or batch.institution_id != home.id:
        raise Refused([Problem.of(MESSAGES, "unknown_batch", "code", id=batch_id)])
    return batch


def _ordered(rows: list[Filed]) -> list[Filed]:
    """By certificate number (the order they were issued), examiners without one last."""
    return sorted(
        rows,
        key=lambda f: (
            f.certificate is None,
            f.certificate.number if f.certificate else "",
            f.examiner.code,
        ),
    )
