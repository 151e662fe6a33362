"""Discipline (R5): warnings, revocation requests and decisions, suspension, refusals to serve.

State machine of `Examiner.status`:

    active ──suspend──▶ suspended ──reinstate──▶ active
    active / suspended ──2nd warning or one serious case──▶ revocation_pending
    revocation_pending ──certifying unit approves──▶ revoked   (final: never reinstated)
    revocation_pending ──certifying unit rejects──▶ active

Warnings count over the examiner's whole record: after a rejected request, any further
warning is again at least the second one and opens a new request. Revoked and suspended
examiners never serve (the instance builder leaves them out). Every decision is audited.
Refusals to serve are in `services.discipline.refusals`, ratings and reviews in `services.discipline.review`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import (
    AssessmentSession,
    AuditEvent,
    Examiner,
    ExaminerWarning,
    Institution,
    Revocation,
    audit,
)
from models.base import ExaminerStatus
from models.discipline import RevocationStatus
from services.messages import Problem, Refused
from solver.messages import STATUS_NAMES  # the same words as the solver's diagnostics

MESSAGES = {
    "reason_required": {"zh": "请写明原因", "en": "a reason is required"},
    "revoked": {
        "zh": "考评员 {examiner} 的考评资格已被取消",
        "en": "examiner {examiner} has had the qualification revoked",
    },
    "decided": {
        "zh": "考评员 {examiner} 的取消资格申请已有决定，不能再次决定",
        "en": "the revocation request for examiner {examiner} has already been decided",
    },
    "unit_required": {
        "zh": "请填写作出决定的发证单位",
        "en": "name the certifying unit that decided",
    },
    "reference_required": {
        "zh": "批准取消资格须填写发证单位的决定文号",
        "en": "an approval needs the certifying unit's decision reference (文号)",
    },
    "decided_before_request": {
        "zh": "决定日期 {decided} 早于申请日期 {requested}",
        "en": "decision date {decided} is before the request date {requested}",
    },
    "wrong_status": {
        "zh": "考评员 {examiner} 当前状态为“{status_zh}”，不能{action_zh}",
        "en": "examiner {examiner} is {status_en}: cannot {action_en}",
    },
    "other_institution": {
        "zh": "场次 {session} 不属于考评员 {examiner} 所在的评价机构",
        "en": "session {session} is not one of examiner {examiner}'s institution",
    },
}
ACTIONS = {
    "suspend": {"zh": "暂停", "en": "suspend"},
    "reinstate": {"zh": "恢复", "en": "reinstate"},
}


def warn(
    session: Session,
    examiner: Examiner,
    issued_on: date,
    reason: str,
    *,
    serious: bool = False,
    assessment: AssessmentSession | None = None,
    issued_by: str | None = None,
) -> ExaminerWarning:
    """Record a warning; a second one, or a serious case, opens a revocation request."""
    refuse_if(
        reason_problem(reason), _revoked_problem(examiner), place_problem(examiner, assessment)
    )
    warning = ExaminerWarning(
        examiner_id=examiner.id,
        issued_on=issued_on,
        reason=(reason or "").strip(),
        serious=serious,
        session_id=assessment.id if assessment else None,
        issued_by=issued_by,
    )
    session.add(warning)
    session.flush()
    count = session.scalars(
        select(func.count()).where(ExaminerWarning.examiner_id == examiner.id)
    ).one()
    audit_examiner(
        session, "warn_examiner", examiner, warning=warning.id, serious=serious, count=count
    )
    if serious or count >= 2:
        grounds = f"情节严重：{warning.reason}" if serious else f"第{count}次警告：{warning.reason}"
        _request_revocation(session, examiner, issued_on, grounds)
    return warning


def _request_revocation(session: Session, examiner: Examiner, on: date, grounds: str) -> Revocation:
    """Open a request (or add the new grounds to the one already pending)."""
    pending = pending_revocation(session, examiner)
    if pending is not None:
        pending.grounds = f"{pending.grounds}\n{grounds}"
        session.flush()
        return pending
    revocation = Revocation(examiner_id=examiner.id, requested_on=on, grounds=grounds)
    session.add(revocation)
    examiner.status = ExaminerStatus.REVOCATION_PENDING
    session.flush()
    audit_examiner(
        session, "request_revocation", examiner, revocation=revocation.id, grounds=grounds
    )
    return revocation


def pending_revocation(session: Session, examiner: Examiner) -> Revocation | None:
    """The examiner's revocation request awaiting the certifying unit, if any."""
    return session.scalar(
        select(Revocation).where(
            Revocation.examiner_id == examiner.id,
            Revocation.status == RevocationStatus.PENDING,
        )
    )


def pending_revocations(session: Session, institution: Institution) -> list[Revocation]:
    """Every revocation request of the institution awaiting a decision, oldest first."""
    return list(
        session.scalars(
            select(Revocation)
            .join(Examiner, Examiner.id == Revocation.examiner_id)
            .where(
                Examiner.institution_id == institution.id,
                Revocation.status == RevocationStatus.PENDING,
            )
            .order_by(Revocation.requested_on, Revocation.id)
        )
    )


def approve_revocation(
    session: Session,
    revocation: Revocation,
    decided_on: date,
    certifying_unit: str,
    reference: str,
) -> Revocation:
    """Record the certifying unit's approval: the examiner is revoked for good."""
    problems = _decision_problems(revocation, decided_on, certifying_unit)
    if not (reference or "").strip():
        problems.append(Problem.of(MESSAGES, "reference_required", "decision_reference"))
    refuse_if(*problems)
    return _decide(
        session, revocation, RevocationStatus.APPROVED, decided_on, certifying_unit, reference
    )


def reject_revocation(
    session: Session,
    revocation: Revocation,
    decided_on: date,
    certifying_unit: str,
    reference: str | None = None,
) -> Revocation:
    """Record the certifying unit's refusal: the examiner returns to active."""
    refuse_if(*_decision_problems(revocation, decided_on, certifying_unit))
    return _decide(
        session, revocation, RevocationStatus.REJECTED, decided_on, certifying_unit, reference
    )


def _decision_problems(revocation: Revocation, decided_on: date, unit: str) -> list[Problem]:
    examiner = revocation.examiner.code
    problems = []
    if revocation.status != RevocationStatus.PENDING:
        problems.append(Problem.of(MESSAGES, "decided", "status", examiner=examiner))
    if not (unit or "").strip():
        problems.append(Problem.of(MESSAGES, "unit_required", "certifying_unit"))
    if decided_on < revocation.requested_on:
        problems.append(
            Problem.of(
                MESSAGES,
                "decided_before_request",
                "decided_on",
                decided=decided_on.isoformat(),
                requested=revocation.requested_on.isoformat(),
            )
        )
    return problems


def _decide(
    session: Session,
    revocation: Revocation,
    status: RevocationStatus,
    on: date,
    unit: str,
    reference: str | None,
) -> Revocation:
    """Record the decision: approved revokes the examiner, rejected returns them to active."""
    approved = status == RevocationStatus.APPROVED
    revocation.status = status
    revocation.decided_on = on
    revocation.certifying_unit = unit.strip()
    revocation.decision_reference = (reference or "").strip() or None
    revocation.examiner.status = ExaminerStatus.REVOKED if approved else ExaminerStatus.ACTIVE
    session.flush()
    audit_examiner(
        session,
        "approve_revocation" if approved else "reject_revocation",
        revocation.examiner,
        revocation=revocation.id,
        certifying_unit=unit,
        reference=reference,
        decided_on=on,
    )
    return revocation


def suspend(session: Session, examiner: Examiner, on: date, reason: str) -> Examiner:
    """Take an active examiner off duty until reinstated."""
    refuse_if(reason_problem(reason), _status_problem(examiner, "suspend", ExaminerStatus.ACTIVE))
    examiner.status = ExaminerStatus.SUSPENDED
    session.flush()
    audit_examiner(session, "suspend_examiner", examiner, on=on, reason=reason)
    return examiner


@dataclass(frozen=True)
class Suspension:
    """Why and since when a suspended examiner is off duty, as recorded by `suspend`."""

    on: date
    reason: str
    actor: str | None


def suspension(session: Session, examiner: Examiner) -> Suspension | None:
    """The suspension in force for a suspended examiner (None for any other status)."""
    if examiner.status != ExaminerStatus.SUSPENDED:
        return None
    event = session.scalar(
        select(AuditEvent)
        .where(
            AuditEvent.action == "suspend_examiner",
            AuditEvent.institution_id == examiner.institution_id,
            AuditEvent.details["examiner"].as_integer() == examiner.id,
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    if event is None:  # suspended by other means (an import, a loaded data set)
        return None
    details = event.details
    return Suspension(date.fromisoformat(str(details["on"])), str(details["reason"]), event.actor)


def reinstate(session: Session, examiner: Examiner, on: date, reason: str) -> Examiner:
    """Return a suspended examiner to duty (never a revoked one)."""
    refuse_if(
        reason_problem(reason), _status_problem(examiner, "reinstate", ExaminerStatus.SUSPENDED)
    )
    examiner.status = ExaminerStatus.ACTIVE
    session.flush()
    audit_examiner(session, "reinstate_examiner", examiner, on=on, reason=reason)
    return examiner


def reason_problem(reason: str | None) -> Problem | None:
    """A problem when no reason is written."""
    return None if (reason or "").strip() else Problem.of(MESSAGES, "reason_required", "reason")


def _revoked_problem(examiner: Examiner) -> Problem | None:
    if examiner.status == ExaminerStatus.REVOKED:
        return Problem.of(MESSAGES, "revoked", "status", examiner=examiner.code)
    return None


def _status_problem(examiner: Examiner, action: str, wanted: ExaminerStatus) -> Problem | None:
    if examiner.status == wanted:
        return None
    status = STATUS_NAMES[examiner.status]
    return Problem.of(
        MESSAGES,
        "wrong_status",
        "status",
        examiner=examiner.code,
        status_zh=status["zh"],
        status_en=status["en"],
        action_zh=ACTIONS[action]["zh"],
        action_en=ACTIONS[action]["en"],
    )


def place_problem(examiner: Examiner, assessment: AssessmentSession | None) -> Problem | None:
    """A problem when the session belongs to another institution than the examiner."""
    if assessment is None or assessment.institution_id == examiner.institution_id:
        return None
    return Problem.of(
        MESSAGES, "other_institution", "session", session=assessment.code, examiner=examiner.code
    )


def refuse_if(*problems: Problem | None) -> None:
    """Raise `Refused` listing every problem given that is not None."""
    found = [p for p in problems if p is not None]
    if found:
        raise Refused(found)


def audit_examiner(session: Session, action: str, examiner: Examiner, **details: object) -> None:
    """Record an audit event about `examiner` in their institution."""
    audit(
        session,
        action,
        f"{examiner.code} {examiner.name}",
        examiner.institution_id,
        examiner=examiner.id,
        **details,
    )
