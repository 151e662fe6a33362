"""Filing with the superior unit (备案, R7): training plans and filing batches.

Their workflow and exports belong to the exports issue; the records live here.
"""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Timestamped, str_enum
from .examiner import Examiner


class FilingStatus(enum.StrEnum):
    DRAFT = "draft"
    FILED = "filed"  # 已报送（备案材料已上报）
    ACCEPTED = "accepted"  # 已备案
    RETURNED = "returned"  # 退回修改


class TrainingPlan(Timestamped, Base):
    """A plan for examiner training, filed before the training starts (R7)."""

    __tablename__ = "training_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    trainees_planned: Mapped[int | None] = mapped_column()
    content: Mapped[str | None] = mapped_column(Text)
    status: Mapped[FilingStatus] = mapped_column(
        str_enum(FilingStatus, "filing_status"), default=FilingStatus.DRAFT
    )
    filed_on: Mapped[date | None] = mapped_column(Date)


class FilingBatch(Timestamped, Base):
    """Newly qualified examiners filed after training and its exam (Attachments 1 and 2)."""

    __tablename__ = "filing_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    training_plan_id: Mapped[int | None] = mapped_column(ForeignKey("training_plans.id"))
    year: Mapped[int] = mapped_column()
    status: Mapped[FilingStatus] = mapped_column(
        str_enum(FilingStatus, "filing_status"), default=FilingStatus.DRAFT
    )
    submitted_on: Mapped[date | None] = mapped_column(Date)
    accepted_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)

    entries: Mapped[list[FilingEntry]] = relationship(cascade="all, delete-orphan")


class FilingEntry(Base):
    """One examiner in a filing batch."""

    __tablename__ = "filing_entries"

    filing_batch_id: Mapped[int] = mapped_column(ForeignKey("filing_batches.id"), primary_key=True)
    examiner_id: Mapped[int] = mapped_column(ForeignKey("examiners.id"), primary_key=True)

    examiner: Mapped[Examiner] = relationship()
