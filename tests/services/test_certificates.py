"""Certificate numbers (SPEC 5): format and parse, allocation, refusal, concurrency."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from dbtools import drop_database, fresh_database
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from models import Certificate, CertificateSerial, Examiner, Institution
from models.base import Grade
from models.db import session_factory, transaction
from services.messages import Refused
from services.people.certificates import (
    CertificateNumber,
    allocate,
    format_number,
    highest_stored,
    number_problem,
    parse_number,
    term_end,
)
from solver.schema import Period, appointment_too_long

WORKER = Path(__file__).with_name("certificate_worker.py")


# --- format and parse ---------------------------------------------------------------------


def test_the_notices_example_parses_with_a_seven_digit_code() -> None:
    parsed = parse_number("21320400520001", "3204005")
    assert parsed == CertificateNumber(2021, "3204005", Grade.EXAMINER, 1)
    assert str(parsed) == "21320400520001"


def test_an_eight_digit_code_parses_and_formats() -> None:
    number = format_number(2026, "32040051", Grade.SENIOR, 1234)
    assert number == "263204005111234"
    assert len(number) == 15
    assert parse_number(number, "32040051") == CertificateNumber(
        2026, "32040051", Grade.SENIOR, 1234
    )


def test_the_same_digits_read_differently_with_the_other_code_length() -> None:
    # 7-digit code 3204005 then grade 1; an 8-digit institution 32040051 cannot read it.
    assert parse_number("21320400510001", "3204005").grade == Grade.SENIOR
    assert number_problem("21320400510001", "32040051") is not None


@pytest.mark.parametrize(
    ("number", "code", "key"),
    [
        ("2132040052001", "3204005", "bad_number"),  # serial of 3 digits
        ("213204005200001", "3204005", "bad_number"),  # serial of 5 digits
        ("21320400530001", "3204005", "bad_number"),  # grade digit 3
        ("21320400620001", "3204005", "bad_number"),  # another institution
        ("2A320400520001", "3204005", "bad_number"),
        ("21320400520000", "3204005", "zero_serial"),
        ("21320400520001", "320400", "bad_institution_code"),
        ("21320400520001", "320400512", "bad_institution_code"),
    ],
)
def test_malformed_numbers_are_refused_with_a_reason(number: str, code: str, key: str) -> None:
    problem = number_problem(number, code)
    assert problem is not None
    assert problem.templates["zh"] == problem.templates["zh"]  # a catalog entry, both languages
    assert {"zh", "en"} <= set(problem.templates)
    from services.people.certificates import MESSAGES

    assert problem.templates is MESSAGES[key]
    with pytest.raises(ValueError):
        parse_number(number, code)


def test_format_refuses_serials_outside_the_range_and_bad_codes() -> None:
    for serial in (0, 10000):
        with pytest.raises(ValueError):
            format_number(2026, "3204005", Grade.EXAMINER, serial)
    with pytest.raises(ValueError):
        format_number(2026, "320400", Grade.EXAMINER, 1)


@given(
    year=st.integers(2000, 2099),
    code=st.from_regex(r"\d{7,8}", fullmatch=True),
    grade=st.sampled_from(list(Grade)),
    serial=st.integers(1, 9999),
)
def test_formatting_then_parsing_gives_the_parts_back(
    year: int, code: str, grade: Grade, serial: int
) -> None:
    number = format_number(year, code, grade, serial)
    assert len(number) == 2 + len(code) + 1 + 4
    assert parse_number(number, code) == CertificateNumber(year, code, grade, serial)


def test_term_end_is_the_day_before_the_anniversary_and_never_too_long() -> None:
    assert term_end(date(2026, 5, 1), 3) == date(2029, 4, 30)
    assert term_end(date(2024, 2, 29), 3) == date(2027, 2, 28)
    assert term_end(date(2026, 1, 1), 1) == date(2026, 12, 31)
    for start in (date(2024, 2, 29), date(2025, 3, 1), date(2026, 12, 31)):
        period = Period(start=start.isoformat(), end=term_end(start, 3).isoformat())
        assert not appointment_too_long(period)


# --- allocation ------------------------------------------------------------------------------


def _fresh_examiner(make, institution: Institution, grade: Grade = Grade.EXAMINER) -> Examiner:
    """An examiner whose factory certificate (year 2024) stays out of the years tested here."""
    return make.examiner(institution, grade=grade)


def _imported(examiner: Examiner, serial: int) -> Certificate:
    """A 2026 examiner-grade certificate of institution 3204005 that came in by import."""
    return Certificate(
        examiner_id=examiner.id,
        number=f"2632040052{serial:04d}",
        grade=Grade.EXAMINER,
        year=2026,
        serial=serial,
        issue_date=date(2026, 1, 5),
        valid_until=date(2028, 12, 31),
    )


def test_allocation_is_sequential_per_year_grade_and_institution(db, make) -> None:
    first = make.institution(code="3204005")
    other = make.institution(code="32040099")
    examiner = _fresh_examiner(make, first)
    outsider = _fresh_examiner(make, other)
    day = date(2026, 3, 1)
    numbers = [allocate(db, first, examiner, Grade.EXAMINER, day).number for _ in range(3)]
    assert numbers == ["26320400520001", "26320400520002", "26320400520003"]
    assert allocate(db, first, examiner, Grade.SENIOR, day).number == "26320400510001"
    assert allocate(db, first, examiner, Grade.EXAMINER, date(2027, 1, 2)).serial == 1
    assert allocate(db, other, outsider, Grade.EXAMINER, day).number == "263204009920001"
    assert allocate(db, first, examiner, Grade.EXAMINER, day).serial == 4


def test_a_certificate_is_stored_with_its_parts_and_default_validity(db, make) -> None:
    institution = make.institution(code="3204005", certificate_years=3)
    examiner = _fresh_examiner(make, institution)
    certificate = allocate(db, institution, examiner, Grade.EXAMINER, date(2026, 5, 1))
    stored = db.get(Certificate, certificate.id)
    assert (stored.year, stored.serial, stored.grade) == (2026, 1, Grade.EXAMINER)
    assert stored.examiner_id == examiner.id
    assert stored.valid_until == date(2029, 4, 30)
    assert parse_number(stored.number, "3204005").serial == 1


def test_validity_follows_the_institution_and_can_be_given(db, make) -> None:
    institution = make.institution(certificate_years=5)
    examiner = _fresh_examiner(make, institution)
    day = date(2026, 5, 1)
    assert allocate(db, institution, examiner, Grade.SENIOR, day).valid_until == date(2031, 4, 30)
    given_until = allocate(db, institution, examiner, Grade.SENIOR, day, date(2027, 1, 1))
    assert given_until.valid_until == date(2027, 1, 1)


def test_bad_validity_and_a_foreign_examiner_are_refused_together(db, make) -> None:
    institution = make.institution()
    outsider = _fresh_examiner(make, make.institution())
    with pytest.raises(Refused) as refused:
        allocate(db, institution, outsider, Grade.EXAMINER, date(2026, 5, 1), date(2026, 4, 1))
    fields = [p.field for p in refused.value.problems]
    assert fields == ["institution_code", "valid_until"]
    assert "不属于机构" in refused.value.lines("zh")[0]
    assert "before the issue date" in refused.value.lines("en")[1]


def test_imported_numbers_are_never_reused(db, make) -> None:
    institution = make.institution(code="3204005")
    examiner = _fresh_examiner(make, institution)
    imported = _imported(examiner, 41)
    db.add(imported)  # not flushed: allocation must still see it
    assert allocate(db, institution, examiner, Grade.EXAMINER, date(2026, 2, 1)).serial == 42
    assert allocate(db, institution, examiner, Grade.EXAMINER, date(2026, 2, 1)).serial == 43
    # The counter moved past the imported number, so it stays ahead of it.
    counter = db.get(CertificateSerial, (institution.id, 2026, Grade.EXAMINER))
    assert counter.last_serial == 43
    # Senior numbers of that year are a separate series.
    assert allocate(db, institution, examiner, Grade.SENIOR, date(2026, 2, 1)).serial == 1


def test_an_import_ahead_of_the_counter_is_jumped_over(db, make) -> None:
    institution = make.institution(code="3204005")
    examiner = _fresh_examiner(make, institution)
    assert allocate(db, institution, examiner, Grade.EXAMINER, date(2026, 2, 1)).serial == 1
    db.add(_imported(examiner, 7))
    assert allocate(db, institution, examiner, Grade.EXAMINER, date(2026, 2, 1)).serial == 8
    assert highest_stored(db, institution, 2026, Grade.EXAMINER) == 8


def test_the_factory_certificates_count_as_stored(db, make) -> None:
    institution = make.institution()
    examiner = make.examiner(institution, grade=Grade.SENIOR)  # 2024 certificate, serial n
    stored = examiner.certificates[0].serial
    certificate = allocate(db, institution, examiner, Grade.SENIOR, date(2024, 6, 1))
    assert certificate.serial == stored + 1


def test_the_ten_thousandth_serial_is_refused(db, make) -> None:
    institution = make.institution(code="3204005")
    examiner = _fresh_examiner(make, institution)
    db.add(CertificateSerial(institution_id=institution.id, year=2026, grade=Grade.EXAMINER))
    counter = db.get(CertificateSerial, (institution.id, 2026, Grade.EXAMINER))
    counter.last_serial = 9998
    db.flush()
    last = allocate(db, institution, examiner, Grade.EXAMINER, date(2026, 5, 1))
    assert last.number == "26320400529999"
    with pytest.raises(Refused) as refused:
        allocate(db, institution, examiner, Grade.EXAMINER, date(2026, 5, 1))
    assert "2026年考评员证书顺序号已用完" in refused.value.lines("zh")[0]
    assert "used up" in refused.value.lines("en")[0]
    assert counter.last_serial == 9999  # the loaded row follows the counter
    # Another grade, or the next year, still has numbers.
    assert allocate(db, institution, examiner, Grade.SENIOR, date(2026, 5, 1)).serial == 1
    assert allocate(db, institution, examiner, Grade.EXAMINER, date(2027, 1, 1)).serial == 1


def test_an_imported_9999_leaves_no_serial_to_allocate(db, make) -> None:
    institution = make.institution(code="3204005")
    examiner = _fresh_examiner(make, institution)
    db.add(_imported(examiner, 9999))
    with pytest.raises(Refused):
        allocate(db, institution, examiner, Grade.EXAMINER, date(2026, 5, 1))


# --- concurrency -----------------------------------------------------------------------------

PROCESSES = 4
PER_PROCESS = 15


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_processes_allocating_at_once_never_share_a_number(backend: str, tmp_path: Path) -> None:
    database = fresh_database(backend, tmp_path)
    try:
        with transaction(session_factory(database.engine), "tester") as session:
            institution = Institution(code="3204005", name="并发测试机构")
            session.add(institution)
            session.flush()
            examiner = _committed_examiner(session, institution)
        numbers = _run_workers(database, institution.id, examiner.id, tmp_path)
        total = PROCESSES * PER_PROCESS
        assert len(numbers) == total
        assert len(set(numbers)) == total
        serials = sorted(parse_number(n, "3204005").serial for n in numbers)
        assert serials == list(range(1, total + 1))
        with database.engine.connect() as connection:
            stored = connection.execute(select(Certificate.number)).scalars().all()
        assert sorted(stored) == sorted(numbers)
    finally:
        drop_database(database)


def _committed_examiner(session, institution: Institution) -> Examiner:
    from models.base import DocumentType, Sex

    examiner = Examiner(
        institution_id=institution.id,
        code="E0001",
        name="并发",
        sex=Sex.MALE,
        document_type=DocumentType.PASSPORT,
        document_number="E12345678",
        grade=Grade.EXAMINER,
    )
    session.add(examiner)
    session.flush()
    return examiner


def _run_workers(database, institution_id: int, examiner_id: int, tmp_path: Path) -> list[str]:
    go = tmp_path / "go"
    args = [
        database.url,
        database.schema or "-",
        str(institution_id),
        str(examiner_id),
        Grade.EXAMINER.value,
        str(PER_PROCESS),
        str(go),
    ]
    children = [
        subprocess.Popen(
            [sys.executable, str(WORKER), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    for child in children:  # every child connected and waiting: start them together
        assert child.stdout.readline().strip() == "ready"
    go.touch()
    numbers = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        numbers += out.split()
    return numbers
