"""Certificate numbers (SPEC 5, notice Attachment 2).

Number = year (2 digits) + institution code (as registered: 7 or 8 digits; the notice says
8 but its own example 21 3204005 2 0001 has 7) + grade digit (1 senior, 2 examiner) +
serial (4 digits, per year, institution and grade, from 0001).

`allocate` hands out the next number. Concurrency: the `certificate_serials` row of the
(institution, year, grade) is the lock. It is created if missing with
INSERT ... ON CONFLICT DO NOTHING, then bumped with one atomic
UPDATE ... SET last_serial = last_serial + 1 ... RETURNING. On PostgreSQL the UPDATE takes
the row lock and holds it until the caller commits, so a second allocator waits on it and
then reads the committed value (READ COMMITTED re-reads an updated row); on SQLite the
first write takes the database's write lock, which serialises allocators the same way.
We prefer this to SELECT ... FOR UPDATE because the increment is one statement on both
databases (SQLite has no FOR UPDATE) and there is no read-then-write window at all.
Only while the lock is held do we look at the certificates already stored (numbers
imported from files never went through the counter) and jump above the highest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models import Certificate, CertificateSerial, Examiner, Institution
from models.base import Grade
from services.messages import Problem, Refused

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
    "serials_exhausted": {
        "zh": "{year}年{grade_zh}证书顺序号已用完（最多 9999 个），无法再分配编号",
        "en": "the {year} serials for {grade_en} certificates are used up (at most 9999); no number can be allocated",
    },
    "other_institution": {
        "zh": "考评员 {examiner} 不属于机构 {code}，不能由该机构发证",
        "en": "examiner {examiner} does not belong to institution {code}",
    },
    "validity_order": {
        "zh": "证书有效期 {valid_until} 早于发证日期 {issue_date}",
        "en": "valid until {valid_until} is before the issue date {issue_date}",
    },
}
GRADE_NAMES = {
    Grade.SENIOR: {"zh": "高级考评员", "en": "senior examiner"},
    Grade.EXAMINER: {"zh": "考评员", "en": "examiner"},
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


def term_end(start: date, years: int) -> date:
    """The last day of a term of `years` years from `start` (a 29 February term ends 28 February)."""
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:  # 29 February: the anniversary is 1 March, as the solver counts it
        anniversary = date(start.year + years, 3, 1)
    return anniversary - timedelta(days=1)


def allocate(
    session: Session,
    institution: Institution,
    examiner: Examiner,
    grade: Grade,
    issue_date: date,
    valid_until: date | None = None,
) -> Certificate:
    """Issue the examiner a certificate with the next number of its year, institution and grade."""
    valid_until = valid_until or term_end(issue_date, institution.certificate_years)
    problems = []
    if examiner.institution_id != institution.id:
        problems.append(
            Problem.of(
                MESSAGES,
                "other_institution",
                "institution_code",
                examiner=examiner.code,
                code=institution.code,
            )
        )
    if valid_until < issue_date:
        problems.append(
            Problem.of(
                MESSAGES,
                "validity_order",
                "valid_until",
                valid_until=valid_until.isoformat(),
                issue_date=issue_date.isoformat(),
            )
        )
    if problems:
        raise Refused(problems)
    grade = Grade(grade)
    serial = next_serial(session, institution, issue_date.year, grade)
    certificate = Certificate(
        examiner_id=examiner.id,
        number=format_number(issue_date.year, institution.code, grade, serial),
        grade=grade,
        year=issue_date.year,
        serial=serial,
        issue_date=issue_date,
        valid_until=valid_until,
    )
    session.add(certificate)
    session.flush()
    return certificate


def next_serial(session: Session, institution: Institution, year: int, grade: Grade) -> int:
    """Reserve the next serial (held until the caller's transaction ends); Refused past 9999."""
    session.flush()  # our own unflushed certificates count as stored
    key = {"institution_id": institution.id, "year": year, "grade": grade}
    _ensure_counter(session, key)
    where = [getattr(CertificateSerial, name) == value for name, value in key.items()]
    # The lock (see the module docstring); the guard keeps the counter at 9999 at most. An
    # ORM-enabled UPDATE also brings an already loaded counter row up to date.
    serial = session.execute(
        update(CertificateSerial)
        .where(*where, CertificateSerial.last_serial < MAX_SERIAL)
        .values(last_serial=CertificateSerial.last_serial + 1)
        .returning(CertificateSerial.last_serial)
    ).scalar()
    stored = highest_stored(session, institution, year, grade)
    if serial is not None and serial <= stored < MAX_SERIAL:
        serial = stored + 1
        session.execute(update(CertificateSerial).where(*where).values(last_serial=serial))
    if serial is None or serial <= stored:
        raise Refused([_exhausted(year, grade)])
    return serial


def highest_stored(session: Session, institution: Institution, year: int, grade: Grade) -> int:
    """The highest serial among the institution's stored certificates of `year` and `grade`."""
    found = session.scalar(
        select(func.max(Certificate.serial))
        .join(Examiner, Examiner.id == Certificate.examiner_id)
        .where(
            Examiner.institution_id == institution.id,
            Certificate.year == year,
            Certificate.grade == grade,
        )
    )
    return found or 0


def _ensure_counter(session: Session, key: dict) -> None:
    """Create the counter row unless it exists (a concurrent creator wins quietly)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(cast(Table, CertificateSerial.__table__)).values(**key, last_serial=0)
    session.execute(statement.on_conflict_do_nothing())


def _exhausted(year: int, grade: Grade) -> Problem:
    names = GRADE_NAMES[grade]
    return Problem.of(
        MESSAGES,
        "serials_exhausted",
        "certificate_number",
        year=year,
        grade_zh=names["zh"],
        grade_en=names["en"],
    )
