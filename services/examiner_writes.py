"""Write checked examiners with their qualifications, certificates and appointments.

Writes go through the ORM so that the change history (models/history.py) records each
one; `None` in the incoming data keeps what is stored.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from models import Appointment, Certificate, Examiner, Institution, Qualification

from .certificates import parse_number
from .examiners import ExaminerIn, Lookups, check
from .messages import Refused
from .validation import compact_document


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
    changed |= _appointments(examiner, data)
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


def _appointments(examiner: Examiner, data: ExaminerIn) -> bool:
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
