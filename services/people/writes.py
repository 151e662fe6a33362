"""Write checked examiners with their qualifications, certificates and appointments.

Writes go through the ORM so that the change history (models/history.py) records each
one; `None` in the incoming data keeps what is stored. A term whose start is a stored term's
corrects that term's end, but never cuts off days a panel in force needs
(`services.people.records.shortened_term_problems`: refused, the sessions named).
`set_duty` sets what a planner decides by hand on the examiner form: active or suspended
(through `services.discipline.actions`, which audits it; revocation only ever follows its approval)
and the most sessions per term.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from models import Appointment, Certificate, Examiner, Institution, Qualification
from models.base import ExaminerStatus
from services.discipline.actions import reason_problem, reinstate, suspend
from services.messages import Problem, Refused
from services.people.certificates import parse_number
from services.people.checks import ExaminerIn, Lookups, check
from services.people.records import shortened_term_problems
from services.people.validation import compact_document
from solver.messages import STATUS_NAMES

MESSAGES = {
    "max_sessions": {
        "zh": "应为 1 至 {most} 之间的整数（留空：不设上限）",
        "en": "must be a whole number from 1 to {most} (empty: no cap)",
    },
    "by_approval": {
        "zh": "取消资格须经发证单位审批（警告或“资料与设置 → 取消资格”），不能在此直接设置",
        "en": "revocation follows the certifying unit's approval (warnings, or Records → "
        "Revocations); it cannot be set here",
    },
    "in_approval": {
        "zh": "当前状态为“{status_zh}”，只能由取消资格的审批决定改变",
        "en": "the status is {status_en}: only the revocation decision changes it",
    },
}
# The statuses a planner sets by hand; the others belong to the revocation workflow.
SETTABLE_STATUSES = (ExaminerStatus.ACTIVE, ExaminerStatus.SUSPENDED)
MOST_SESSIONS = 999  # a sanity bound (the column is an integer); real caps are far lower


@dataclass(frozen=True)
class Duty:
    """The status wanted (None: keep), the most sessions per term (None: no cap), why."""

    status: ExaminerStatus | None = None
    max_sessions: int | None = None
    reason: str = ""


def save_examiner(session: Session, institution: Institution, data: ExaminerIn) -> Examiner:
    """Create or update one examiner after checking everything; `Refused` lists each problem."""
    lookups = Lookups(session, institution)
    problems = check(lookups, data)
    if problems:
        raise Refused(problems)
    apply(lookups, data)
    session.flush()
    return lookups.examiners[compact_document(data.document_number)]


def apply(lookups: Lookups, data: ExaminerIn) -> str:
    """Write checked `data`; return "created", "updated" or "unchanged"."""
    document = compact_document(data.document_number)
    examiner = lookups.examiners.get(document)
    created = examiner is None
    if examiner is None:
        examiner = Examiner(
            institution_id=lookups.institution.id,
            code=data.code or lookups.next_code(),
            document_number=document,
            leader_eligible=False,
        )
        lookups.session.add(examiner)
        lookups.examiners[document] = examiner
        lookups.codes.add(examiner.code)
    changed = _fields(lookups, examiner, data)
    changed |= _qualifications(lookups, examiner, data)
    changed |= _certificates(lookups, examiner, data, document)
    changed |= _appointments(lookups.session, examiner, data)
    if examiner.assessing_since is None and examiner.certificates:
        # Nobody assesses before being certified: the first issue date is the best guess.
        examiner.assessing_since = min(c.issue_date for c in examiner.certificates)
    return "created" if created else ("updated" if changed else "unchanged")


def _assign(obj: Any, **values: Any) -> bool:
    """Set the given attributes that differ (None means keep); True when one changed."""
    changed = False
    for name, value in values.items():
        if value is not None and getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _fields(lookups: Lookups, examiner: Examiner, data: ExaminerIn) -> bool:
    organization = lookups.organization(data.organization) if data.organization else None
    changed = _assign(
        examiner,
        document_type=data.document_type,
        name=data.name,
        sex=data.sex,
        birth_month=data.birth_month,
        phone=data.phone,
        email=data.email,
        education=data.education,
        title=data.title,
        vocational_certificate=data.vocational_certificate,
        work_history=data.work_history,
        grade=data.grade,
        assessing_since=data.assessing_since,
        leader_eligible=data.leader_eligible,
    )
    if organization is not None and examiner.organization is not organization:
        examiner.organization = organization
        changed = True
    return changed


def _qualifications(lookups: Lookups, examiner: Examiner, data: ExaminerIn) -> bool:
    changed = False
    held = {q.occupation_id: q for q in examiner.qualifications}
    for item in data.qualifications:
        occupation = lookups.occupation(item.occupation)
        assert occupation is not None  # checked before
        level = item.top_level or lookups.policy.top_level(examiner.grade.value)
        found = held.get(occupation.id)
        if found is None:
            examiner.qualifications.append(Qualification(occupation=occupation, top_level=level))
            held[occupation.id] = examiner.qualifications[-1]
            changed = True
        elif item.top_level is not None:
            changed |= _assign(found, top_level=item.top_level)
    return changed


def _certificates(lookups: Lookups, examiner: Examiner, data: ExaminerIn, document: str) -> bool:
    changed = False
    held = {c.number: c for c in examiner.certificates}
    years = lookups.institution.certificate_years or 3
    for item in data.certificates:
        parsed = parse_number(item.number, lookups.institution.code)
        issue = item.issue_date or _issue_guess(parsed.year, item.valid_until, years)
        until = item.valid_until or _years_on(issue, years) - timedelta(days=1)
        found = held.get(item.number)
        if found is None:
            found = Certificate(
                number=item.number,
                grade=parsed.grade,
                year=parsed.year,
                serial=parsed.serial,
                issue_date=issue,
                valid_until=until,
            )
            examiner.certificates.append(found)
            held[item.number] = found
            lookups.holders[item.number] = document
            changed = True
        else:
            changed |= _assign(found, issue_date=item.issue_date, valid_until=item.valid_until)
    return changed


def _issue_guess(year: int, valid_until: date | None, years: int) -> date:
    """Issue date when the sheet has none: validity minus the usual term, within the number's year."""
    if valid_until is not None:
        guess = _years_on(valid_until, -years) + timedelta(days=1)
        if guess.year == year:
            return guess
    return date(year, 1, 1)


def _years_on(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return date(day.year + years, 3, 1)


def _appointments(session: Session, examiner: Examiner, data: ExaminerIn) -> bool:
    """Add the new terms; a term with a stored start corrects its end, never under a panel."""
    problems = shortened_term_problems(session, examiner, data.appointments)
    if problems:
        raise Refused(problems)
    changed = False
    by_start = {a.start: a for a in examiner.appointments}
    for start, end in data.appointments:
        found = by_start.get(start)
        if found is None:
            examiner.appointments.append(Appointment(start=start, end=end))
            by_start[start] = examiner.appointments[-1]
            changed = True
        else:  # the same term, its end corrected
            changed |= _assign(found, end=end)
    return changed


def duty_problems(current: ExaminerStatus, duty: Duty) -> list[Problem]:
    """Every reason `duty` cannot be set on an examiner whose status is `current`."""
    problems = []
    if duty.max_sessions is not None and not 1 <= duty.max_sessions <= MOST_SESSIONS:
        problems.append(Problem.of(MESSAGES, "max_sessions", "max_sessions", most=MOST_SESSIONS))
    if duty.status is None or duty.status == current:
        return problems
    if duty.status not in SETTABLE_STATUSES:
        problems.append(Problem.of(MESSAGES, "by_approval", "status"))
    elif current not in SETTABLE_STATUSES:
        names = STATUS_NAMES[current]
        problems.append(
            Problem.of(
                MESSAGES, "in_approval", "status", status_zh=names["zh"], status_en=names["en"]
            )
        )
    elif (missing := reason_problem(duty.reason)) is not None:
        problems.append(missing)
    return problems


def set_duty(session: Session, examiner: Examiner, duty: Duty, on: date) -> Examiner:
    """Set the cap and suspend or reinstate as asked (audited); `Refused` lists each problem."""
    problems = duty_problems(examiner.status, duty)
    if problems:
        raise Refused(problems)
    examiner.max_sessions = duty.max_sessions
    if duty.status == ExaminerStatus.SUSPENDED and examiner.status == ExaminerStatus.ACTIVE:
        suspend(session, examiner, on, duty.reason.strip())
    elif duty.status == ExaminerStatus.ACTIVE and examiner.status == ExaminerStatus.SUSPENDED:
        reinstate(session, examiner, on, duty.reason.strip())
    session.flush()
    return examiner
