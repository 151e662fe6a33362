"""Assessment sessions (场次), candidates (考生), conflicts (回避关系) and invalid results (R5)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, ConflictKind, SessionStatus, Timestamped, str_enum
from .catalog import Occupation, Venue
from .examiner import Examiner
from .institution import Organization


class AssessmentSession(Timestamped, Base):
    """One assessment session at a venue: an occupation and level, a time span, candidates."""

    __tablename__ = "sessions"
    __table_args__ = (
        UniqueConstraint("institution_id", "code"),
        CheckConstraint('"end" > start', name="time_order"),
        CheckConstraint("level between 1 and 5", name="level_range"),
        CheckConstraint("panel_size is null or panel_size >= 3", name="panel_floor"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))  # the id planners and instances use
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"))
    occupation_id: Mapped[int] = mapped_column(ForeignKey("occupations.id"))
    level: Mapped[int] = mapped_column()
    start: Mapped[datetime] = mapped_column(index=True)  # local time, minutes
    end: Mapped[datetime] = mapped_column()
    modules: Mapped[int | None] = mapped_column()  # skill modules assessed
    panel_size: Mapped[int | None] = mapped_column()  # stated size, overrides the formula
    candidate_count: Mapped[int | None] = mapped_column()  # when no list is known
    status: Mapped[SessionStatus] = mapped_column(
        str_enum(SessionStatus, "session_status"), default=SessionStatus.PLANNED
    )

    venue: Mapped[Venue] = relationship()
    occupation: Mapped[Occupation] = relationship()
    candidates: Mapped[list[SessionCandidate]] = relationship(
        back_populates="session", cascade="all, delete-orphan"
    )


class Candidate(Timestamped, Base):
    """A person assessed (考生), with the organisation they come from."""

    __tablename__ = "candidates"
    __table_args__ = (UniqueConstraint("institution_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))  # 准考证号 or the institution's number
    name: Mapped[str] = mapped_column(String(50))
    document_number: Mapped[str | None] = mapped_column(String(40))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))

    organization: Mapped[Organization | None] = relationship()


class SessionCandidate(Base):
    """A candidate on a session's list."""

    __tablename__ = "session_candidates"

    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"), primary_key=True)

    session: Mapped[AssessmentSession] = relationship(back_populates="candidates")
    candidate: Mapped[Candidate] = relationship()


class Conflict(Timestamped, Base):
    """A reason to recuse (R5): against one candidate or a whole organisation."""

    __tablename__ = "conflicts"
    __table_args__ = (
        CheckConstraint("(candidate_id is null) <> (organization_id is null)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    examiner_id: Mapped[int] = mapped_column(ForeignKey("examiners.id"), index=True)
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("candidates.id"))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    kind: Mapped[ConflictKind] = mapped_column(str_enum(ConflictKind, "conflict_kind"))
    since: Mapped[date | None] = mapped_column(Date)  # when the relationship began
    declared_on: Mapped[date] = mapped_column(Date)  # when it was declared to the institution
    note: Mapped[str | None] = mapped_column(Text)

    examiner: Mapped[Examiner] = relationship()
    candidate: Mapped[Candidate | None] = relationship()
    organization: Mapped[Organization | None] = relationship()


class InvalidResult(Timestamped, Base):
    """A candidate's result voided because an examiner should have recused (R5)."""

    __tablename__ = "invalid_results"
    __table_args__ = (UniqueConstraint("session_id", "candidate_id", "conflict_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"))
    conflict_id: Mapped[int] = mapped_column(ForeignKey("conflicts.id"))
    examiner_id: Mapped[int] = mapped_column(ForeignKey("examiners.id"))

    session: Mapped[AssessmentSession] = relationship()
    candidate: Mapped[Candidate] = relationship()
    conflict: Mapped[Conflict] = relationship()
    examiner: Mapped[Examiner] = relationship()
