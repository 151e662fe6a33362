"""Check examiners with their qualifications, certificates and appointments before writing.

An examiner is matched on the document number within the institution. Everything is
validated here before `services.people.writes` writes anything. `Lookups` preloads what
a batch needs (the institution's examiners, occupations, organisations, certificate
holders) so an import of thousands of rows asks the database a handful of questions, not
thousands.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import (
    Certificate,
    Examiner,
    Institution,
    Occupation,
    Organization,
)
from models.base import DocumentType, Grade, Sex
from services.messages import Problem
from services.people.records import shortened_term_problems
from services.people.validation import (
    appointment_problems,
    certificate_problems,
    compact_document,
    document_problems,
    phone_problems,
)
from services.planning.policy import effective_policy

# One address: no spaces or angle brackets, one @, a dotted domain; the column's width.
EMAIL = re.compile(r"(?=.{3,120}$)[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+")
MESSAGES = {
    "missing": {"zh": "不能为空", "en": "is required"},
    "email_format": {
        "zh": "电子邮箱 {email} 格式不符（应如 name@example.org，最多 120 个字符）",
        "en": "e-mail {email} is not an address (such as name@example.org, at most 120 characters)",
    },
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
    email: str | None = None
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
    if data.email and not EMAIL.fullmatch(data.email):
        problems.append(Problem.of(MESSAGES, "email_format", "email", email=data.email[:60]))
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
    # A term with a stored term's start corrects its end: never from under a panel in force.
    examiner = lookups.examiners.get(document)
    return problems + shortened_term_problems(lookups.session, examiner, data.appointments)


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
