"""Discipline and performance (R2, R5): warnings, revocations, refusals, ratings, reviews."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Timestamped, str_enum
from .examiner import Examiner


class ExaminerWarning(Timestamped, Base):
    """A warning (警告): refusing to serve, breaking rules or favouritism (R5)."""

    __tablename__ = "warnings"

    id: Mapped[int] = mapped_column(primary_key=True)
    examiner_id: Mapped[int] = mapped_column(ForeignKey("examiners.id"), index=True)
    issued_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    serious: Mapped[bool] = mapped_column(default=False)  # 情节严重
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id"))
    issued_by: Mapped[str | None] = mapped_column(String(80))

    examiner: Mapped[Examiner] = relationship()


class RevocationStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Revocation(Timestamped, Base):
    """A request to revoke a qualification, decided by the certifying unit (发证单位)."""

    __tablename__ = "revocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    examiner_id: Mapped[int] = mapped_column(ForeignKey("examiners.id"), index=True)
    requested_on: Mapped[date] = mapped_column(Date)
    grounds: Mapped[str] = mapped_column(Text)
    status: Mapped[RevocationStatus] = mapped_column(
        str_enum(RevocationStatus, "revocation_status"), default=RevocationStatus.PENDING
    )
    decided_on: Mapped[date | None] = mapped_column(Date)
    certifying_unit: Mapped[str | None] = mapped_column(String(200))
    decision_reference: Mapped[str | None] = mapped_column(String(100))  # 文号

    examiner: Mapped[Examiner] = relationship()


class Refusal(Timestamped, Base):
    """A refusal to serve; one without a valid reason is offered as a warning (R5)."""

    __tablename__ = "refusals"

    id: Mapped[int] = mapped_column(primary_key=True)
    examiner_id: Mapped[int] = mapped_column(ForeignKey("examiners.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id"))
    refused_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    valid_reason: Mapped[bool] = mapped_column(default=False)
    warning_id: Mapped[int | None] = mapped_column(ForeignKey("warnings.id"))  # once issued
    dismissed: Mapped[bool] = mapped_column(default=False)  # offered, and declined by an admin

    examiner: Mapped[Examiner] = relationship()


class Rating(Timestamped, Base):
    """A member's rating after a session, by the leader or a quality supervisor (督导员)."""

    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("session_id", "examiner_id"),
        CheckConstraint("score between 1 and 5", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    examiner_id: Mapped[int] = mapped_column(ForeignKey("examiners.id"), index=True)
    score: Mapped[int] = mapped_column()  # 1 poor … 5 excellent
    rated_by: Mapped[str] = mapped_column(String(80))
    comment: Mapped[str | None] = mapped_column(Text)


class ReviewOutcome(enum.StrEnum):
    RENEW = "renew"  # 续聘
    DISMISS = "dismiss"  # 解聘
    CONTINUE = "continue"  # appointment still running: nothing to decide


class Review(Timestamped, Base):
    """The yearly performance review (绩效考核) that proposes renewal or dismissal (R2)."""

    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("examiner_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    examiner_id: Mapped[int] = mapped_column(ForeignKey("examiners.id"), index=True)
    year: Mapped[int] = mapped_column()
    sessions_served: Mapped[int] = mapped_column(default=0)
    ratings: Mapped[int] = mapped_column(default=0)
    mean_score: Mapped[float | None] = mapped_column()
    refusals: Mapped[int] = mapped_column(default=0)
    warnings: Mapped[int] = mapped_column(default=0)
    proposal: Mapped[ReviewOutcome] = mapped_column(str_enum(ReviewOutcome, "review_outcome"))
    decision: Mapped[ReviewOutcome | None] = mapped_column(
        str_enum(ReviewOutcome, "review_decision")
    )
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_by: Mapped[str | None] = mapped_column(String(80))

    examiner: Mapped[Examiner] = relationship()
