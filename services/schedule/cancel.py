"""Cancel a session, saying why, and restore it (`services.schedule.sessions` for the rest).

The session table has no place for a reason, so the reason lives in the `cancel_session`
audit event, which the session page reads back (`cancellation`). A held session is neither
cancelled nor restored. A cancelled session keeps its panel in force on record: no plan or
instance counts it while it is cancelled, and restoring it brings the panel back, which the
published-plan revalidation then re-checks (the status change is in the change history).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AssessmentSession, AuditEvent, audit
from models.base import SessionStatus, local_time
from services.messages import Problem, Refused
from services.schedule.changes import plain, record_change
from services.schedule.sessions import Saved, refuse_held, staffing_plans

REASON_LENGTH = 200  # a cancellation's reason, kept in its audit event
MESSAGES = {
    "no_reason": {"zh": "请写明取消原因", "en": "say why the session is cancelled"},
    "reason_length": {
        "zh": "原因最多 {most} 个字（现为 {length} 个）",
        "en": "the reason is at most {most} characters long (this one has {length})",
    },
    "already_cancelled": {"zh": "场次 {code} 已取消", "en": "session {code} is already cancelled"},
    "not_cancelled": {
        "zh": "场次 {code} 未取消，无需恢复",
        "en": "session {code} is not cancelled: there is nothing to restore",
    },
}


@dataclass(frozen=True)
class Cancellation:
    """Who cancelled a session, when (the institutions' time), and why (its audit event)."""

    at: datetime
    actor: str | None
    reason: str


def cancel_session(db: Session, stored: AssessmentSession, reason: str) -> Saved:
    """Cancel a planned session, saying why; its panel in force stays on record."""
    refuse_held(stored)
    reason = reason.strip()
    problems = []
    if stored.status == SessionStatus.CANCELLED:
        problems.append(Problem.of(MESSAGES, "already_cancelled", "status", code=stored.code))
    if not reason:
        problems.append(Problem.of(MESSAGES, "no_reason", "reason"))
    elif len(reason) > REASON_LENGTH:
        problems.append(Problem.of(MESSAGES, "reason_length", "reason", most=REASON_LENGTH,
                                   length=len(reason)))  # fmt: skip
    if problems:
        raise Refused(problems)
    _set_status(db, stored, SessionStatus.CANCELLED)
    plans = staffing_plans(db, stored)
    audit(db, "cancel_session", stored.code, stored.institution_id, reason=reason,
          plans=[f"v{v}" for v in plans])  # fmt: skip
    return Saved(stored, "cancelled", plans)


def restore_session(db: Session, stored: AssessmentSession) -> Saved:
    """Plan a cancelled session again; its panel in force (if any) counts again."""
    refuse_held(stored)
    if stored.status != SessionStatus.CANCELLED:
        raise Refused([Problem.of(MESSAGES, "not_cancelled", "status", code=stored.code)])
    _set_status(db, stored, SessionStatus.PLANNED)
    plans = staffing_plans(db, stored)
    audit(db, "restore_session", stored.code, stored.institution_id,
          plans=[f"v{v}" for v in plans])  # fmt: skip
    return Saved(stored, "restored", plans)


def _set_status(db: Session, stored: AssessmentSession, status: SessionStatus) -> None:
    changes = {"status": [plain(stored.status), plain(status)]}
    stored.status = status
    record_change(db, stored, "update", changes)


def cancellation(db: Session, stored: AssessmentSession) -> Cancellation | None:
    """Who cancelled the session and why (None unless it is cancelled)."""
    if stored.status != SessionStatus.CANCELLED:
        return None
    event = db.scalar(
        select(AuditEvent)
        .where(
            AuditEvent.institution_id == stored.institution_id,
            AuditEvent.action == "cancel_session",
            AuditEvent.subject == stored.code,
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    if event is None:  # cancelled by other means (a loaded data set)
        return None
    return Cancellation(local_time(event.at), event.actor, str(event.details.get("reason", "")))
