"""The database itself refuses rows that break the domain's invariants (both backends)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy.exc import IntegrityError, StatementError

from models import Appointment, AssessmentSession, Conflict, Institution, Qualification
from models.base import ConflictKind


def _refused(db, row) -> None:
    savepoint = db.begin_nested()
    db.add(row)
    with pytest.raises((IntegrityError, StatementError)):
        db.flush()
    savepoint.rollback()


@pytest.mark.parametrize("code", ["320400", "320400501"])
def test_institution_codes_have_7_or_8_characters(db, code) -> None:
    _refused(db, Institution(code=code, name="x"))


def test_an_appointment_cannot_end_before_it_starts(db, make) -> None:
    examiner = make.examiner(make.institution())
    _refused(db, Appointment(examiner_id=examiner.id, start=date(2026, 5, 1), end=date(2026, 4, 1)))


def test_a_conflict_names_exactly_one_target(db, make) -> None:
    institution = make.institution()
    examiner = make.examiner(institution)
    candidate = make.candidate(institution)
    both = Conflict(
        examiner_id=examiner.id,
        candidate_id=candidate.id,
        organization_id=candidate.organization_id,
        kind=ConflictKind.RELATIVE,
        declared_on=date(2026, 1, 1),
    )
    _refused(db, both)
    neither = Conflict(
        examiner_id=examiner.id, kind=ConflictKind.RELATIVE, declared_on=date(2026, 1, 1)
    )
    _refused(db, neither)


def test_levels_and_panel_sizes_are_bounded(db, make) -> None:
    institution = make.institution()
    occupation = make.occupation()
    venue = make.venue(institution)
    examiner = make.examiner(institution)
    _refused(db, Qualification(examiner_id=examiner.id, occupation_id=occupation.id, top_level=6))
    start = datetime(2026, 3, 1, 9)
    row = {
        "institution_id": institution.id,
        "venue_id": venue.id,
        "occupation_id": occupation.id,
        "start": start,
        "end": datetime(2026, 3, 1, 12),
    }
    _refused(db, AssessmentSession(code="L0", level=0, **row))
    _refused(db, AssessmentSession(code="P2", level=3, panel_size=2, **row))
    _refused(db, AssessmentSession(code="T0", level=3, **(row | {"end": start})))


def test_an_unknown_enum_value_is_refused(db, make) -> None:
    examiner = make.examiner(make.institution())
    savepoint = db.begin_nested()
    with pytest.raises((StatementError, LookupError)):
        examiner.status = "retired"
        db.flush()
    savepoint.rollback()
