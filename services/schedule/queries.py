"""What the session pages and the API read: sessions filtered a page at a time, the candidates
listed and the seats in force per session, a session's candidates and panel in force, the
venues and occupations to filter by.

Counts are read for the sessions shown only: a whole term has tens of thousands of candidates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from models import (
    AssessmentSession,
    Candidate,
    Institution,
    Occupation,
    PanelSeat,
    SessionCandidate,
    Venue,
)
from models.base import SeatRole, SessionStatus


@dataclass(frozen=True)
class SessionFilter:
    """Sessions starting from `first` to `last` (both optional days), and of a venue, an
    occupation, a level or a status when given."""

    first: date | None = None
    last: date | None = None
    venue: int | None = None
    occupation: int | None = None
    level: int | None = None
    status: SessionStatus | None = None


def starting(query: Select[Any], first: date | None, last: date | None) -> Select[Any]:
    """`query` narrowed to sessions starting on or after `first` and on or before `last`."""
    if first:
        query = query.where(AssessmentSession.start >= datetime.combine(first, time()))
    if last:
        query = query.where(AssessmentSession.start < datetime.combine(last, time()) + timedelta(1))
    return query


def _filtered(institution: Institution, chosen: SessionFilter) -> Select[Any]:
    query = select(AssessmentSession).where(AssessmentSession.institution_id == institution.id)
    query = starting(query, chosen.first, chosen.last)
    for value, column in (
        (chosen.venue, AssessmentSession.venue_id),
        (chosen.occupation, AssessmentSession.occupation_id),
        (chosen.level, AssessmentSession.level),
    ):
        if value is not None:
            query = query.where(column == value)
    if chosen.status is not None:
        query = query.where(AssessmentSession.status == chosen.status)
    return query


def session_page(
    db: Session, institution: Institution, chosen: SessionFilter, offset: int, limit: int
) -> list[AssessmentSession]:
    """Up to `limit` sessions from `offset`, by start and code, with venue and occupation."""
    loads = (selectinload(AssessmentSession.venue), selectinload(AssessmentSession.occupation))
    query = _filtered(institution, chosen).options(*loads)
    query = query.order_by(AssessmentSession.start, AssessmentSession.code)
    return list(db.scalars(query.offset(offset).limit(limit)).all())


def session_count(db: Session, institution: Institution, chosen: SessionFilter) -> int:
    """How many sessions the filter keeps."""
    query = _filtered(institution, chosen)
    return db.scalar(query.with_only_columns(func.count(AssessmentSession.id))) or 0


def session_codes(
    db: Session, institution: Institution, first: date | None, last: date | None
) -> set[str]:
    """Codes of the institution's sessions starting from `first` to `last`."""
    codes = select(AssessmentSession.code).where(AssessmentSession.institution_id == institution.id)
    return set(db.scalars(starting(codes, first, last)))


def candidate_counts(db: Session, ids: Sequence[int]) -> dict[int, int]:
    """Candidates on the list of each of these sessions (sessions without a list are absent)."""
    return _per_session(db, SessionCandidate.session_id, ids)


def seat_counts(db: Session, ids: Sequence[int]) -> dict[int, int]:
    """Seats in force of each of these sessions (sessions without a panel are absent)."""
    return _per_session(db, PanelSeat.session_id, ids)


def _per_session(db: Session, column: Any, ids: Sequence[int]) -> dict[int, int]:
    if not ids:
        return {}
    query = select(column, func.count()).where(column.in_(ids)).group_by(column)
    return {ident: n for ident, n in db.execute(query)}


def session_candidates(db: Session, session: AssessmentSession) -> list[Candidate]:
    """The session's listed candidates by code, with their organisations."""
    query = (
        select(Candidate)
        .join(SessionCandidate, SessionCandidate.candidate_id == Candidate.id)
        .where(SessionCandidate.session_id == session.id)
        .options(selectinload(Candidate.organization))
        .order_by(Candidate.code)
    )
    return list(db.scalars(query).all())


def panel_in_force(db: Session, session: AssessmentSession) -> list[PanelSeat]:
    """The session's seats in force, leader first, then by examiner code."""
    query = (
        select(PanelSeat)
        .where(PanelSeat.session_id == session.id)
        .options(selectinload(PanelSeat.examiner))
    )
    seats = db.scalars(query).all()
    return sorted(seats, key=lambda s: (s.role != SeatRole.LEADER, s.examiner.code))


def venues_of(db: Session, institution: Institution) -> list[Venue]:
    """The institution's venues by code, with the organisations that own them."""
    query = (
        select(Venue)
        .where(Venue.institution_id == institution.id)
        .options(selectinload(Venue.organization))
        .order_by(Venue.code)
    )
    return list(db.scalars(query).all())


def occupations(db: Session) -> list[Occupation]:
    """The occupation catalogue by code (as the session filters list it)."""
    return list(db.scalars(select(Occupation).order_by(Occupation.code)).all())


def candidate_by_code(db: Session, institution_id: int, code: str) -> Candidate | None:
    """The institution's candidate with `code`, if any."""
    query = select(Candidate).where(
        Candidate.institution_id == institution_id, Candidate.code == code
    )
    return db.scalar(query)


def session_by_code(db: Session, institution_id: int, code: str) -> AssessmentSession | None:
    """The institution's session with `code`, if any."""
    query = select(AssessmentSession).where(
        AssessmentSession.institution_id == institution_id, AssessmentSession.code == code
    )
    return db.scalar(query)


def next_range(db: Session, institution: Institution, today: date) -> tuple[date, date]:
    """The range of the planned sessions without a panel in force (else of all planned ones;
    with none, the 30 days from `today`)."""
    planned = (AssessmentSession.institution_id == institution.id) & (
        AssessmentSession.status == SessionStatus.PLANNED
    )
    staffed = select(PanelSeat.session_id)
    span = select(func.min(AssessmentSession.start), func.max(AssessmentSession.start))
    first, last = db.execute(span.where(planned, AssessmentSession.id.not_in(staffed))).one()
    if first is None:
        first, last = db.execute(span.where(planned)).one()
    if first is None:
        return today, today + timedelta(days=30)
    return first.date(), last.date()


def every_occupation(db: Session) -> list[Occupation]:
    """The whole occupation catalogue (every edition), unordered."""
    return list(db.scalars(select(Occupation)).all())
