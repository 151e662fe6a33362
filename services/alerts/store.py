"""Alerts: what the scheduled jobs found, kept with a state (open / acknowledged / resolved).

A sweep hands `sync_alerts` everything it finds now for its kinds; each (kind, subject) has
at most one live alert (open or acknowledged): a finding seen again refreshes it, a new one
opens one, and a live alert whose condition has cleared is resolved. Acknowledging keeps an
alert visible without notifying again; resolving by hand says "dealt with" (if the condition
is still there, the next sweep opens a fresh alert).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Institution
from models.alerts import Alert, AlertKind, AlertState
from services.messages import Problem, Refused
from solver.messages import name, pick

LIVE = (AlertState.OPEN, AlertState.ACKNOWLEDGED)

MESSAGES = {
    "appointment_expiring": {
        "zh": "考评员 {name}（{code}）的聘期将于 {until} 届满（还有 {days} 天）",
        "en": "the appointment of {name} ({code}) ends on {until} ({days} days left)",
    },
    "appointment_expired": {
        "zh": "考评员 {name}（{code}）的聘期已于 {until} 届满，自次日起不能参加考评",
        "en": "the appointment of {name} ({code}) ended on {until}: not eligible since the day after",
    },
    "certificate_expiring": {
        "zh": "考评员 {name}（{code}）的考评证书 {number} 将于 {until} 到期（还有 {days} 天）",
        "en": "the certificate {number} of {name} ({code}) expires on {until} ({days} days left)",
    },
    "certificate_expired": {
        "zh": "考评员 {name}（{code}）的考评证书 {number} 已于 {until} 到期，自次日起不能参加考评",
        "en": "the certificate {number} of {name} ({code}) was valid until {until}: not eligible since",
    },
    "revocation_pending": {
        "zh": "考评员 {name}（{code}）的取消资格申请（{requested_on} 提出）待发证单位审批",
        "en": "the revocation of {name} ({code}), requested on {requested_on}, awaits the certifying unit",
    },
    "data_unconfirmed": {
        "zh": "考评员 {name}（{code}）的联系方式和资格信息自 {since} 起未确认（超过一年）",
        "en": "the contact and qualification data of {name} ({code}) unconfirmed since {since} (over a year)",
    },
    "data_never_confirmed": {
        "zh": "考评员 {name}（{code}）的联系方式和资格信息从未确认",
        "en": "the contact and qualification data of {name} ({code}) has never been confirmed",
    },
    "plan_invalid": {
        "zh": "已发布方案 v{version} 不再符合规则：{count} 项问题，涉及场次 {sessions}",
        "en": "published plan v{version} no longer passes (findings: {count}) in sessions {sessions}",
    },
    "unknown_alert": {"zh": "没有编号为 {id} 的提醒", "en": "no alert with id {id}"},
}
STATE_NAMES: dict[str, dict[str, str]] = {
    AlertState.OPEN: {"zh": "未处理", "en": "open"},
    AlertState.ACKNOWLEDGED: {"zh": "已知悉", "en": "acknowledged"},
    AlertState.RESOLVED: {"zh": "已解决", "en": "resolved"},
}


def live_key(kind: AlertKind, subject_id: int) -> str:
    """The key that keeps one live alert per (kind, subject)."""
    return f"{kind.value}:{subject_id}"


def sync_alerts(
    db: Session,
    institution: Institution,
    kinds: Iterable[AlertKind],
    found: Mapping[tuple[AlertKind, int], dict[str, Any]],
    now: datetime,
) -> list[Alert]:
    """Make the live alerts of `kinds` match `found` ((kind, subject) -> params); the new ones."""
    kinds = list(kinds)
    live = {
        (a.kind, a.subject_id): a
        for a in db.scalars(
            select(Alert).where(
                Alert.institution_id == institution.id,
                Alert.kind.in_(kinds),
                Alert.state.in_(LIVE),
            )
        )
    }
    opened = []
    for (kind, subject), params in found.items():
        alert = live.pop((kind, subject), None)
        if alert is None:
            alert = Alert(
                institution_id=institution.id,
                kind=kind,
                subject_id=subject,
                live_key=live_key(kind, subject),
                state=AlertState.OPEN,
                first_seen=now,
            )
            db.add(alert)
            opened.append(alert)
        alert.params, alert.last_seen = params, now
    for alert in live.values():  # the condition has cleared
        _close(alert, now)
    db.flush()
    return opened


def _close(alert: Alert, now: datetime) -> None:
    alert.state, alert.resolved_at, alert.live_key = AlertState.RESOLVED, now, None


def list_alerts(
    db: Session, institution: Institution, include_resolved: bool = False
) -> list[Alert]:
    """The institution's live alerts (all of them with `include_resolved`), oldest first."""
    query = select(Alert).where(Alert.institution_id == institution.id)
    if not include_resolved:
        query = query.where(Alert.state.in_(LIVE))
    return list(db.scalars(query.order_by(Alert.first_seen, Alert.id)))


def acknowledge(db: Session, institution: Institution, alert_id: int, now: datetime) -> Alert:
    """Mark a live alert as seen by the session's actor (it stays until its condition clears)."""
    alert = _find(db, institution, alert_id)
    if alert.state == AlertState.OPEN:
        alert.state, alert.acknowledged_at = AlertState.ACKNOWLEDGED, now
        alert.acknowledged_by = db.info.get("actor")
        db.flush()
    return alert


def resolve(db: Session, institution: Institution, alert_id: int, now: datetime) -> Alert:
    """Close an alert by hand (a later sweep reopens it if the condition is still there)."""
    alert = _find(db, institution, alert_id)
    if alert.state != AlertState.RESOLVED:
        _close(alert, now)
        db.flush()
    return alert


def settle_many(
    db: Session, institution: Institution, alert_ids: list[int], action: str, now: datetime
) -> int:
    """Acknowledge or resolve several alerts at once: all of them, or none when one is not
    the institution's; how many were given."""
    alerts = [_find(db, institution, ident) for ident in dict.fromkeys(alert_ids)]
    change = acknowledge if action == "acknowledge" else resolve
    for alert in alerts:
        change(db, institution, alert.id, now)
    return len(alerts)


def _find(db: Session, institution: Institution, alert_id: int) -> Alert:
    alert = db.get(Alert, alert_id)
    if alert is None or alert.institution_id != institution.id:
        raise Refused([Problem.of(MESSAGES, "unknown_alert", "alert", id=alert_id)])
    return alert


@dataclass(frozen=True)
class AlertLine:
    """An alert as a planner reads it."""

    id: int
    kind: str
    state: str
    text: str
    details: list[str]
    examiner: str | None = None  # the examiner's code, when the alert is about one


def describe(alert: Alert, lang: str = "zh") -> AlertLine:
    """The alert's sentence, and for a plan the findings and the seats they affect."""
    key = alert.kind.value
    if alert.kind == AlertKind.DATA_UNCONFIRMED and alert.params.get("since") is None:
        key = "data_never_confirmed"
    params = {k: "" if v is None else v for k, v in alert.params.items()}
    if alert.kind == AlertKind.PLAN_INVALID:
        params["sessions"] = "、".join(alert.params["sessions"]) or "-"
        params["count"] = len(alert.params["findings"])
    text = pick(MESSAGES[key], lang).format(**params)
    details = [pick(f["text"], lang) for f in alert.params.get("findings", ())]
    state = name(STATE_NAMES, alert.state, lang)
    return AlertLine(alert.id, key, state, text, details, alert.params.get("code"))
