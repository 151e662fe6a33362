"""The conflicts register and the results conflicts void, read as planners read them.

The register (latest declared first, searchable) and the voided results (report order:
session date, session, candidate) come a page at a time with their totals, since an
institution keeps adding to both; `invalid_results` reads every voided result for the report
sheet. Each voided result is an `InvalidLine` with its reason in both languages; registering
a conflict (`services.discipline.conflicts`) composes its lines the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Row, Select, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from models import (
    AssessmentSession,
    Candidate,
    Conflict,
    Examiner,
    Institution,
    InvalidResult,
    Organization,
    Venue,
)
from models.base import ConflictKind
from services.search import contains

T = TypeVar("T")

KIND_NAMES = {
    ConflictKind.RELATIVE: {"zh": "亲属", "en": "relative"},
    ConflictKind.TEACHER_STUDENT: {"zh": "师生", "en": "teacher and student"},
    ConflictKind.MASTER_APPRENTICE: {"zh": "师徒", "en": "master and apprentice"},
    ConflictKind.INTEREST: {"zh": "其他利害关系", "en": "other interest"},
}
# The kind as told to readers who may not see it (viewers: `services.institution.privacy`).
UNTOLD_KIND = {"zh": "回避", "en": "conflict-of-interest"}

# Why a voided result is void, in both languages.
REASON = {
    "zh": "考评员 {examiner}（{name}）与{target_zh}存在{kind_zh}关系{since_zh}，应回避而参加了场次 {session}（{day}）的考评，该考生成绩无效",
    "en": "examiner {examiner} ({name}) has a {kind_en} relationship with {target_en}{since_en} and should have recused from session {session} ({day}): the result is invalid",
}


@dataclass(frozen=True)
class InvalidLine:
    """One voided result, ready for the report sheet."""

    session_code: str
    day: date
    venue: str
    candidate_code: str
    candidate_name: str
    organization: str | None
    examiner_code: str
    examiner_name: str
    kind: ConflictKind
    reason_zh: str
    reason_en: str
    untold_zh: str  # the reason without the kind of relationship
    untold_en: str

    def reason(self, lang: str = "zh", kind_shown: bool = True) -> str:
        """Why the result is void, in `lang` (without the kind of relationship unless
        `kind_shown`)."""
        if not kind_shown:
            return self.untold_en if lang == "en" else self.untold_zh
        return self.reason_en if lang == "en" else self.reason_zh


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a longer list: its rows and how many rows the whole list has."""

    rows: list[T]
    total: int


# The report's order: session date, session, candidate (then the row, for stable pages).
INVALID_ORDER = (AssessmentSession.start, AssessmentSession.code, Candidate.code, InvalidResult.id)


def invalid_results(session: Session, institution: Institution) -> list[InvalidLine]:
    """Every voided result of the institution, by session date, session and candidate."""
    return [_from_row(row) for row in session.execute(_invalid_lines(institution))]


def invalid_page(
    session: Session, institution: Institution, offset: int, limit: int
) -> Page[InvalidLine]:
    """`limit` voided results from `offset` (in `invalid_results`' order) and their total."""
    # The page's rows are chosen on the few columns that order them, then read in full: all
    # the joins for every voided result, to keep a hundred, took most of the page's time.
    voided = (
        select(InvalidResult.id)
        .join(AssessmentSession, AssessmentSession.id == InvalidResult.session_id)
        .where(AssessmentSession.institution_id == institution.id)
    )
    chosen = voided.join(Candidate, Candidate.id == InvalidResult.candidate_id)
    ids = list(session.scalars(chosen.order_by(*INVALID_ORDER).offset(offset).limit(limit)))
    rows = session.execute(_invalid_lines(institution).where(InvalidResult.id.in_(ids)))
    total = session.scalar(voided.with_only_columns(func.count(InvalidResult.id))) or 0
    return Page([_from_row(row) for row in rows], total)


def _invalid_lines(institution: Institution) -> Select[*tuple[Any, ...]]:
    """What each line of the institution's voided results says, in report order (one query)."""
    candidate_org = aliased(Organization)
    target, target_org = aliased(Candidate), aliased(Organization)
    return (
        select(
            AssessmentSession.code.label("session_code"), AssessmentSession.start,
            Venue.name.label("venue"), Candidate.code.label("candidate_code"),
            Candidate.name.label("candidate_name"), candidate_org.name.label("organization"),
            Examiner.code.label("examiner_code"), Examiner.name.label("examiner_name"),
            Conflict.kind, Conflict.since, target.code.label("target_code"),
            target.name.label("target_name"), target_org.name.label("target_organization"),
        )
        .select_from(InvalidResult)
        .join(AssessmentSession, AssessmentSession.id == InvalidResult.session_id)
        .join(Venue, Venue.id == AssessmentSession.venue_id)
        .join(Candidate, Candidate.id == InvalidResult.candidate_id)
        .outerjoin(candidate_org, candidate_org.id == Candidate.organization_id)
        .join(Conflict, Conflict.id == InvalidResult.conflict_id)
        .join(Examiner, Examiner.id == Conflict.examiner_id)
        .outerjoin(target, target.id == Conflict.candidate_id)
        .outerjoin(target_org, target_org.id == Conflict.organization_id)
        .where(AssessmentSession.institution_id == institution.id)
        .order_by(*INVALID_ORDER)
    )  # fmt: skip


def _from_row(row: Row[*tuple[Any, ...]]) -> InvalidLine:
    """The line of one row of `_invalid_query`."""
    values = dict(row._mapping)
    code, name = values.pop("target_code"), values.pop("target_name")
    organization = values.pop("target_organization")
    target = candidate_names(code, name) if code is not None else organization_names(organization)
    return compose_line(**values, target=target)


def conflict_page(
    session: Session, institution: Institution, text: str, offset: int, limit: int
) -> Page[Conflict]:
    """Registered conflicts, latest declared first; `text` narrows to those whose examiner
    (code or name), candidate (code or name) or organisation (name) contains it."""
    query = (
        select(Conflict)
        .join(Examiner, Examiner.id == Conflict.examiner_id)
        .outerjoin(Candidate, Candidate.id == Conflict.candidate_id)
        .outerjoin(Organization, Organization.id == Conflict.organization_id)
        .where(Examiner.institution_id == institution.id)
    )
    if text:
        columns = (Examiner.code, Examiner.name, Candidate.code, Candidate.name, Organization.name)
        query = query.where(or_(*(contains(column, text) for column in columns)))
    rows = session.scalars(
        query.options(
            selectinload(Conflict.examiner),
            selectinload(Conflict.candidate),
            selectinload(Conflict.organization),
        )
        .order_by(Conflict.declared_on.desc(), Conflict.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return Page(list(rows), _count(session, query))


def organization_named(
    session: Session, institution: Institution, name: str
) -> Organization | None:
    """The institution's organisation of exactly that name (names are unique in one)."""
    return session.scalar(
        select(Organization).where(
            Organization.institution_id == institution.id, Organization.name == name
        )
    )


def organizations_like(
    session: Session, institution: Institution, text: str, limit: int
) -> Page[str]:
    """Up to `limit` names of the institution's organisations containing `text` (all when
    empty), by name, and how many there are."""
    query = select(Organization.name).where(Organization.institution_id == institution.id)
    if text:
        query = query.where(contains(Organization.name, text))
    names = session.scalars(query.order_by(Organization.name).limit(limit))
    return Page(list(names), _count(session, query))


def _count(session: Session, query: Select[*tuple[Any, ...]]) -> int:
    """How many rows `query` selects (its ordering, paging and loader options set aside)."""
    inner = query.order_by(None).subquery()
    return session.scalar(select(func.count()).select_from(inner)) or 0


def compose_line(
    *, session_code: str, start: datetime, venue: str, candidate_code: str, candidate_name: str,
    organization: str | None, examiner_code: str, examiner_name: str, kind: ConflictKind,
    since: date | None, target: dict[str, str],
) -> InvalidLine:  # fmt: skip
    """One voided result's line with its reason in both languages."""
    names = KIND_NAMES[kind]
    began = since.isoformat() if since else None
    day = start.date()
    params = {
        **target,
        "examiner": examiner_code,
        "name": examiner_name,
        "session": session_code,
        "day": day.isoformat(),
        "since_zh": f"（自 {began} 起）" if began else "",
        "since_en": f" (since {began})" if began else "",
    }
    templates = REASON
    return InvalidLine(
        session_code=session_code,
        day=day,
        venue=venue,
        candidate_code=candidate_code,
        candidate_name=candidate_name,
        organization=organization,
        examiner_code=examiner_code,
        examiner_name=examiner_name,
        kind=kind,
        reason_zh=templates["zh"].format(**params, kind_zh=names["zh"]),
        reason_en=templates["en"].format(**params, kind_en=names["en"]),
        untold_zh=templates["zh"].format(**params, kind_zh=UNTOLD_KIND["zh"]),
        untold_en=templates["en"].format(**params, kind_en=UNTOLD_KIND["en"]),
    )


def candidate_names(code: str, name: str) -> dict[str, str]:
    return {"target_zh": f"考生 {code} {name}", "target_en": f"candidate {code} {name}"}


def organization_names(name: str) -> dict[str, str]:
    return {"target_zh": f"单位 {name}", "target_en": f"organisation {name}"}
