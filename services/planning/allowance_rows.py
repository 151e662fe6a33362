"""Rows of the allowance statement (R2: "allowance per served session ... exportable").

Sessions served in a period are the panels in force (`PanelSeat`) of the institution's HELD
sessions whose first day falls in the period: what was actually served, whichever plan
staffed it. With `include_planned`, published panels of sessions still PLANNED in the period
are added and marked expected (for budgeting); cancelled sessions never count. Each seat is
paid at the `allowance_per_session` of the examiner's appointment covering the session's
first day (the latest-starting one, should two overlap); no such appointment, or one
without a rate, leaves the rate empty and the statement flags the seat.

    panelplan export allowance --from DATE --to DATE [--include-planned] [-o PATH]
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    Appointment,
    AssessmentSession,
    Examiner,
    Institution,
    Occupation,
    Organization,
    PanelSeat,
    Venue,
)
from models.base import SessionStatus
from services.exports.allowance import ServedSeat
from services.exports.layout import file_name
from services.messages import Problem, Refused

MESSAGES = {
    "range_order": {
        "zh": "开始日期 {date_from} 晚于结束日期 {date_to}",
        "en": "the period starts {date_from}, after it ends {date_to}",
    },
}

Term = tuple[date, date, Decimal | None]


def allowance_file(inst: Institution, first: date, last: date) -> str:
    """The allowance statement's file name (津贴补助) for a period."""
    return file_name(f"{inst.name}考评人员津贴补助_{first:%Y%m%d}-{last:%Y%m%d}")


def served_seats(
    db: Session, inst: Institution, date_from: date, date_to: date, include_planned: bool = False
) -> list[ServedSeat]:
    """One row per seat served in the period, with the rate that pays it (or None)."""
    if date_from > date_to:
        problem = Problem.of(
            MESSAGES, "range_order", "date_range", date_from=date_from, date_to=date_to
        )
        raise Refused([problem])
    statuses = [SessionStatus.HELD] + ([SessionStatus.PLANNED] if include_planned else [])
    rows = db.execute(_query(inst, date_from, date_to, statuses)).all()
    terms = _terms(db, {r.examiner_id for r in rows})
    return [
        ServedSeat(
            examiner_code=r.examiner_code, examiner_name=r.examiner_name,
            organization=r.organization or "", session_code=r.session_code,
            day=r.start.date(), venue=r.venue, occupation=f"{r.occupation_code} {r.occupation}",
            level=r.level, role=r.role.value,
            rate=rate_on(terms.get(r.examiner_id, ()), r.start.date()),
            held=r.status == SessionStatus.HELD,
        )
        for r in rows
    ]  # fmt: skip


def _query(inst: Institution, date_from: date, date_to: date, statuses: list[Any]) -> Any:
    # Compared as datetimes (start of day): works the same on SQLite and PostgreSQL.
    first, after = datetime.combine(date_from, time()), datetime.combine(date_to, time())
    return (
        select(
            PanelSeat.examiner_id, PanelSeat.role, Examiner.code.label("examiner_code"),
            Examiner.name.label("examiner_name"), Organization.name.label("organization"),
            AssessmentSession.code.label("session_code"), AssessmentSession.start,
            AssessmentSession.level, AssessmentSession.status, Venue.name.label("venue"),
            Occupation.code.label("occupation_code"), Occupation.name.label("occupation"),
        )
        .join(AssessmentSession, AssessmentSession.id == PanelSeat.session_id)
        .join(Examiner, Examiner.id == PanelSeat.examiner_id)
        .outerjoin(Organization, Organization.id == Examiner.organization_id)
        .join(Venue, Venue.id == AssessmentSession.venue_id)
        .join(Occupation, Occupation.id == AssessmentSession.occupation_id)
        .where(
            AssessmentSession.institution_id == inst.id,
            AssessmentSession.status.in_(statuses),
            AssessmentSession.start >= first,
            AssessmentSession.start < after + timedelta(days=1),
        )
        .order_by(Examiner.code, AssessmentSession.start, AssessmentSession.code)
    )  # fmt: skip


def _terms(db: Session, examiner_ids: set[int]) -> dict[int, list[Term]]:
    terms: dict[int, list[Term]] = {}
    if not examiner_ids:
        return terms
    query = select(
        Appointment.examiner_id, Appointment.start, Appointment.end,
        Appointment.allowance_per_session,
    ).where(Appointment.examiner_id.in_(examiner_ids))  # fmt: skip
    for examiner_id, start, end, rate in db.execute(query):
        terms.setdefault(examiner_id, []).append((start, end, rate))
    return terms


def rate_on(terms: Sequence[Term], day: date) -> Decimal | None:
    """The rate of the latest-starting appointment covering `day` (None: none, or no rate)."""
    covering = [t for t in terms if t[0] <= day <= t[1]]
    if not covering:
        return None
    rate = max(covering, key=lambda t: t[0])[2]
    return None if rate is None else Decimal(rate).quantize(Decimal("0.01"))
