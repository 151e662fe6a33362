"""Conflicts of interest (回避关系, R5) and the results they void after the fact.

A conflict ties an examiner to one candidate or to a whole organisation (every candidate
from it). Registering one also looks back: each HELD session whose panel in force
(`PanelSeat`) had the examiner, on a day the relationship already existed (`since` unknown
or on/before the session's first day), had candidates the examiner should have recused
from; their results are invalid. They are stored as `InvalidResult` rows, once per session
and candidate (a later conflict with the same pair adds no second row), and reported.
A session with no candidate list cannot be resolved to names: it is reported for checking.
The register and the voided results are also read a page at a time (with their totals),
since an institution keeps adding to both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
    PanelSeat,
    SessionCandidate,
    Venue,
    audit,
)
from models.base import ConflictKind, SessionStatus

from .discipline import refuse_if
from .messages import Problem

T = TypeVar("T")

KIND_NAMES = {
    ConflictKind.RELATIVE: {"zh": "亲属", "en": "relative"},
    ConflictKind.TEACHER_STUDENT: {"zh": "师生", "en": "teacher and student"},
    ConflictKind.MASTER_APPRENTICE: {"zh": "师徒", "en": "master and apprentice"},
    ConflictKind.INTEREST: {"zh": "其他利害关系", "en": "other interest"},
}

MESSAGES = {
    "unknown_kind": {
        "zh": "回避关系类型 {kind} 不存在：应为亲属、师生、师徒或其他利害关系",
        "en": "unknown conflict kind {kind}: relative, teacher_student, master_apprentice or interest",
    },
    "one_target": {
        "zh": "回避对象应为一名考生或一个单位（二者选一）",
        "en": "a conflict names exactly one candidate or one organisation",
    },
    "since_after_declared": {
        "zh": "关系开始日期 {since} 晚于申报日期 {declared}",
        "en": "the relationship began {since}, after it was declared {declared}",
    },
    "other_institution": {
        "zh": "{target_zh} 不属于考评员 {examiner} 所在的评价机构",
        "en": "{target_en} is not of examiner {examiner}'s institution",
    },
    "invalid": {
        "zh": "考评员 {examiner}（{name}）与{target_zh}存在{kind_zh}关系{since_zh}，应回避而参加了场次 {session}（{day}）的考评，该考生成绩无效",
        "en": "examiner {examiner} ({name}) has a {kind_en} relationship with {target_en}{since_en} and should have recused from session {session} ({day}): the result is invalid",
    },
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

    def reason(self, lang: str = "zh") -> str:
        """Why the result is void, in `lang`."""
        return self.reason_en if lang == "en" else self.reason_zh


@dataclass
class ConflictReport:
    """What registering a conflict found: the voided results and unlisted sessions."""

    conflict: Conflict
    invalid: list[InvalidLine] = field(default_factory=list)
    unlisted_sessions: list[str] = field(default_factory=list)  # held, no candidate list


def register_conflict(
    session: Session,
    examiner: Examiner,
    kind: ConflictKind | str,
    declared_on: date,
    *,
    candidate: Candidate | None = None,
    organization: Organization | None = None,
    since: date | None = None,
    note: str | None = None,
) -> ConflictReport:
    """Record a conflict (or update the same one) and void the results it taints."""
    refuse_if(*_problems(examiner, kind, declared_on, candidate, organization, since))
    target = candidate or organization
    assert target is not None  # _problems refused anything but exactly one target
    conflict = _same_conflict(session, examiner, ConflictKind(kind), target)
    if conflict is None:
        conflict = Conflict(
            examiner_id=examiner.id,
            kind=ConflictKind(kind),
            candidate_id=candidate.id if candidate else None,
            organization_id=organization.id if organization else None,
        )
        session.add(conflict)
    conflict.since, conflict.declared_on, conflict.note = since, declared_on, note
    session.flush()
    report = _look_back(session, conflict)
    audit(
        session,
        "register_conflict",
        f"{examiner.code} {examiner.name}",
        examiner.institution_id,
        conflict=conflict.id,
        kind=conflict.kind,
        invalid_results=len(report.invalid),
        unlisted_sessions=report.unlisted_sessions,
    )
    return report


def _problems(
    examiner: Examiner,
    kind: object,
    declared_on: date,
    candidate: Candidate | None,
    organization: Organization | None,
    since: date | None,
) -> list[Problem]:
    problems = []
    if kind not in set(ConflictKind):
        problems.append(Problem.of(MESSAGES, "unknown_kind", "kind", kind=kind))
    if (candidate is None) == (organization is None):
        problems.append(Problem.of(MESSAGES, "one_target", "conflict_target"))
    for target in (candidate, organization):
        if target is not None and target.institution_id != examiner.institution_id:
            problems.append(
                Problem.of(
                    MESSAGES,
                    "other_institution",
                    "conflict_target",
                    **_target_names(target),
                    examiner=examiner.code,
                )
            )
    if since is not None and since > declared_on:
        problems.append(
            Problem.of(
                MESSAGES,
                "since_after_declared",
                "since",
                since=since.isoformat(),
                declared=declared_on.isoformat(),
            )
        )
    return problems


def _same_conflict(
    session: Session, examiner: Examiner, kind: ConflictKind, target: Candidate | Organization
) -> Conflict | None:
    """The conflict already registered for this examiner, kind and target (re-registration)."""
    column = Conflict.candidate_id if isinstance(target, Candidate) else Conflict.organization_id
    return session.scalar(
        select(Conflict).where(
            Conflict.examiner_id == examiner.id, Conflict.kind == kind, column == target.id
        )
    )


def _look_back(session: Session, conflict: Conflict) -> ConflictReport:
    """Void the results of held sessions the examiner sat on while the conflict existed."""
    report = ConflictReport(conflict)
    for assessment in _tainted_sessions(session, conflict):
        candidates = _affected_candidates(session, assessment, conflict)
        if not assessment.candidates:
            report.unlisted_sessions.append(assessment.code)
        for candidate in candidates:
            if not _already_invalid(session, assessment, candidate):
                session.add(
                    InvalidResult(
                        session_id=assessment.id,
                        candidate_id=candidate.id,
                        conflict_id=conflict.id,
                        examiner_id=conflict.examiner_id,
                    )
                )
            report.invalid.append(_line(assessment, candidate, conflict))
    session.flush()
    return report


def _tainted_sessions(session: Session, conflict: Conflict) -> list[AssessmentSession]:
    query = (
        select(AssessmentSession)
        .join(PanelSeat, PanelSeat.session_id == AssessmentSession.id)
        .where(
            PanelSeat.examiner_id == conflict.examiner_id,
            AssessmentSession.status == SessionStatus.HELD,
        )
        .order_by(AssessmentSession.start, AssessmentSession.code)
    )
    every = session.scalars(query).all()
    # "Existed on the session's first day": compared on dates, so it works on both databases.
    return [s for s in every if conflict.since is None or conflict.since <= s.start.date()]


def _affected_candidates(
    session: Session, assessment: AssessmentSession, conflict: Conflict
) -> list[Candidate]:
    return list(
        session.scalars(
            select(Candidate)
            .join(SessionCandidate, SessionCandidate.candidate_id == Candidate.id)
            .where(
                SessionCandidate.session_id == assessment.id,
                # One target only: comparing the other (None) would match IS NULL rows.
                Candidate.id == conflict.candidate_id
                if conflict.candidate_id is not None
                else Candidate.organization_id == conflict.organization_id,
            )
            .order_by(Candidate.code)
        )
    )


def _already_invalid(session: Session, assessment: AssessmentSession, candidate: Candidate) -> bool:
    return (
        session.scalar(
            select(InvalidResult.id).where(
                InvalidResult.session_id == assessment.id,
                InvalidResult.candidate_id == candidate.id,
            )
        )
        is not None
    )


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
    target = _candidate_names(code, name) if code is not None else _organization_names(organization)
    return _compose(**values, target=target)


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
        query = query.where(or_(*(column.contains(text, autoescape=True) for column in columns)))
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
        query = query.where(Organization.name.contains(text, autoescape=True))
    names = session.scalars(query.order_by(Organization.name).limit(limit))
    return Page(list(names), _count(session, query))


def _count(session: Session, query: Select[*tuple[Any, ...]]) -> int:
    """How many rows `query` selects (its ordering, paging and loader options set aside)."""
    inner = query.order_by(None).subquery()
    return session.scalar(select(func.count()).select_from(inner)) or 0


def _line(assessment: AssessmentSession, candidate: Candidate, conflict: Conflict) -> InvalidLine:
    examiner = conflict.examiner
    return _compose(
        session_code=assessment.code, start=assessment.start, venue=assessment.venue.name,
        candidate_code=candidate.code, candidate_name=candidate.name,
        organization=candidate.organization.name if candidate.organization else None,
        examiner_code=examiner.code, examiner_name=examiner.name, kind=conflict.kind,
        since=conflict.since, target=_target_names(_target(conflict)),
    )  # fmt: skip


def _compose(
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
        "kind_zh": names["zh"],
        "kind_en": names["en"],
        "since_zh": f"（自 {began} 起）" if began else "",
        "since_en": f" (since {began})" if began else "",
    }
    templates = MESSAGES["invalid"]
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
        reason_zh=templates["zh"].format(**params),
        reason_en=templates["en"].format(**params),
    )


def _target(conflict: Conflict) -> Candidate | Organization:
    """The conflict's other side (the `one_target` check constraint says there is one)."""
    target = conflict.candidate or conflict.organization
    assert target is not None
    return target


def _target_names(target: Candidate | Organization) -> dict[str, str]:
    """The conflict's other side, as `target_zh` / `target_en` message parameters."""
    if isinstance(target, Candidate):
        return _candidate_names(target.code, target.name)
    return _organization_names(target.name)


def _candidate_names(code: str, name: str) -> dict[str, str]:
    return {"target_zh": f"考生 {code} {name}", "target_en": f"candidate {code} {name}"}


def _organization_names(name: str) -> dict[str, str]:
    return {"target_zh": f"单位 {name}", "target_en": f"organisation {name}"}
