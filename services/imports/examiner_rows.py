"""The examiner sheet: the notice's Attachment 2 columns (and optional Attachment 1 ones),
and the reading of one row into an `ExaminerIn` with every problem found in it.

Pure: no database. Defaults for what Attachment 2 lacks: the document type is a resident
ID when the number looks like one; 性别 and 出生年月 come from a resident ID when their
cells are empty; the grade comes from the certificate number's grade digit when the
级别 cell is empty; the highest level assessed comes from the grade (policy
`grade_top_level`) when neither 考评级别 nor "车工/三级" says it.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Any

from models.base import DocumentType
from services.cells import (
    FIRST_YEAR,
    LAST_YEAR,
    parse_bool,
    parse_date,
    parse_grade,
    parse_level,
    parse_month,
    parse_sex,
    text,
)
from services.imports.sheets import Column, Layout, Row, Table
from services.messages import Problem
from services.people.certificates import GRADE_DIGIT, number_problem
from services.people.checks import CertificateIn, ExaminerIn, QualificationIn
from services.people.validation import (
    birth_month_of_resident_id,
    compact_document,
    guess_document_type,
    normalize_phone,
    resident_id_problems,
    sex_of_resident_id,
)

EXAMINER_LAYOUT = Layout(
    columns=(
        Column("seq", ("序号", "no.")),
        Column("name", ("姓名", "name")),
        Column("sex", ("性别", "sex", "gender")),
        Column(
            "document_number",
            (
                *("身份证号码", "身份证或其他有效证件号码", "身份证号", "证件号码", "公民身份号码"),
                *("id number", "document number"),
            ),
        ),
        Column("phone", ("联系电话", "电话", "手机", "手机号码", "phone", "mobile")),
        Column("email", ("电子邮箱", "邮箱", "电子邮件", "email", "e-mail")),
        Column("organization", ("工作单位", "单位", "employer", "organization")),
        Column(
            "occupation",
            ("考评职业(工种)", "考评职业", "职业(工种)", "考评职业/级别", "考评工种", "occupation"),
        ),
        Column("grade", ("级别(考评员/高级考评员)", "级别", "考评员级别", "grade")),
        Column(
            "certificate_number",
            ("证书编号", "考评证书编号", "考评员证书编号", "certificate number"),
        ),
        Column("valid_until", ("证书有效期", "有效期", "证书有效期至", "有效期至", "valid until")),
        Column("birth_month", ("出生年月", "出生日期", "date of birth")),
        Column("document_type", ("证件类型", "document type")),
        Column("education", ("学历", "education")),
        Column("title", ("职称", "professional title")),
        Column("vocational_certificate", ("职业资格证书名称和编号", "vocational certificate")),
        Column("work_history", ("工作简历", "从事本职业(工种)工作简历", "work history")),
        Column("top_level", ("考评级别", "最高考评级别", "highest level", "top level")),
        Column("appointment_start", ("聘期开始", "聘期起", "appointment start")),
        Column("appointment_end", ("聘期结束", "聘期止", "appointment end")),
        Column("appointment", ("聘期", "appointment term")),
        Column("assessing_since", ("开始考评日期", "开始从事考评日期", "assessing since")),
        Column("leader_eligible", ("可任组长", "可任考评组长", "may lead")),
        Column("issue_date", ("发证日期", "issue date")),
        Column("code", ("考评员编号", "人员编号", "examiner code")),
    ),
    required=(("name",), ("document_number",)),
)

MESSAGES = {
    "missing": {"zh": "不能为空", "en": "is required"},
    "bad_document_type": {
        "zh": "“{value}”不是可识别的证件类型（身份证、护照、港澳、台湾、外国人永久居留、其他）",
        "en": "“{value}” is not a known document type (身份证, 护照, 港澳, 台湾, 外国人永久居留, 其他)",
    },
    "grade_vs_certificate": {
        "zh": "级别为{grade}，但证书编号 {number} 的级别位表示{cert_grade}",
        "en": "grade is {grade_en} but certificate number {number} says {cert_grade_en}",
    },
    "level_conflict": {
        "zh": "考评级别 {level} 与职业栏中的级别 {cell_level} 不一致",
        "en": "highest level {level} disagrees with level {cell_level} in the occupation cell",
    },
    "bad_range": {
        "zh": "“{value}”不是起止日期（如 2024.1.1-2026.12.31）",
        "en": "“{value}” is not a date range (e.g. 2024.1.1-2026.12.31)",
    },
    "term_half": {
        "zh": "聘期开始和聘期结束须同时填写",
        "en": "give both the appointment start and end",
    },
}
GRADE_WORDS = {"senior": ("高级考评员", "senior examiner"), "examiner": ("考评员", "examiner")}
DOCUMENT_WORDS = (
    (DocumentType.HK_MACAU_PERMIT, ("港", "澳", "hong", "macau", "macao")),
    (DocumentType.TAIWAN_PERMIT, ("台", "taiwan")),
    (DocumentType.FOREIGN_PERMANENT_ID, ("外国人", "永久居留", "permanent")),
    (DocumentType.PASSPORT, ("护照", "passport")),
    (DocumentType.RESIDENT_ID, ("身份证", "resident", "id card")),
    (DocumentType.OTHER, ("其他", "其它", "other")),
)
_DAY = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?")
_MONTH = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")
_SPLIT = re.compile(r"[、，,；;]+")


def read_row(row: Row, table: Table) -> tuple[ExaminerIn | None, list[Problem]]:
    """One row as an examiner's data (None when its document number is unusable)."""
    problems: list[Problem] = []

    def take(parsed: tuple[Any, list[Problem]]) -> Any:
        problems.extend(parsed[1])
        return parsed[0]

    raw_number = text(row.get("document_number"))
    if raw_number is None:
        problems.append(Problem.of(MESSAGES, "missing", "document_number"))
        return None, _place(problems, row, table)
    kind = take(_document_type(row.get("document_type"), raw_number))
    data = ExaminerIn(
        document_number=compact_document(raw_number), document_type=kind or DocumentType.OTHER
    )
    data.name = text(row.get("name"))
    if data.name is None:
        problems.append(Problem.of(MESSAGES, "missing", "name"))
    data.sex = take(parse_sex(row.get("sex")))
    data.birth_month = take(parse_month(row.get("birth_month"), "birth_month"))
    data.grade = take(parse_grade(row.get("grade")))
    _person_text(data, row)
    data.phone = normalize_phone(text(row.get("phone")) or "") or text(row.get("phone"))
    data.assessing_since = take(parse_date(row.get("assessing_since"), "assessing_since"))
    data.leader_eligible = take(parse_bool(row.get("leader_eligible"), "leader_eligible"))
    problems += _from_resident_id(data)
    problems += _certificate(data, row)
    problems += _qualifications(data, row)
    problems += _appointment(data, row)
    return data, _place(problems, row, table)


def _person_text(data: ExaminerIn, row: Row) -> None:
    for name in ("organization", "education", "title", "vocational_certificate", "code", "email"):
        setattr(data, name, text(row.get(name)))
    data.work_history = text(row.get("work_history"))


def _document_type(value: Any, number: str) -> tuple[DocumentType | None, list[Problem]]:
    raw = (text(value) or "").lower()
    if not raw:
        return guess_document_type(number), []
    for kind, words in DOCUMENT_WORDS:
        if any(w in raw for w in words):
            return kind, []
    return None, [Problem.of(MESSAGES, "bad_document_type", "document_type", value=text(value))]


def _from_resident_id(data: ExaminerIn) -> list[Problem]:
    """Fill 性别 and 出生年月 from a well-formed resident ID (the checks come later)."""
    if data.document_type != DocumentType.RESIDENT_ID:
        return []
    if resident_id_problems(data.document_number):
        return []  # reported by the examiner check, with the sex and birth month agreement
    data.sex = data.sex or sex_of_resident_id(data.document_number)
    data.birth_month = data.birth_month or birth_month_of_resident_id(data.document_number)
    return []


def _certificate(data: ExaminerIn, row: Row) -> list[Problem]:
    number = re.sub(r"\s+", "", text(row.get("certificate_number")) or "")
    issue, problems = parse_date(row.get("issue_date"), "issue_date")
    start, until, more = parse_range(row.get("valid_until"), "valid_until")
    problems += more
    if not number:
        return problems
    data.certificates.append(CertificateIn(number, issue or start, until))
    code = _institution_code_guess(number)
    digit = number[-5] if len(number) >= 5 else ""
    cert_grade = next((g for g, d in GRADE_DIGIT.items() if d == digit), None)
    if cert_grade is None or (code and number_problem(number, code)):
        return problems  # the format check reports it
    if data.grade is None:
        data.grade = cert_grade
    elif data.grade != cert_grade:
        zh, en = GRADE_WORDS[data.grade.value]
        czh, cen = GRADE_WORDS[cert_grade.value]
        problems.append(
            Problem.of(
                MESSAGES,
                "grade_vs_certificate",
                "grade",
                grade=zh,
                grade_en=en,
                number=number,
                cert_grade=czh,
                cert_grade_en=cen,
            )
        )
    return problems


def _institution_code_guess(number: str) -> str | None:
    """The institution code inside a number of 13 or 14 digits (for the grade digit only)."""
    return number[2:-5] if re.fullmatch(r"\d{13,14}", number) else None


def _qualifications(data: ExaminerIn, row: Row) -> list[Problem]:
    level, problems = parse_level(row.get("top_level"))
    for part in _SPLIT.split(text(row.get("occupation")) or ""):
        name, cell_level = _occupation_and_level(part.strip())
        if not name:
            continue
        if level is not None and cell_level is not None and level != cell_level:
            problems.append(
                Problem.of(
                    MESSAGES, "level_conflict", "top_level", level=level, cell_level=cell_level
                )
            )
        data.qualifications.append(QualificationIn(name, cell_level or level))
    return problems


def _occupation_and_level(part: str) -> tuple[str, int | None]:
    """Split "车工/三级" (Attachment 1's 考评职业/级别) into occupation and level."""
    pieces = re.split(r"\s*[/／]\s*", part)
    for cut in range(1, len(pieces)):
        level, bad = parse_level("/".join(pieces[cut:]))
        if not bad and level is not None:
            return "/".join(pieces[:cut]), level
    return part, None


def _appointment(data: ExaminerIn, row: Row) -> list[Problem]:
    start, problems = parse_date(row.get("appointment_start"), "appointment_start")
    end, more = parse_date(row.get("appointment_end"), "appointment_end")
    problems += more
    if start is None and end is None and row.get("appointment") is not None:
        start, end, more = parse_range(row.get("appointment"), "appointment", need_both=True)
        problems += more
    if (start is None) != (end is None) and not problems:
        field = "appointment_end" if end is None else "appointment_start"
        problems.append(Problem.of(MESSAGES, "term_half", field))
    if start is not None and end is not None:
        data.appointments.append((start, end))
    return problems


def parse_range(
    value: Any, field: str, need_both: bool = False
) -> tuple[date | None, date | None, list[Problem]]:
    """A date or a range "2024.1.1-2026.12.31" / "2021.12-2024.12" (months: whole months)."""
    if text(value) is None:
        return None, None, []
    if not isinstance(value, str):
        day, problems = parse_date(value, field)
        return None, day, problems
    days = [parse_date(m, field)[0] for m in _DAY.findall(value)]
    if len(days) == 2 and None not in days:
        return days[0], days[1], []
    if not days and len(months := _MONTH.findall(value)) == 2:
        (y1, m1), (y2, m2) = ((int(y), int(m)) for y, m in months)
        if 1 <= m1 <= 12 and 1 <= m2 <= 12 and _year(y1) and _year(y2):
            return date(y1, m1, 1), date(y2, m2, calendar.monthrange(y2, m2)[1]), []
    if not need_both:
        day, problems = parse_date(value, field)
        if day is not None:
            return None, day, []
        months = _MONTH.findall(value)
        if len(months) == 1 and 1 <= int(months[0][1]) <= 12 and _year(int(months[0][0])):
            y, m = int(months[0][0]), int(months[0][1])
            return None, date(y, m, calendar.monthrange(y, m)[1]), []
    return None, None, [Problem.of(MESSAGES, "bad_range", field, value=text(value))]


def _year(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR  # as services.cells.parse_date reads years


def _place(problems: list[Problem], row: Row, table: Table) -> list[Problem]:
    return [p.at(row.number, column_of(p.field, table)) for p in problems]


def column_of(field: str, table: Table) -> str | None:
    """The heading as written of the column a problem about `field` belongs to."""
    for name in COLUMN_OF.get(field, (field,)):
        if table.column(name):
            return table.column(name)
    return None


COLUMN_OF = {
    "appointment": ("appointment", "appointment_start", "appointment_end"),
    "top_level": ("top_level", "occupation"),
    "sex": ("sex", "document_number"),
    "birth_month": ("birth_month", "document_number"),
    "grade": ("grade", "certificate_number"),
}
