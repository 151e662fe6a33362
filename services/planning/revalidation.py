"""Published-plan revalidation: does every published plan still pass, now that data changed?

Examiner data moves on after publishing (a status change, an appointment or certificate
ending, a conflict declared, a warning, a leave). When the change history holds rows newer
than the watermark of the last run, every published plan with sessions from `today` on is
re-checked against the instance built now (`services.planning.publishing.recheck`, the very check
publishing makes, restricted to the plan's own sessions still to come). A plan that no
longer passes gets a `plan_invalid` alert listing the findings (rule, session, examiner, in
both languages) and the affected seats (session, examiner, rule), which are the what-if
flow's withdrawals. The alert resolves itself when the plan passes again or is no longer
the published one (superseded by a new version).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Change, Institution, Plan
from models.alerts import Alert, AlertKind
from models.base import PlanStatus
from services.alerts.store import sync_alerts
from services.institution.scheduler_state import mark
from services.messages import Refused
from services.planning.publishing import recheck
from solver.schema import Diagnostic

WATERMARK = "revalidation"


def revalidate(db: Session, today: date, now: datetime, force: bool = False) -> list[Alert]:
    """Re-check the published plans if anything changed since the last run; the new alerts."""
    state = mark(db, WATERMARK)
    latest = db.scalar(select(func.max(Change.id))) or 0
    if not force and state.position is not None and latest <= state.position:
        return []
    opened = []
    for institution in db.scalars(select(Institution).order_by(Institution.id)):
        opened += revalidate_institution(db, institution, today, now)
    state.position = latest
    db.flush()
    return opened


def revalidate_institution(
    db: Session, institution: Institution, today: date, now: datetime
) -> list[Alert]:
    """Re-check one institution's published plans with sessions from `today` on."""
    plans = db.scalars(
        select(Plan)
        .where(
            Plan.institution_id == institution.id,
            Plan.status == PlanStatus.PUBLISHED,
            Plan.date_to >= today,
        )
        .order_by(Plan.version)
    ).all()
    found = {}
    for plan in plans:
        findings = _findings(db, institution, plan, today)
        if findings:
            found[AlertKind.PLAN_INVALID, plan.id] = alert_params(plan, findings)
    return sync_alerts(db, institution, [AlertKind.PLAN_INVALID], found, now)


def _findings(
    db: Session, institution: Institution, plan: Plan, today: date
) -> list[tuple[Diagnostic, Diagnostic]]:
    try:
        return recheck(db, institution, plan, since=today)
    except Refused as refused:  # the instance built now is invalid: say why, do not crash
        zh, en = refused.lines("zh"), refused.lines("en")
        return [
            (Diagnostic(rule="INPUT", message=z), Diagnostic(rule="INPUT", message=e))
            for z, e in zip(zh, en, strict=False)
        ]


def alert_params(plan: Plan, findings: list[tuple[Diagnostic, Diagnostic]]) -> dict[str, Any]:
    """What a `plan_invalid` alert shows: the findings, their sessions and the seats hit."""
    seats = sorted(
        {(z.session, z.examiner, z.rule) for z, _ in findings if z.session and z.examiner}
    )
    return {
        "version": plan.version,
        "sessions": sorted({z.session for z, _ in findings if z.session}),
        "findings": [
            {
                "rule": z.rule,
                "session": z.session,
                "examiner": z.examiner,
                "text": {"zh": z.line(), "en": e.line()},
            }
            for z, e in findings
        ],
        "seats": [{"session": s, "examiner": e, "rule": r} for s, e, r in seats],
    }
