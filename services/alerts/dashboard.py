"""What needs attention, gathered for the dashboard: unstaffed sessions, appointments and
certificates running out, revocations awaiting the certifying unit, the live alerts (among
them published plans a later change invalidated), examiners who declined a notice (while the
declined seats are still theirs) and whether the scheduler runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, selectinload

from models import AssessmentSession, Examiner, Institution, PanelSeat, Revocation
from models.alerts import AlertKind, AlertState
from models.base import ExaminerStatus, SessionStatus
from services.alerts import compliance
from services.alerts.store import AlertLine, describe, list_alerts
from services.discipline.actions import pending_revocations
from services.institution.scheduler_state import scheduler_alive
from services.notices.queries import Decline, declines

UNSTAFFED_WEEKS = 6  # how far ahead a session without a panel needs planning now
SHOWN = 50  # rows of a long list on the dashboard (the rest one link away)
EXPIRY_KINDS = {
    AlertKind.APPOINTMENT_EXPIRING: "appointment",
    AlertKind.APPOINTMENT_EXPIRED: "appointment",
    AlertKind.CERTIFICATE_EXPIRING: "certificate",
    AlertKind.CERTIFICATE_EXPIRED: "certificate",
}


@dataclass(frozen=True)
class Expiry:
    """An appointment or certificate that ends within the warning window (or has ended)."""

    what: str  # appointment / certificate
    code: str
    name: str
    until: str
    days: int
    number: str | None = None


@dataclass
class Attention:
    """Everything the dashboard shows."""

    scheduler_alive: bool
    unstaffed: list[AssessmentSession] = field(default_factory=list)
    expiring: list[Expiry] = field(default_factory=list)
    revocations: list[Revocation] = field(default_factory=list)
    invalid_plans: list[AlertLine] = field(default_factory=list)
    alerts: list[AlertLine] = field(default_factory=list)
    open_ids: set[int] = field(default_factory=set)  # alerts not yet acknowledged
    declines: list[Decline] = field(default_factory=list)  # examiners who cannot take part


def attention(
    db: Session, institution: Institution, today: date, now: datetime, lang: str
) -> Attention:
    """Gather what needs attention at `today` (`now` for the scheduler's heartbeat)."""
    live = list_alerts(db, institution)
    lines = [describe(alert, lang) for alert in live]
    return Attention(
        scheduler_alive=scheduler_alive(db, now),
        unstaffed=unstaffed_sessions(db, institution, today),
        expiring=expiring(db, institution, today),
        revocations=pending_revocations(db, institution),
        invalid_plans=[line for line in lines if line.kind == AlertKind.PLAN_INVALID.value],
        alerts=[line for line in lines if line.kind != AlertKind.PLAN_INVALID.value],
        open_ids={alert.id for alert in live if alert.state == AlertState.OPEN},
        declines=declines(db, institution, today),
    )


def unstaffed_sessions(
    db: Session, institution: Institution, today: date, weeks: int = UNSTAFFED_WEEKS
) -> list[AssessmentSession]:
    """Planned sessions from today to `weeks` ahead with no panel in force."""
    first = datetime.combine(today, datetime.min.time())
    return list(
        db.scalars(
            select(AssessmentSession)
            .where(
                AssessmentSession.institution_id == institution.id,
                AssessmentSession.status == SessionStatus.PLANNED,
                AssessmentSession.start >= first,
                AssessmentSession.start < first + timedelta(weeks=weeks),
                ~exists().where(PanelSeat.session_id == AssessmentSession.id),
            )
            .options(selectinload(AssessmentSession.venue))
            .options(selectinload(AssessmentSession.occupation))
            .order_by(AssessmentSession.start, AssessmentSession.code)
        )
    )


def expiring(db: Session, institution: Institution, today: date) -> list[Expiry]:
    """Appointments and certificates ending within compliance.WARN_DAYS, computed now (the
    same rule as the daily sweep, so the list is right even before the scheduler ran)."""
    people = {
        row.id: row
        for row in db.execute(
            select(Examiner.id, Examiner.code, Examiner.name).where(
                Examiner.institution_id == institution.id,
                Examiner.status != ExaminerStatus.REVOKED,
            )
        )
    }
    found: dict[tuple[AlertKind, int], dict[str, Any]] = {}
    found |= compliance.expiring_appointments(db, people, today)
    found |= compliance.expiring_certificates(db, people, today)
    items = [
        Expiry(EXPIRY_KINDS[kind], p["code"], p["name"], p["until"], p["days"], p.get("number"))
        for (kind, _), p in found.items()
    ]
    return sorted(items, key=lambda e: (e.until, e.code, e.what))
