"""Certificate numbers (SPEC 5, notice Attachment 2).

Number = year (2 digits) + institution code (as registered: 7 or 8 digits; the notice says
8 but its own example 21 3204005 2 0001 has 7) + grade digit (1 senior, 2 examiner) +
serial (4 digits, per year, institution and grade, from 0001).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.base import Grade

from .messages import Problem

GRADE_DIGIT = {Grade.SENIOR: "1", Grade.EXAMINER: "2"}
MAX_SERIAL = 9999
INSTITUTION_CODE = re.compile(r"\d{7,8}")

MESSAGES = {
    "bad_institution_code": {
        "zh": "机构代码 {code} 应为 7 或 8 位数字",
        "en": "institution code {code} must be 7 or 8 digits",
    },
    "bad_number": {
        "zh": "证书编号 {number} 格式不符：应为 年份2位 + 机构代码{code} + 级别1位（1 高级考评员 / 2 考评员）+ 顺序号4位",
        "en": "certificate number {number} does not match: 2-digit year + institution code {code} + grade digit (1 senior / 2 examiner) + 4-digit serial",
    },
    "zero_serial": {
        "zh": "证书编号 {number} 的顺序号不能为 0000",
        "en": "certificate number {number} has serial 0000",
    },
}


@dataclass(frozen=True)
class CertificateNumber:
    """The parts of a certificate number."""

    year: int  # four digits
    institution_code: str
    grade: Grade
    serial: int

    def __str__(self) -> str:
        return f"{self.year % 100:02d}{self.institution_code}{GRADE_DIGIT[self.grade]}{self.serial:04d}"


def format_number(year: int, institution_code: str, grade: Grade, serial: int) -> str:
    """Concatenate the parts of a certificate number."""
    if not 1 <= serial <= MAX_SERIAL:
        raise ValueError(f"serial {serial} outside 1..{MAX_SERIAL}")
    if not INSTITUTION_CODE.fullmatch(institution_code):
        raise ValueError(f"institution code {institution_code!r} is not 7 or 8 digits")
    return str(CertificateNumber(year, institution_code, grade, serial))


def parse_number(number: str, institution_code: str, century: int = 2000) -> CertificateNumber:
    """Split `number` using the institution's code length; raise `Refused`-ready `ValueError`."""
    problem = number_problem(number, institution_code)
    if problem is not None:
        raise ValueError(problem.reason("en"))
    n = len(institution_code)
    grade = Grade.SENIOR if number[2 + n] == "1" else Grade.EXAMINER
    return CertificateNumber(
        century + int(number[:2]), institution_code, grade, int(number[3 + n :])
    )


def number_problem(number: str, institution_code: str) -> Problem | None:
    """Why `number` is not a certificate number of this institution, or None."""
    if not INSTITUTION_CODE.fullmatch(institution_code):
        return Problem.of(
            MESSAGES, "bad_institution_code", "institution_code", code=institution_code
        )
    pattern = rf"\d{{2}}{re.escape(institution_code)}[12]\d{{4}}"
    if not re.fullmatch(pattern, number):
        return Problem.of(
            MESSAGES, "bad_number", "certificate_number", number=number, code=institution_code
        )
    if number.endswith("0000"):
        return Problem.of(MESSAGES, "zero_serial", "certificate_number", number=number)
    return None
