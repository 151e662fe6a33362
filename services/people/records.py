"""Remove an examiner's records by hand (a qualification, appointment or certificate) or end a term.

A record entered by mistake may go, but never from under a panel in force: when a session on
one of the examiner's panels in force (`panel_seats`: set by publishing, kept once held;
cancelled sessions aside) was covered by the record and nothing left covers it, the change is
refused and the sessions are named. Held sessions keep what they were assessed under (the
allowance statement and the evidence read it); for sessions still to come the examiner is
replaced first (what-if, then publish). Suspending takes someone off duty at once; the
published-plan revalidation then flags the plan. Deletes go through `session.delete`, so the
change history (models/history.py) records each one with its old values.

`shortened_term_problems` is the one check of an earlier last day: ending a term on the detail
page, adding a term with a stored term's start, and a re-imported term
(`services.people.writes`) all go through it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Appointment, AssessmentSession, Certificate, Examiner, PanelSeat, Qualification
from models.base import SessionStatus
from services.messages import Problem, Refused
from services.people.validation import appointment_problems

REPLACE_FIRST = {
    "zh": "已举行的场次保留其考评依据（津贴和记录）；未举行的场次请先通过“缺员替补”替换该考评员并发布新方案。"
    "如需立即停止其考评工作，请在编辑页将状态设为“暂停”。",
    "en": "Held sessions keep what they were assessed under (allowances, records); for sessions "
    "still to come, replace the examiner through What if and publish first. To take them off "
    "duty at once, set the status to suspended on the edit form.",
}
MESSAGES = {
    "remove_in_force": {
        "zh": "不能删除此{record_zh}：考评员 {name}（{examiner}）在场次 {sessions_zh} "
        "的在用考评小组中，这些场次依赖它。" + REPLACE_FIRST["zh"],
        "en": "this {record_en} cannot be removed: examiner {name} ({examiner}) sits on the "
        "panel in force of {sessions_en}, which rely on it. " + REPLACE_FIRST["en"],
    },
    "end_in_force": {
        "zh": "{start} 起的聘期不能改为 {end} 结束：考评员 {name}（{examiner}）在场次 {sessions_zh} "
        "的在用考评小组中，这些场次在新聘期之外。" + REPLACE_FIRST["zh"],
        "en": "the term from {start} cannot end on {end}: examiner {name} ({examiner}) sits on the "
        "panel in force of {sessions_en}, outside the new term. " + REPLACE_FIRST["en"],
    },
}
RECORDS = {
    "qualification": {"zh": "考评职业资格", "en": "qualification"},
    "appointment": {"zh": "聘约", "en": "appointment"},
    "certificate": {"zh": "考评证书", "en": "certificate"},
}
SHOWN_SESSIONS = 5  # the refusal names this many sessions, then counts the rest
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Seat:
    """A session the examiner sits on in a panel in force: its days, occupation, whether held."""

    code: str
    first: date
    last: date
    occupation_id: int
    held: bool = False


Covers = Callable[[Seat], bool]


def seats_in_force(session: Session, examiner: Examiner) -> list[Seat]:
    """The examiner's seats on panels in force (held or to come; cancelled sessions aside)."""
    s = AssessmentSession
    rows = session.execute(
        select(s.code, s.start, s.end, s.occupation_id, s.status)
        .join(PanelSeat, PanelSeat.session_id == s.id)
        .where(PanelSeat.examiner_id == examiner.id, s.status != SessionStatus.CANCELLED)
        .order_by(s.start, s.code)
    )
    return [
        Seat(r.code, r.start.date(), r.end.date(), r.occupation_id, r.status == SessionStatus.HELD)
        for r in rows
    ]


def remove_qualification(session: Session, qualification: Qualification) -> Examiner:
    """Delete a qualification no panel in force relies on."""
    examiner = qualification.examiner
    left = {q.occupation_id for q in examiner.qualifications if q is not qualification}
    _refuse_stranded(
        session,
        examiner,
        lambda seat: seat.occupation_id == qualification.occupation_id,
        lambda seat: seat.occupation_id in left,
        _removal("qualification", examiner),
    )
    return _delete(session, examiner, examiner.qualifications, qualification)


def remove_appointment(session: Session, appointment: Appointment) -> Examiner:
    """Delete an appointment no panel in force relies on."""
    examiner = appointment.examiner
    left = [(a.start, a.end) for a in examiner.appointments if a is not appointment]
    _refuse_stranded(
        session,
        examiner,
        within([(appointment.start, appointment.end)]),
        within(left),
        _removal("appointment", examiner),
    )
    return _delete(session, examiner, examiner.appointments, appointment)


def end_appointment(session: Session, appointment: Appointment, end: date) -> Examiner:
    """Move a term's last day (checked like a new term) unless a panel in force needs the days."""
    examiner = appointment.examiner
    others = [(a.start, a.end) for a in examiner.appointments if a is not appointment]
    problems = appointment_problems(appointment.start, end, others)
    problems = problems or shortened_term_problems(session, examiner, [(appointment.start, end)])
    if problems:
        raise Refused(problems)
    appointment.end = end
    session.flush()
    return examiner


def shortened_term_problems(
    session: Session, examiner: Examiner | None, terms: Iterable[tuple[date, date]]
) -> list[Problem]:
    """Why stored terms cannot take these new ends: a panel in force needs the days cut off.

    A term in `terms` starting on a stored term's first day corrects that term's end (the
    detail page and the import both read it so); only an earlier end can strand a session.
    """
    stored = {a.start: a.end for a in examiner.appointments} if examiner is not None else {}
    shorter = [(start, end) for start, end in terms if start in stored and end < stored[start]]
    if examiner is None or not shorter:
        return []
    seats = seats_in_force(session, examiner)
    problems = []
    for start, end in shorter:
        cut = within([(start, stored[start])])
        kept = within([(start, end)])
        stranded = [s for s in seats if cut(s) and not kept(s)]
        if stranded:
            listed = listed_sessions(stranded) | _who(examiner)
            problems.append(
                Problem.of(MESSAGES, "end_in_force", "appointment", start=start, end=end, **listed)
            )
    return problems


def remove_certificate(session: Session, certificate: Certificate) -> Examiner:
    """Delete a certificate (entered by mistake) no panel in force relies on."""
    examiner = certificate.examiner
    left = [(c.issue_date, c.valid_until) for c in examiner.certificates if c is not certificate]
    _refuse_stranded(
        session,
        examiner,
        every_day_within([(certificate.issue_date, certificate.valid_until)]),
        every_day_within(left),
        _removal("certificate", examiner),
    )
    return _delete(session, examiner, examiner.certificates, certificate)


def within(terms: Iterable[tuple[date, date]]) -> Covers:
    """Seats whose days all fall within one of `terms` (as an appointment covers a session)."""
    spans = list(terms)
    return lambda seat: any(a <= seat.first and seat.last <= b for a, b in spans)


def every_day_within(periods: Iterable[tuple[date, date]]) -> Covers:
    """Seats each of whose days some period covers (certificates renewed back to back join up)."""
    spans = list(periods)

    def covers(seat: Seat) -> bool:
        days = (seat.first + ONE_DAY * n for n in range((seat.last - seat.first).days + 1))
        return all(any(a <= day <= b for a, b in spans) for day in days)

    return covers


def _removal(record: str, examiner: Examiner) -> Callable[[dict[str, str]], Problem]:
    names = RECORDS[record]
    return lambda seats: Problem.of(
        MESSAGES,
        "remove_in_force",
        record,
        record_zh=names["zh"],
        record_en=names["en"],
        **_who(examiner),
        **seats,
    )


def _who(examiner: Examiner) -> dict[str, str]:
    return {"examiner": examiner.code, "name": examiner.name}


def _refuse_stranded(
    session: Session,
    examiner: Examiner,
    before: Covers,
    after: Covers,
    problem: Callable[[dict[str, str]], Problem],
) -> None:
    """Raise `Refused` when seats in force covered `before` would not be `after`."""
    stranded = [s for s in seats_in_force(session, examiner) if before(s) and not after(s)]
    if stranded:
        raise Refused([problem(listed_sessions(stranded))])


def listed_sessions(seats: list[Seat]) -> dict[str, str]:
    """The sessions as the refusal names them, in both languages."""
    shown, more = seats[:SHOWN_SESSIONS], len(seats) - SHOWN_SESSIONS
    zh = "、".join(f"{s.code}（{s.first}）" for s in shown)
    en = ", ".join(f"{s.code} ({s.first})" for s in shown)
    if more > 0:
        zh, en = f"{zh} 等 {len(seats)} 场", f"{en} and {more} more"
    return {"sessions_zh": zh, "sessions_en": en}


def _delete(session: Session, examiner: Examiner, records: list[Any], record: Any) -> Examiner:
    """Delete `record` (recorded in the change history) and drop it from the examiner's list."""
    records.remove(record)
    session.delete(record)
    session.flush()
    return examiner
