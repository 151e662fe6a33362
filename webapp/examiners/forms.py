"""The examiner forms: what the planner typed -> `ExaminerIn` plus every reason it is refused.

Cells are read by the importer's parsers (`services.cells`), so a date or a phone number is
understood on the form exactly as in a spreadsheet; the rules themselves are the services'
(`services.people.checks.check`, `services.people.writes.duty_problems`). Problems are keyed by
the form field they belong next to.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from models import Examiner
from models.base import DocumentType, ExaminerStatus, Grade, Sex
from services.cells import parse_date, parse_month
from services.messages import Problem
from services.people.checks import CertificateIn, ExaminerIn, QualificationIn
from services.people.validation import compact_document, normalize_phone
from services.people.writes import Duty
from solver.numbers import INT32, BadNumber, decimal, shown, whole

MESSAGES = {
    "missing": {"zh": "不能为空", "en": "is required"},
    "exists": {
        "zh": "证件号码 {number} 已属于考评人员 {code}（{name}），请在其页面修改",
        "en": "document number {number} already belongs to examiner {code} ({name}); edit it there",
    },
    "bad_level": {"zh": "考评级别应为 1 至 5 级", "en": "the level must be 1 to 5"},
    "bad_amount": {
        "zh": "“{value}”不是金额（如 300 或 300.00）",
        "en": "“{value}” is not an amount (e.g. 300 or 300.00)",
    },
    "bad_number": {"zh": "“{value}”不是整数", "en": "“{value}” is not a whole number"},
}
MOST_YUAN = 1_000_000  # an allowance per session (the column holds up to 10 digits)
TEXT_FIELDS = ("email", "education", "title", "vocational_certificate", "work_history")
# Problems about these service fields are shown next to the form field named here.
FIELD_OF = {
    "appointment_start": "appointment",
    "appointment_end": "appointment",
    "reason": "status_reason",  # the reason of a status change (services.discipline.actions)
}


@dataclass
class Parsed:
    """The form read: values to show again, the data to save, the problems found."""

    values: dict[str, str]
    data: ExaminerIn
    problems: list[Problem] = field(default_factory=list)
    duty: Duty = field(default_factory=Duty)


def errors_by_field(problems: list[Problem], lang: str, known: set[str]) -> dict[str, list[str]]:
    """Reasons per form field; those of fields not on the form are filed under "" (the top)."""
    found: dict[str, list[str]] = defaultdict(list)
    for problem in problems:
        name = FIELD_OF.get(problem.field, problem.field)
        if name in known:
            found[name].append(problem.reason(lang))
        else:
            found[""].append(problem.text(lang))
    return dict(found)


def values_of(examiner: Examiner) -> dict[str, str]:
    """The edit form's initial values."""
    values = {
        "document_type": examiner.document_type.value,
        "document_number": examiner.document_number,
        "code": examiner.code,
        "name": examiner.name,
        "sex": examiner.sex.value,
        "birth_month": f"{examiner.birth_month:%Y-%m}" if examiner.birth_month else "",
        "phone": examiner.phone or "",
        "organization": examiner.organization.name if examiner.organization else "",
        "grade": examiner.grade.value,
        "assessing_since": examiner.assessing_since.isoformat() if examiner.assessing_since else "",
        "leader_eligible": "1" if examiner.leader_eligible else "",
        "status": examiner.status.value,
        "max_sessions": str(examiner.max_sessions or ""),
    }
    return values | {name: getattr(examiner, name) or "" for name in TEXT_FIELDS}


def parse_examiner(form: Mapping[str, str], existing: Examiner | None) -> Parsed:
    """Read the create (no `existing`) or edit form."""
    values = {k: str(v).strip() for k, v in form.items() if k != "csrf_token"}
    problems: list[Problem] = []
    number = (
        existing.document_number
        if existing
        else compact_document(values.get("document_number", ""))
    )
    data = ExaminerIn(
        document_number=number,
        document_type=_choice(DocumentType, values.get("document_type")) or DocumentType.OTHER,
        name=values.get("name") or None,
        sex=_choice(Sex, values.get("sex")),
        grade=_choice(Grade, values.get("grade")),
        organization=values.get("organization") or None,
        leader_eligible=bool(values.get("leader_eligible")),
    )
    for name in ("name", "sex", "grade"):
        if getattr(data, name) is None and existing is not None:
            problems.append(Problem.of(MESSAGES, "missing", name))
    phone = values.get("phone", "")
    data.phone = (normalize_phone(phone) or phone) if phone else _cleared(existing, "phone")
    for name in TEXT_FIELDS:
        setattr(data, name, values.get(name) or _cleared(existing, name))
    data.birth_month = _take(parse_month(values.get("birth_month"), "birth_month"), problems)
    data.assessing_since = _take(
        parse_date(values.get("assessing_since"), "assessing_since"), problems
    )
    if existing is None:
        data.code = values.get("code") or None
        _records(values, data, problems)
    return Parsed(values, data, problems, _duty(values, problems))


def _duty(values: dict[str, str], problems: list[Problem]) -> Duty:
    """The status wanted (absent: keep), the cap per term (empty: none) and the reason."""
    return Duty(
        status=_choice(ExaminerStatus, values.get("status")),
        max_sessions=parse_count(values.get("max_sessions"), "max_sessions", problems),
        reason=values.get("status_reason", ""),
    )


def _records(values: dict[str, str], data: ExaminerIn, problems: list[Problem]) -> None:
    """The first qualification, certificate and appointment of a new examiner."""
    if values.get("occupation"):
        level = parse_level(values.get("top_level"), problems)
        data.qualifications.append(QualificationIn(values["occupation"], level))
    if values.get("certificate_number"):
        data.certificates.append(
            CertificateIn(
                values["certificate_number"].upper(),
                _take(parse_date(values.get("issue_date"), "issue_date"), problems),
                _take(parse_date(values.get("valid_until"), "valid_until"), problems),
            )
        )
    term = parse_term(values, problems)
    if term is not None:
        data.appointments.append(term)


def parse_term(values: Mapping[str, str], problems: list[Problem]) -> Any:
    """An appointment's (start, end) from the form, None when both are empty."""
    start = _take(parse_date(values.get("appointment_start"), "appointment_start"), problems)
    end = _take(parse_date(values.get("appointment_end"), "appointment_end"), problems)
    if start is None and end is None:
        return None
    if start is None or end is None:
        missing = "appointment_start" if start is None else "appointment_end"
        problems.append(Problem.of(MESSAGES, "missing", missing))
        return None
    return (start, end)


def parse_level(value: str | None, problems: list[Problem]) -> int | None:
    """A level 1-5, None when empty (the grade's highest)."""
    if not value:
        return None
    try:
        return whole(value, 1, 5)
    except BadNumber:
        pass
    problems.append(Problem.of(MESSAGES, "bad_level", "top_level"))
    return None


def parse_count(value: str | None, name: str, problems: list[Problem]) -> int | None:
    """A whole number (the range is the service's to check), None when empty."""
    if not value:
        return None
    try:
        return whole(value, 0, INT32)
    except BadNumber:
        pass
    problems.append(Problem.of(MESSAGES, "bad_number", name, value=value))
    return None


def parse_amount(value: str | None, problems: list[Problem]) -> Decimal | None:
    """An allowance in yuan, None when empty."""
    if not value:
        return None
    try:
        decimal(value, 0, MOST_YUAN)
    except BadNumber:
        problems.append(Problem.of(MESSAGES, "bad_amount", "allowance", value=shown(value)))
        return None
    return Decimal(value.strip()).quantize(Decimal("0.01"))


def exists_problem(examiner: Examiner) -> Problem:
    """The document number typed on the create form belongs to someone already."""
    return Problem.of(
        MESSAGES,
        "exists",
        "document_number",
        number=examiner.document_number,
        code=examiner.code,
        name=examiner.name,
    )


def _cleared(existing: Examiner | None, name: str) -> str | None:
    """An emptied field: "" clears a stored value; None (keep) when nothing is stored."""
    return "" if existing is not None and getattr(existing, name) else None


def _choice(kind: Any, value: str | None) -> Any:
    try:
        return kind(value) if value else None
    except ValueError:
        return None


def _take(parsed: tuple[Any, list[Problem]], problems: list[Problem]) -> Any:
    problems.extend(parsed[1])
    return parsed[0]
