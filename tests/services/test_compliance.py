"""The daily sweep finds exactly the right records for a given day, and its alerts live and die
with their conditions (services/alerts/compliance.py, services/alerts/store.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from models import Appointment, Change, Examiner, Qualification, Revocation
from models.alerts import Alert, AlertKind, AlertState
from models.base import ExaminerStatus
from models.discipline import RevocationStatus
from services.alerts.compliance import confirm_examiner, cover_end, sweep
from services.alerts.store import acknowledge, describe, list_alerts, resolve
from services.messages import Refused

TODAY = date(2026, 3, 1)
NOW = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
LONG_AGO = datetime(2024, 6, 1, tzinfo=UTC)


def found(db, inst, kind: AlertKind) -> dict[str, dict]:
    """Live alerts of `kind`: examiner code (or revocation grounds) -> params."""
    return {a.params["code"]: a.params for a in list_alerts(db, inst) if a.kind == kind}


def ending(make, inst, end: date, start: date = date(2025, 1, 1), **kw) -> Examiner:
    return make.examiner(inst, term=(start, end), **kw)


def certified(make, inst, valid_until: date, **kw) -> Examiner:
    examiner = make.examiner(inst, **kw)
    examiner.certificates[0].valid_until = valid_until
    make.db.flush()
    return examiner


def backdate(db, when: datetime) -> None:
    """Make every examiner and recorded change so far as old as `when`."""
    db.execute(update(Change).values(at=when))
    db.execute(update(Examiner).values(created_at=when))
    db.expire_all()


def test_cover_end_joins_back_to_back_periods_and_ignores_the_future():
    d = date
    assert cover_end([], TODAY) is None
    assert cover_end([(d(2026, 4, 1), d(2027, 1, 1))], TODAY) is None
    assert cover_end([(d(2025, 1, 1), d(2026, 2, 28)), (d(2026, 3, 1), d(2027, 1, 1))], TODAY) == d(
        2027, 1, 1
    )
    assert cover_end([(d(2025, 1, 1), d(2026, 2, 27)), (d(2026, 3, 2), d(2027, 1, 1))], TODAY) == d(
        2026, 2, 27
    )
    assert cover_end(
        [(d(2024, 1, 1), d(2024, 12, 31)), (d(2025, 1, 5), d(2025, 6, 1))], TODAY
    ) == d(2025, 6, 1)


def test_appointments_expiring_within_60_days_and_expired(db, make):
    inst = make.institution()
    at_60 = ending(make, inst, TODAY + timedelta(days=60))
    ending(make, inst, TODAY + timedelta(days=61))
    last_day = ending(make, inst, TODAY)
    ended = ending(make, inst, TODAY - timedelta(days=1))
    renewed = ending(make, inst, TODAY - timedelta(days=1))
    make.db.add(Appointment(examiner_id=renewed.id, start=TODAY, end=date(2028, 12, 31)))
    ending(make, inst, TODAY - timedelta(days=30), status=ExaminerStatus.REVOKED)
    ending(make, inst, date(2029, 1, 1), start=TODAY + timedelta(days=10))  # not begun: no alert
    sweep(db, inst, TODAY, NOW)
    expiring = found(db, inst, AlertKind.APPOINTMENT_EXPIRING)
    assert set(expiring) == {at_60.code, last_day.code}
    assert expiring[at_60.code]["days"] == 60 and expiring[last_day.code]["days"] == 0
    expired = found(db, inst, AlertKind.APPOINTMENT_EXPIRED)
    assert set(expired) == {ended.code}
    assert expired[ended.code]["until"] == "2026-02-28"


def test_certificates_expiring_within_60_days_and_expired(db, make):
    inst = make.institution()
    at_60 = certified(make, inst, TODAY + timedelta(days=60))
    certified(make, inst, TODAY + timedelta(days=61))
    last_day = certified(make, inst, TODAY)
    lapsed = certified(make, inst, TODAY - timedelta(days=1))
    sweep(db, inst, TODAY, NOW)
    expiring = found(db, inst, AlertKind.CERTIFICATE_EXPIRING)
    assert set(expiring) == {at_60.code, last_day.code}
    assert expiring[at_60.code]["number"] == at_60.certificates[0].number
    assert set(found(db, inst, AlertKind.CERTIFICATE_EXPIRED)) == {lapsed.code}
    zh = describe(list_alerts(db, inst)[-1], "zh").text
    assert lapsed.code in zh and "2026-02-28" in zh and "到期" in zh


def test_an_alert_stays_single_is_acknowledged_and_resolves_when_its_condition_clears(db, make):
    inst = make.institution()
    person = ending(make, inst, TODAY + timedelta(days=10))
    first = sweep(db, inst, TODAY, NOW)
    assert [a.kind for a in first] == [AlertKind.APPOINTMENT_EXPIRING]
    later = NOW + timedelta(days=1)
    assert sweep(db, inst, TODAY + timedelta(days=1), later) == []
    alerts = db.scalars(select(Alert).where(Alert.institution_id == inst.id)).all()
    assert len(alerts) == 1 and alerts[0].params["days"] == 9
    assert alerts[0].last_seen == later and alerts[0].first_seen == NOW
    acknowledge(db, inst, alerts[0].id, later)
    sweep(db, inst, TODAY + timedelta(days=2), later)
    assert alerts[0].state == AlertState.ACKNOWLEDGED and alerts[0].acknowledged_by == "tester"
    person.appointments[0].end = date(2028, 12, 31)  # renewed
    db.flush()
    sweep(db, inst, TODAY + timedelta(days=3), later)
    assert alerts[0].state == AlertState.RESOLVED and alerts[0].resolved_at == later
    assert list_alerts(db, inst) == [] and list_alerts(db, inst, include_resolved=True) == alerts


def test_an_expiring_alert_becomes_an_expired_one_after_the_last_day(db, make):
    inst = make.institution()
    person = ending(make, inst, TODAY)
    sweep(db, inst, TODAY, NOW)
    sweep(db, inst, TODAY + timedelta(days=1), NOW)
    states = {
        a.kind: a.state
        for a in list_alerts(db, inst, include_resolved=True)
        if a.subject_id == person.id
    }
    assert states == {
        AlertKind.APPOINTMENT_EXPIRING: AlertState.RESOLVED,
        AlertKind.APPOINTMENT_EXPIRED: AlertState.OPEN,
    }


def test_resolving_by_hand_reopens_when_the_condition_is_still_there(db, make):
    inst = make.institution()
    ending(make, inst, TODAY - timedelta(days=3))
    (alert,) = sweep(db, inst, TODAY, NOW)
    resolve(db, inst, alert.id, NOW)
    assert alert.state == AlertState.RESOLVED and alert.live_key is None
    (again,) = sweep(db, inst, TODAY, NOW)
    assert again.id != alert.id and again.kind == AlertKind.APPOINTMENT_EXPIRED
    with pytest.raises(Refused) as refused:
        acknowledge(db, inst, 10**9, NOW)
    assert "没有编号为" in refused.value.lines("zh")[0]


def test_pending_revocations_until_decided(db, make):
    inst = make.institution()
    waiting, decided = make.examiner(inst), make.examiner(inst)
    pending = Revocation(examiner_id=waiting.id, requested_on=date(2026, 2, 1), grounds="两次警告")
    db.add_all(
        [
            pending,
            Revocation(
                examiner_id=decided.id,
                requested_on=date(2026, 1, 1),
                grounds="情节严重",
                status=RevocationStatus.APPROVED,
            ),
        ]
    )
    db.flush()
    sweep(db, inst, TODAY, NOW)
    alerts = [a for a in list_alerts(db, inst) if a.kind == AlertKind.REVOCATION_PENDING]
    assert [(a.subject_id, a.params["code"]) for a in alerts] == [(pending.id, waiting.code)]
    assert "2026-02-01" in describe(alerts[0], "en").text
    pending.status = RevocationStatus.REJECTED
    db.flush()
    sweep(db, inst, TODAY, NOW)
    assert alerts[0].state == AlertState.RESOLVED


def test_data_unconfirmed_for_a_year(db, make):
    inst = make.institution()
    occ = make.occupation()
    today = date(2026, 6, 1)
    never, exactly_a_year, a_day_less, edited, qualified = (make.examiner(inst) for _ in range(5))
    exactly_a_year.data_confirmed_on = date(2025, 6, 1)
    a_day_less.data_confirmed_on = date(2025, 6, 2)
    db.flush()
    backdate(db, LONG_AGO)
    make.examiner(inst)  # entered just now (after `today`'s cutoff): as good as confirmed
    last = db.scalar(select(func.max(Change.id)))
    edited.phone = "13900001111"  # contact data edited: confirmed by the editor
    edited.leader_eligible = False
    db.add(Qualification(examiner_id=qualified.id, occupation_id=occ.id, top_level=3))
    db.flush()
    recent = datetime(2026, 5, 1, tzinfo=UTC)
    db.execute(update(Change).where(Change.id > last).values(at=recent))
    sweep(db, inst, today, NOW)
    unconfirmed = found(db, inst, AlertKind.DATA_UNCONFIRMED)
    assert set(unconfirmed) == {never.code, exactly_a_year.code}
    assert unconfirmed[never.code]["since"] is None
    assert unconfirmed[exactly_a_year.code]["since"] == "2025-06-01"
    never_alert = next(a for a in list_alerts(db, inst) if a.params["code"] == never.code)
    assert "从未确认" in describe(never_alert, "zh").text


def test_a_status_edit_alone_does_not_confirm_the_data(db, make):
    inst = make.institution()
    person = make.examiner(inst)
    backdate(db, LONG_AGO)
    person.leader_eligible = False
    person.status = ExaminerStatus.SUSPENDED
    db.flush()
    sweep(db, inst, date(2026, 6, 1), NOW)
    assert set(found(db, inst, AlertKind.DATA_UNCONFIRMED)) == {person.code}


def test_confirming_resolves_the_alert_and_is_recorded(db, make):
    inst = make.institution()
    person = make.examiner(inst)
    backdate(db, LONG_AGO)
    today = date(2026, 6, 1)
    (alert,) = sweep(db, inst, today, NOW)
    confirm_examiner(db, inst, person.code, today)
    sweep(db, inst, today, NOW)
    assert person.data_confirmed_on == today and alert.state == AlertState.RESOLVED
    change = db.scalars(
        select(Change).where(Change.examiner_id == person.id).order_by(Change.id.desc())
    ).first()
    assert change is not None and change.actor == "tester"
    assert change.changes == {"data_confirmed_on": [None, "2026-06-01"]}
    with pytest.raises(Refused) as refused:
        confirm_examiner(db, inst, "NOPE", today)
    assert "NOPE" in refused.value.lines("en")[0]
