"""Create and update examiners with their qualifications, certificates and appointments.

An examiner is matched on the document number within the institution. Everything is
validated before anything is written; writes go through the ORM so that the change
history (models/history.py) records each one. `Lookups` preloads what a batch needs (the
institution's examiners, occupations, organisations, certificate holders) so an import of
thousands of rows asks the database a handful of questions, not thousands.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import (
    Appointment,
    Certificate,
    Examiner,
    Institution,
    Occupation,
    Organization,
    Qualification,
)
from models.base import DocumentType, Grade, Sex

from .certificates import parse_number
from .messages import Problem, Refused
from .policy import effective_policy
from .validation import (
    appointment_problems,
    certificate_problems,
    compact_document,
    document_problems,
    phone_problems,
)

MESSAGES = {
    "missing": {"zh": "不能为空", "en": "is required"},
    "unknown_occupation": {
        "zh": "职业（工种）“{occupation}”不在职业目录中（请用职业编码或目录中的名称）",
        "en": "occupation “{occupation}” is not in the catalogue (use its code or catalogue name)",
    },
    "certificate_taken": {
        "zh": "证书编号 {number} 已属于另一名考评人员（证件号码 {holder}）",
        "en": "certificate number {number} already belongs to another examiner (document {holder})",
    },
    "code_taken": {
        "zh": "编号 {code} 已被另一名考评人员使用",
        "en": "code {code} is already used by another examiner",
    },
    "validity_order": {
        "zh": "证书有效期 {valid_until} 早于发证日期 {issue_date}",
        "en": "the certificate is valid until {valid_until}, before its issue date {issue_date}",
    },
}
CODE_PREFIX = "K"
_OCCUPATION_CODE = re.compile(r"\d-\d{2}-\d{2}-\d{2}")


@dataclass
class QualificationIn:
    """An occupation (code or name) and the highest level assessed (None: from the grade)."""

    occupation: str
    top_level: int | None = None


@dataclass
class CertificateIn:
    """An existing certificate: its number and, when known, its dates."""

    number: str
    issue_date: date | None = None
    valid_until: date | None = None


@dataclass
class ExaminerIn:
    """What is known about one examiner; None leaves a stored value as it is."""

    document_number: str
    document_type: DocumentType = DocumentType.RESIDENT_ID
    name: str | None = None
    sex: Sex | None = None
    birth_month: date | None = None
    phone: str | None = None
    organization: str | None = None
    education: str | None = None
    title: str | None = None
    vocational_certificate: str | None = None
    work_history: str | None = None
    grade: Grade | None = None
    code: str | None = None
    assessing_since: date | None = None
    leader_eligible: bool | None = None
    qualifications: list[QualificationIn] = field(default_factory=list)
    certificates: list[CertificateIn] = field(default_factory=list)
    appointments: list[tuple[date, date]] = field(default_factory=list)


class Lookups:
    """What a batch of examiner writes needs from the database, loaded once."""

    def __init__(self, session: Session, institution: Institution) -> None:
        self.session = session
        self.institution = institution
        self.policy = effective_policy(institution)
        examiners = session.scalars(
            select(Examiner)
            .where(Examiner.institution_id == institution.id)
            .options(
                selectinload(Examiner.qualifications),
                selectinload(Examiner.certificates),
                selectinload(Examiner.appointments),
            )
        ).all()
        self.examiners = {e.document_number: e for e in examiners}
        self.codes = {e.code for e in examiners}
        self.holders = dict(
            session.execute(
                select(Certificate.number, Examiner.document_number).join(Examiner)
            ).all()
        )
        self.organizations = {
            o.name: o
            for o in session.scalars(
                select(Organization).where(Organization.institution_id == institution.id)
            )
        }
        self.occupations = occupation_index(session.scalars(select(Occupation)).all())
        self._next = 1 + max(
            (int(c[1:]) for c in self.codes if re.fullmatch(rf"{CODE_PREFIX}\d+", c)), default=0
        )

    def occupation(self, key: str) -> Occupation | None:
        """The occupation named by code or name (the newest edition), None when unknown."""
        key = re.sub(r"\s+", "", key)
        found = self.occupations.get(key)
        if found is None and (code := _OCCUPATION_CODE.search(key)):
            found = self.occupations.get(code.group(0))
        return found

    def next_code(self) -> str:
        """The next free K0001-style examiner code of the institution."""
        while f"{CODE_PREFIX}{self._next:04d}" in self.codes:
            self._next += 1
        code = f"{CODE_PREFIX}{self._next:04d}"
        self.codes.add(code)
        return code

    def organization(self, name: str) -> Organization:
        """The organisation called `name`, created when new."""
        found = self.organizations.get(name)
        if found is None:
            found = Organization(institution_id=self.institution.id, name=name)
            self.session.add(found)
            self.organizations[name] = found
        return found


def occupation_index(rows: Iterable[Occupation]) -> dict[str, Occupation]:
    """Code and name -> occupation; the newest edition wins (codes moved between editions)."""
    index: dict[str, Occupation] = {}
    for occupation in sorted(rows, key=lambda o: o.edition):
        index[occupation.code] = occupation
        index[re.sub(r"\s+", "", occupation.name)] = occupation
    return index


def occupation_problems(lookups: Lookups, key: str) -> list[Problem]:
    """Why `key` names no occupation of the catalogue."""
    if lookups.occupation(key) is not None:
        return []
    return [Problem.of(MESSAGES, "unknown_occupation", "occupation", occupation=key)]


def certificate_holder_problems(lookups: Lookups, number: str, document: str) -> list[Problem]:
    """Why certificate `number` cannot be recorded for the examiner with `document`."""
    holder = lookups.holders.get(number)
    if holder is None or holder == document:
        return []
    return [
        Problem.of(
            MESSAGES, "certificate_taken", "certificate_number", number=number, holder=holder
        )
    ]


def stored_terms(lookups: Lookups, document: str, start: date) -> list[tuple[date, date]]:
    """The examiner's stored appointments a new term starting on `start` must not overlap."""
    examiner = lookups.examiners.get(document)
    if examiner is None:
        return []
    return [(a.start, a.end) for a in examiner.appointments if a.start != start]


def check(lookups: Lookups, data: ExaminerIn) -> list[Problem]:
    """Every reason `data` cannot be saved (empty: it can)."""
    document = compact_document(data.document_number)
    problems = document_problems(data.document_type, document, data.sex, data.birth_month)
    problems += phone_problems(data.phone)
    exists = document in lookups.examiners
    for name in ("name", "sex", "grade"):
        if not exists and getattr(data, name) is None:
            problems.append(Problem.of(MESSAGES, "missing", name))
    if data.code and not exists and data.code in lookups.codes:
        problems.append(Problem.of(MESSAGES, "code_taken", "code", code=data.code))
    for qualification in data.qualifications:
        problems += occupation_problems(lookups, qualification.occupation)
    for cert in data.certificates:
        problems += certificate_problems(cert.number, lookups.institution.code)
        problems += certificate_holder_problems(lookups, cert.number, document)
        problems += validity_problems(cert.issue_date, cert.valid_until)
    for k, (start, end) in enumerate(data.appointments):
        earlier = data.appointments[:k] + stored_terms(lookups, document, start)
        problems += appointment_problems(start, end, earlier)
    return problems


def validity_problems(issue_date: date | None, valid_until: date | None) -> list[Problem]:
    """Why a certificate's validity ends before its issue."""
    if issue_date and valid_until and valid_until < issue_date:
        return [
            Problem.of(
                MESSAGES,
                "validity_order",
                "valid_until",
                valid_until=valid_until,
                issue_date=issue_date,
            )
        ]
    return []


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
