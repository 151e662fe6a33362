"""One examiner's seats in force (past and to come), for their page.

Seats in force are the published panels (`PanelSeat`): a draft's seats are not anybody's
duty yet. Each seat comes with its session's date, time, venue, occupation and level, and
whether the examiner leads the panel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from models import AssessmentSession, Examiner, PanelSeat
from models.base import SeatRole


@dataclass(frozen=True)
class Seat:
    code: str  # the session's code
    start: datetime
    end: datetime
    venue: str
    occupation: str
    level: int
    leader: bool


def examiner_seats(db: Session, examiner: Examiner) -> list[Seat]:
    """The examiner's seats in force, in time order."""
    rows = db.scalars(
        select(PanelSeat)
        .join(PanelSeat.session)
        .where(PanelSeat.examiner_id == examiner.id)
        .options(
            joinedload(PanelSeat.session).joinedload(AssessmentSession.venue),
            joinedload(PanelSeat.session).joinedload(AssessmentSession.occupation),
        )
        .order_by(AssessmentSession.start, AssessmentSession.code)
    )
    return [
        Seat(
            s.session.code, s.session.start, s.session.end, s.session.venue.name or s.session.venue.code,
            s.session.occupation.name or s.session.occupation.code, s.session.level,
            s.role == SeatRole.LEADER,
        )
        for s in rows
    ]  # fmt: skip
