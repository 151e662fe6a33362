"""Conflicts of interest (回避关系, R5) and the results they void after the fact.

A conflict ties an examiner to one candidate or to a whole organisation (every candidate
from it). Registering one also looks back: each HELD session whose panel in force
(`PanelSeat`) had the examiner, on a day the relationship already existed (`since` unknown
or on/before the session's first day), had candidates the examiner should have recused
from; their results are invalid. They are stored as `InvalidResult` rows, once per session
and candidate (a later conflict with the same pair adds no second row), and reported.
A session with no candidate list cannot be resolved to names: it is reported for checking.
Reading the register and the voided results (a page at a time, with their totals):
`services.discipline.conflict_lists`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    AssessmentSession,
    Candidate,
    Conflict,
    Examiner,
    InvalidResult,
    Organization,
    PanelSeat,
    SessionCandidate,
    audit,
)
from models.base import ConflictKind, SessionStatus
from services.discipline.actions import refuse_if
from services.discipline.conflict_lists import (
    InvalidLine,
    candidate_names,
    compose_line,
    organization_names,
)
from services.messages import Problem

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
}


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


def _line(assessment: AssessmentSession, candidate: Candidate, conflict: Conflict) -> InvalidLine:
    examiner = conflict.examiner
    return compose_line(
        session_code=assessment.code, start=assessment.start, venue=assessment.venue.name,
        candidate_code=candidate.code, candidate_name=candidate.name,
        organization=candidate.organization.name if candidate.organization else None,
        examiner_code=examiner.code, examiner_name=examiner.name, kind=conflict.kind,
        since=conflict.since, target=_target_names(_target(conflict)),
    )  # fmt: skip


def _target(conflict: Conflict) -> Candidate | Organization:
    """The conflict's other side (the `one_target` check constraint says there is one)."""
    target = conflict.candidate or conflict.organization
    assert target is not None
    return target


def _target_names(target: Candidate | Organization) -> dict[str, str]:
    """The conflict's other side, as `target_zh` / `target_en` message parameters."""
    if isinstance(target, Candidate):
        return candidate_names(target.code, target.name)
    return organization_names(target.name)
