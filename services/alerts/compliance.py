"""The daily compliance sweep (R1, R2, R5): what the passing of time asks of the institution.

For a given `today` (the job passes the date in Asia/Shanghai; tests pass any date):

- appointments (聘约) and certificates (考评证书) ending within `WARN_DAYS` days (the last
  valid day itself included), and those already ended: an examiner whose appointment or
  certificate ended on day D is no longer eligible from D + 1 on — the instance builder and
  the checker (H3) already treat the stored end dates as the last valid days;
- revocations still pending the certifying unit's approval;
- examiners whose contact or qualification data nobody has confirmed for a year (R1's
  "update promptly", `confirm_examiner`).

Back-to-back terms and renewals issued before the old certificate lapsed join up: only the
end of the cover that contains today (else the last one before today) counts. Revoked
examiners are left alone. Findings become alerts (`services.alerts.store.sync_alerts`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Appointment, Certificate, Change, Examiner, Institution
from models.alerts import Alert, AlertKind
from models.base import ExaminerStatus
from services.alerts.store import sync_alerts
from services.discipline import actions as discipline
from services.messages import Problem, Refused

WARN_DAYS = 60
ONE_DAY = timedelta(days=1)
# Editing these examiner fields, or any qualification or certificate row, confirms the data
# as much as an explicit confirmation does: someone had the record in hand and changed it.
CONFIRMING_FIELDS = frozenset(
    {
        "name", "phone", "organization_id", "title", "education", "vocational_certificate",
        "work_history", "grade", "document_type", "document_number", "data_confirmed_on",
    }
)  # fmt: skip
CONFIRMING_TABLES = frozenset({"qualifications", "certificates"})
SWEEP_KINDS = (
    AlertKind.APPOINTMENT_EXPIRING,
    AlertKind.APPOINTMENT_EXPIRED,
    AlertKind.CERTIFICATE_EXPIRING,
    AlertKind.CERTIFICATE_EXPIRED,
    AlertKind.REVOCATION_PENDING,
    AlertKind.DATA_UNCONFIRMED,
)

MESSAGES = {
    "unknown_examiner": {"zh": "没有编号为 {code} 的考评员", "en": "no examiner with code {code}"},
}

Found = dict[tuple[AlertKind, int], dict[str, Any]]


def sweep(db: Session, institution: Institution, today: date, now: datetime) -> list[Alert]:
    """Run every daily check for `today`; store the findings as alerts, return the new ones."""
    people = _examiners(db, institution)
    found: Found = {}
    found |= expiring_appointments(db, people, today)
    found |= expiring_certificates(db, people, today)
    found |= pending_revocations(db, institution)
    found |= unconfirmed_examiners(db, people, today)
    return sync_alerts(db, institution, SWEEP_KINDS, found, now)


def _examiners(db: Session, institution: Institution) -> dict[int, Any]:
    """The institution's examiners that can still serve some day (not revoked), by id."""
    rows = db.execute(
        select(Examiner.id, Examiner.code, Examiner.name, Examiner.created_at,
               Examiner.data_confirmed_on)
        .where(Examiner.institution_id == institution.id,
               Examiner.status != ExaminerStatus.REVOKED)
    ).all()  # fmt: skip
    return {r.id: r for r in rows}


def cover_end(periods: Iterable[tuple[date, date]], today: date) -> date | None:
    """The last day of the joined-up cover containing `today`, else of the last one before it.

    Periods are inclusive (start, end); one starting the day after another ends joins it.
    None when every period starts after today (nothing has begun yet) or there is none.
    """
    end = None
    for start, stop in sorted(periods):
        if start > today and (end is None or start > end + ONE_DAY):
            break  # a future cover, not joined to the current one
        end = stop if end is None or start > end + ONE_DAY else max(end, stop)
    return end


def _expiry(
    rows: dict[int, list[tuple[date, date]]], people: dict[int, Any], today: date
) -> dict[int, tuple[date, bool]]:
    """Examiner id -> (last valid day, already ended) for covers ending within WARN_DAYS."""
    out = {}
    for examiner_id, periods in rows.items():
        end = cover_end(periods, today)
        if examiner_id in people and end is not None and end <= today + timedelta(WARN_DAYS):
            out[examiner_id] = (end, end < today)
    return out


def _who(person: Any) -> dict[str, Any]:
    return {"code": person.code, "name": person.name}


def expiring_appointments(db: Session, people: dict[int, Any], today: date) -> Found:
    """Appointments ending within WARN_DAYS days of `today`, or ended before it."""
    rows: dict[int, list[tuple[date, date]]] = defaultdict(list)
    query = select(Appointment.examiner_id, Appointment.start, Appointment.end)
    for r in db.execute(query.where(Appointment.examiner_id.in_(people))):
        rows[r.examiner_id].append((r.start, r.end))
    found: Found = {}
    for eid, (end, ended) in _expiry(rows, people, today).items():
        kind = AlertKind.APPOINTMENT_EXPIRED if ended else AlertKind.APPOINTMENT_EXPIRING
        found[kind, eid] = {
            **_who(people[eid]),
            "until": end.isoformat(),
            "days": (end - today).days,
        }
    return found


def expiring_certificates(db: Session, people: dict[int, Any], today: date) -> Found:
    """Certificates whose cover ends within WARN_DAYS days of `today`, or ended before it."""
    rows: dict[int, list[tuple[date, date]]] = defaultdict(list)
    numbers: dict[tuple[int, date], str] = {}
    query = select(
        Certificate.examiner_id, Certificate.issue_date, Certificate.valid_until, Certificate.number
    )
    for r in db.execute(query.where(Certificate.examiner_id.in_(people))):
        rows[r.examiner_id].append((r.issue_date, r.valid_until))
        numbers[r.examiner_id, r.valid_until] = r.number
    found: Found = {}
    for eid, (end, ended) in _expiry(rows, people, today).items():
        kind = AlertKind.CERTIFICATE_EXPIRED if ended else AlertKind.CERTIFICATE_EXPIRING
        found[kind, eid] = {
            **_who(people[eid]),
            "number": numbers[eid, end],
            "until": end.isoformat(),
            "days": (end - today).days,
        }
    return found


def pending_revocations(db: Session, institution: Institution) -> Found:
    """Revocations of the institution's examiners still awaiting the certifying unit."""
    return {
        (AlertKind.REVOCATION_PENDING, r.id): {
            **_who(r.examiner),
            "requested_on": r.requested_on.isoformat(),
        }
        for r in discipline.pending_revocations(db, institution)
    }


def _one_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def unconfirmed_examiners(db: Session, people: dict[int, Any], today: date) -> Found:
    """Examiners whose data was last confirmed (or entered, or edited) a year ago or more."""
    cutoff = _one_year_before(today)  # confirmed on `cutoff` or earlier: a year has passed
    recent = _recently_edited(db, people, cutoff)
    found: Found = {}
    for eid, person in people.items():
        entered = _day(person.created_at)
        confirmed = person.data_confirmed_on
        if eid in recent or entered > cutoff or (confirmed and confirmed > cutoff):
            continue
        found[AlertKind.DATA_UNCONFIRMED, eid] = {
            **_who(person),
            "since": confirmed.isoformat() if confirmed else None,
        }
    return found


def _recently_edited(db: Session, people: dict[int, Any], cutoff: date) -> set[int]:
    """Examiners with a confirming change recorded after `cutoff`."""
    rows = db.execute(
        select(Change.examiner_id, Change.entity, Change.changes).where(
            Change.at >= datetime.combine(cutoff + ONE_DAY, time.min, UTC),
            Change.examiner_id.in_(people),
            Change.entity.in_(CONFIRMING_TABLES | {"examiners"}),
        )
    ).all()
    return {
        r.examiner_id
        for r in rows
        if r.entity in CONFIRMING_TABLES or CONFIRMING_FIELDS & set(r.changes)
    }


def _day(value: datetime | None) -> date:
    return date.min if value is None else value.date()


def confirm_examiner(db: Session, institution: Institution, code: str, today: date) -> Examiner:
    """Record that the examiner's contact and qualification data was checked `today` (R1)."""
    examiner = db.scalar(
        select(Examiner).where(Examiner.institution_id == institution.id, Examiner.code == code)
    )
    if examiner is None:
        raise Refused([Problem.of(MESSAGES, "unknown_examiner", "examiner", code=code)])
    examiner.data_confirmed_on = today
    db.flush()  # the change history records who confirmed, and when
    return examiner
