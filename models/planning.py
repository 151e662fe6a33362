"""Plans (versions of a term's schedule) and the panels in force.

A plan stores exactly what was solved: the instance, the result, the solver version,
parameters and seed, so any version can be re-checked or re-run. Publishing copies a
plan's seats into `panel_seats`, the panels in force per session; history for later
instances is read from the panels in force of held sessions.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, PlanStatus, SeatRole, Timestamped, str_enum
from .examiner import Examiner
from .schedule import AssessmentSession


class Plan(Timestamped, Base):
    """One version of a schedule for a date range: draft, published or superseded."""

    __tablename__ = "plans"
    __table_args__ = (UniqueConstraint("institution_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    version: Mapped[int] = mapped_column()
    status: Mapped[PlanStatus] = mapped_column(
        str_enum(PlanStatus, "plan_status"), default=PlanStatus.DRAFT
    )
    date_from: Mapped[date] = mapped_column(Date)
    date_to: Mapped[date] = mapped_column(Date)
    instance: Mapped[dict[str, Any]] = mapped_column()
    result: Mapped[dict[str, Any]] = mapped_column()
    solver_status: Mapped[str] = mapped_column(String(20))
    solver_version: Mapped[str] = mapped_column(String(80))
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    seed: Mapped[int] = mapped_column(default=0)
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))  # what-if parent
    note: Mapped[str | None] = mapped_column(Text)  # the Chinese sentence (command line, audit)
    note_facts: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)  # the same, as facts
    created_by: Mapped[str | None] = mapped_column(String(80))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[str | None] = mapped_column(String(80))

    seats: Mapped[list[PlanSeat]] = relationship(
        back_populates="plan", cascade="all, delete-orphan"
    )


class PlanSeat(Base):
    """One examiner on one session's panel in a plan."""

    __tablename__ = "plan_seats"
    __table_args__ = (UniqueConstraint("plan_id", "session_id", "examiner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"))
    examiner_id: Mapped[int] = mapped_column(ForeignKey("examiners.id"))
    role: Mapped[SeatRole] = mapped_column(str_enum(SeatRole, "seat_role"))

    plan: Mapped[Plan] = relationship(back_populates="seats")
    session: Mapped[AssessmentSession] = relationship()
    examiner: Mapped[Examiner] = relationship()


class PanelSeat(Base):
    """The panel in force for a session: set when a plan is published, kept once held."""

    __tablename__ = "panel_seats"
    __table_args__ = (UniqueConstraint("session_id", "examiner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    examiner_id: Mapped[int] = mapped_column(ForeignKey("examiners.id"), index=True)
    role: Mapped[SeatRole] = mapped_column(str_enum(SeatRole, "seat_role"))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))

    session: Mapped[AssessmentSession] = relationship()
    examiner: Mapped[Examiner] = relationship()
