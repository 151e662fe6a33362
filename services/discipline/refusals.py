"""Refusals to serve (R5): recorded; each one without a valid reason is offered as a warning.

An offer stays open until an administrator issues the warning (`warn_for_refusal`, which
may open a revocation request like any warning) or dismisses it (`dismiss_offer`).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AssessmentSession, Examiner, ExaminerWarning, Institution, Refusal
from services.discipline.actions import (
    audit_examiner,
    place_problem,
    reason_problem,
    refuse_if,
    warn,
)
from services.messages import Problem

MESSAGES = {
    "offer_closed": {
        "zh": "这次拒绝参加考评已处理（已警告或已决定不警告）",
        "en": "this refusal to serve has already been dealt with (warned or dismissed)",
    },
    "offer_valid": {
        "zh": "这次拒绝有正当理由，不作警告",
        "en": "this refusal had a valid reason: no warning applies",
    },
}


def record_refusal(
    session: Session,
    examiner: Examiner,
    refused_on: date,
    reason: str | None = None,
    *,
    valid_reason: bool = False,
    assessment: AssessmentSession | None = None,
) -> Refusal:
    """Record a refusal to serve; one without a valid reason becomes a warning offer."""
    stated = (reason or "").strip() or None
    refuse_if(
        reason_problem(stated) if valid_reason else None,
        place_problem(examiner, assessment),
    )
    refusal = Refusal(
        examiner_id=examiner.id,
        session_id=assessment.id if assessment else None,
        refused_on=refused_on,
        reason=stated,
        valid_reason=valid_reason,
    )
    session.add(refusal)
    session.flush()
    return refusal


def warning_offers(session: Session, institution: Institution) -> list[Refusal]:
    """Refusals without a valid reason still waiting for a warning or a dismissal."""
    return list(
        session.scalars(
            select(Refusal)
            .join(Examiner, Examiner.id == Refusal.examiner_id)
            .where(
                Examiner.institution_id == institution.id,
                Refusal.valid_reason.is_(False),
                Refusal.warning_id.is_(None),
                Refusal.dismissed.is_(False),
            )
            .order_by(Refusal.refused_on, Refusal.id)
        )
    )


def warn_for_refusal(
    session: Session,
    refusal: Refusal,
    issued_on: date,
    *,
    issued_by: str | None = None,
    serious: bool = False,
) -> ExaminerWarning:
    """Turn an offered refusal into a warning, linked to it."""
    refuse_if(_offer_problem(refusal))
    assessment = session.get(AssessmentSession, refusal.session_id) if refusal.session_id else None
    where = f"（场次 {assessment.code}）" if assessment else ""
    reason = f"无正当理由拒绝参加考评{where}：{refusal.reason or '未说明理由'}"
    warning = warn(
        session,
        refusal.examiner,
        issued_on,
        reason,
        serious=serious,
        assessment=assessment,
        issued_by=issued_by,
    )
    refusal.warning_id = warning.id
    session.flush()
    return warning


def dismiss_offer(session: Session, refusal: Refusal, by: str | None = None) -> Refusal:
    """Decide not to warn for this refusal (it leaves the list of offers)."""
    refuse_if(_offer_problem(refusal))
    refusal.dismissed = True
    session.flush()
    audit_examiner(session, "dismiss_warning_offer", refusal.examiner, refusal=refusal.id, by=by)
    return refusal


def _offer_problem(refusal: Refusal) -> Problem | None:
    if refusal.valid_reason:
        return Problem.of(MESSAGES, "offer_valid", "reason")
    if refusal.warning_id is not None or refusal.dismissed:
        return Problem.of(MESSAGES, "offer_closed", "status")
    return None
