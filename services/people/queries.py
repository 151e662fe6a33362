"""What the examiner pages and the API read: the list's search and filters as a few SQL queries
(the XL data has 1000 people), an examiner by code, a page of examiners matching a text.

One count, one page of examiners with their latest appointment end and certificate validity
computed in SQL, and the page's qualifications loaded in one more query: a page costs the
same whatever the size of the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from models import (
    Appointment,
    Certificate,
    Conflict,
    Examiner,
    ExaminerWarning,
    Occupation,
    Qualification,
    Rating,
    Review,
    Revocation,
)
from models.base import ExaminerStatus, Grade
from services.institution.privacy import Sight
from services.search import ID_VISIBLE, PHONE_VISIBLE, contains, visible_contains
from solver.numbers import INT32, BadNumber, whole

PAGE_SIZE = 50
MAX_ENDING_DAYS = 3650  # "ending within N days": ten years covers any appointment (3 at most)


@dataclass
class Filters:
    """What the planner asked for in the list's query string."""

    q: str = ""
    occupation: str | None = None  # a catalogue code
    grade: Grade | None = None
    status: ExaminerStatus | None = None
    ending_days: int | None = None
    page: int = 1

    @classmethod
    def of(cls, args: Any) -> Filters:
        """Read the filters from request arguments, ignoring values that make no sense."""
        return cls(
            q=(args.get("q") or "").strip(),
            occupation=(args.get("occupation") or "").strip() or None,
            grade=_enum(Grade, args.get("grade")),
            status=_enum(ExaminerStatus, args.get("status")),
            ending_days=_int(args.get("ending"), 0, MAX_ENDING_DAYS),
            page=_int(args.get("page"), 1, INT32) or 1,
        )

    def args(self, **changes: Any) -> dict[str, Any]:
        """The query-string arguments of these filters (for links to other pages)."""
        values = {
            "q": self.q,
            "occupation": self.occupation,
            "grade": self.grade and self.grade.value,
            "status": self.status and self.status.value,
            "ending": self.ending_days,
            "page": self.page,
        } | changes
        return {k: v for k, v in values.items() if v not in (None, "")}


@dataclass
class Row:
    """One line of the list."""

    examiner: Examiner
    appointment_end: date | None
    certificate_until: date | None


@dataclass
class Page:
    """One page of matching examiners and how many match in all."""

    rows: list[Row]
    total: int
    page: int
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        self.pages = max(1, -(-self.total // PAGE_SIZE))


def _int(value: Any, least: int, most: int) -> int | None:
    """A whole number within [least, most] from a query string; None for anything else."""
    try:
        return whole(value, least, most) if value not in (None, "") else None
    except BadNumber:
        return None


def _enum(kind: Any, value: Any) -> Any:
    try:
        return kind(value) if value else None
    except ValueError:
        return None


def examiner_page(
    session: Session, institution_id: int, filters: Filters, today: date, sight: Sight
) -> Page:
    """The page of examiners matching `filters` as a reader with `sight` may search them,
    ordered by code."""
    appointment_end = (
        select(func.max(Appointment.end))
        .where(Appointment.examiner_id == Examiner.id)
        .scalar_subquery()
    )
    certificate_until = (
        select(func.max(Certificate.valid_until))
        .where(Certificate.examiner_id == Examiner.id)
        .scalar_subquery()
    )
    query = _filtered(
        select(Examiner).where(Examiner.institution_id == institution_id),
        filters,
        (appointment_end, certificate_until),
        today,
        sight,
    )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(
        query.add_columns(appointment_end, certificate_until)
        .options(
            joinedload(Examiner.organization),
            selectinload(Examiner.qualifications).joinedload(Qualification.occupation),
        )
        .order_by(Examiner.code)
        .limit(PAGE_SIZE)
        .offset((filters.page - 1) * PAGE_SIZE)
    ).all()
    return Page([Row(e, a, c) for e, a, c in rows], total, filters.page)


def _filtered(
    query: Select[Any], filters: Filters, ends: tuple[Any, Any], today: date, sight: Sight
) -> Any:
    if filters.q:
        query = query.where(_matching(filters.q, sight))
    if filters.occupation:
        held = (
            select(Qualification.id)
            .join(Occupation)
            .where(Qualification.examiner_id == Examiner.id, Occupation.code == filters.occupation)
        )
        query = query.where(held.exists())
    if filters.grade:
        query = query.where(Examiner.grade == filters.grade)
    if filters.status:
        query = query.where(Examiner.status == filters.status)
    if filters.ending_days is not None:
        limit = today + timedelta(days=filters.ending_days)
        query = query.where(or_(*(end.between(today, limit) for end in ends)))
    return query


def _matching(text: str, sight: Sight) -> Any:
    """Name, code, ID number or phone contains `text`; an ID number or phone the reader sees
    masked matches only in its visible characters (`services.search`)."""
    plain = text.replace(" ", "").replace("-", "").upper()
    number, phone = func.upper(Examiner.document_number), func.replace(Examiner.phone, "-", "")
    return or_(
        contains(Examiner.name, text),
        contains(func.upper(Examiner.code), plain),
        contains(number, plain) if sight.ids else visible_contains(number, plain, ID_VISIBLE),
        contains(phone, plain) if sight.phones else visible_contains(phone, plain, PHONE_VISIBLE),
    )


def occupation_choices(session: Session) -> list[tuple[str, str]]:
    """The catalogue as (code, "code name"), newest edition per code, for filters and forms."""
    rows = session.execute(
        select(Occupation.code, Occupation.name).order_by(Occupation.code, Occupation.edition)
    ).all()
    return [(code, f"{code} {name}") for code, name in dict(rows).items()]


def examiners_matching(
    session: Session, institution_id: int, text: str | None, offset: int, limit: int
) -> tuple[int, list[Examiner]]:
    """The total and one page (by code) of the examiners whose code or name contains `text`
    (every examiner without it), with their organisations."""
    query = select(Examiner).where(Examiner.institution_id == institution_id)
    if text:
        query = query.where(contains(Examiner.name, text) | contains(Examiner.code, text))
    total = session.scalar(query.with_only_columns(func.count(Examiner.id))) or 0
    rows = session.scalars(
        query.options(selectinload(Examiner.organization))
        .order_by(Examiner.code)
        .offset(offset)
        .limit(limit)
    )
    return total, list(rows)


def examiner_by_code(session: Session, institution_id: int, code: str) -> Examiner | None:
    """The institution's examiner with `code`, if any."""
    return session.scalar(
        select(Examiner).where(Examiner.institution_id == institution_id, Examiner.code == code)
    )


def examiners_by_code(
    session: Session, institution_id: int, codes: list[str]
) -> dict[str, Examiner]:
    """The institution's examiners among `codes`, by code (unknown codes are absent)."""
    query = select(Examiner).where(
        Examiner.institution_id == institution_id, Examiner.code.in_(codes)
    )
    return {e.code: e for e in session.scalars(query)}


def examiner_records(session: Session, examiner: Examiner) -> dict[str, list[Any]]:
    """The examiner's qualifications, conflicts, warnings, revocations, ratings and reviews."""
    mine = examiner.id

    def rows(model: Any, *order: Any, options: tuple[Any, ...] = ()) -> list[Any]:
        query = select(model).where(model.examiner_id == mine).options(*options)
        return list(session.scalars(query.order_by(*order)))

    targets = (joinedload(Conflict.candidate), joinedload(Conflict.organization))
    return {
        "qualifications": rows(
            Qualification, Qualification.id, options=(joinedload(Qualification.occupation),)
        ),
        "conflicts": rows(Conflict, Conflict.declared_on.desc(), options=targets),
        "warnings": rows(ExaminerWarning, ExaminerWarning.issued_on.desc()),
        "revocations": rows(Revocation, Revocation.requested_on.desc()),
        "ratings": rows(Rating, Rating.id.desc()),
        "reviews": rows(Review, Review.year.desc()),
    }
