"""The conflicts register and the voided results read a page at a time (with their totals),
and organisations found by name: on both databases."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import inspect

from models import Conflict, PanelSeat
from models.base import ConflictKind, SeatRole, SessionStatus
from services.discipline.conflict_lists import (
    conflict_page,
    invalid_page,
    invalid_results,
    organization_named,
    organizations_like,
)
from services.discipline.conflicts import register_conflict


@pytest.fixture
def voided(db, make):
    """An institution whose examiner sat on 3 held sessions of 3 pupils of one school, and
    a conflict with the school: 9 voided results."""
    institution = make.institution()
    school = make.organization(institution, "常州技师学院")
    pupils = [make.candidate(institution, organization_id=school.id) for _ in range(3)]
    examiner = make.examiner(institution)
    venue, occupation = make.venue(institution), make.occupation()
    for day in range(3):
        start = datetime(2026, 3, 2, 9) + timedelta(days=day)
        held = make.session(
            institution, venue, occupation, start, candidates=pupils, status=SessionStatus.HELD
        )
        db.add(PanelSeat(session_id=held.id, examiner_id=examiner.id, role=SeatRole.LEADER))
    db.flush()
    report = register_conflict(
        db, examiner, ConflictKind.INTEREST, date(2026, 4, 1), organization=school
    )
    return institution, report


def test_the_lists_say_what_the_registration_reported(db, voided) -> None:
    """The report is built from the rows in hand, the lists from one query: the same lines."""
    institution, report = voided
    key = lambda line: (line.session_code, line.candidate_code)  # noqa: E731
    assert sorted(invalid_results(db, institution), key=key) == sorted(report.invalid, key=key)
    assert "单位 常州技师学院" in report.invalid[0].reason("zh")


def test_voided_results_come_in_pages_in_the_reports_order(db, make, voided) -> None:
    voided, _report = voided
    every = invalid_results(db, voided)
    assert len(every) == 9
    pages = [invalid_page(db, voided, offset, 4) for offset in (0, 4, 8)]
    assert [page.total for page in pages] == [9, 9, 9]
    assert [line for page in pages for line in page.rows] == every
    assert invalid_page(db, voided, 20, 4).rows == []
    assert invalid_page(db, make.institution(), 0, 4).total == 0


def test_the_register_is_paged_latest_declared_first_and_searched(db, make) -> None:
    institution = make.institution()
    school = make.organization(institution, "武进100%职业学校")
    examiners = [make.examiner(institution, name=f"张{n}") for n in range(3)]
    pupil = make.candidate(institution, name="李同学")
    for n, examiner in enumerate(examiners):
        declared = date(2026, 1, 1 + n)
        register_conflict(db, examiner, "relative", declared, candidate=pupil)
    register_conflict(db, examiners[0], "interest", date(2026, 2, 1), organization=school)
    first, second = (
        conflict_page(db, institution, "", 0, 3),
        conflict_page(db, institution, "", 3, 3),
    )
    assert (first.total, second.total) == (4, 4)
    declared = [c.declared_on for c in first.rows + second.rows]
    assert declared == sorted(declared, reverse=True) and len(set(first.rows + second.rows)) == 4
    assert conflict_page(db, institution, examiners[1].code, 0, 10).total == 1
    assert conflict_page(db, institution, "张2", 0, 10).rows[0].examiner_id == examiners[2].id
    assert conflict_page(db, institution, "李同学", 0, 10).total == 3
    assert conflict_page(db, institution, pupil.code, 0, 10).total == 3
    by_school = conflict_page(db, institution, "100%职业", 0, 10)
    assert [c.organization_id for c in by_school.rows] == [school.id]
    assert conflict_page(db, institution, "%", 0, 10).total == 1  # a literal %, not a wildcard
    assert conflict_page(db, make.institution(), "", 0, 10).total == 0


def test_organisations_are_found_by_name_in_the_institution_only(db, make) -> None:
    institution, elsewhere = make.institution(), make.institution()
    names = ["常州技师学院", "常州交通技师学院", "金坛化工厂"]
    for name in names:
        make.organization(institution, name)
    other = make.organization(elsewhere, "常州技师学院")
    assert organization_named(db, institution, "常州技师学院").institution_id == institution.id
    assert organization_named(db, elsewhere, "常州技师学院") == other
    assert organization_named(db, institution, "技师学院") is None
    like = organizations_like(db, institution, "技师", 1)
    assert like.total == 2 and len(like.rows) == 1 and "技师" in like.rows[0]
    every = organizations_like(db, institution, "", 10)  # by name, in the database's collation
    assert (set(every.rows), every.total) == (set(names), 3)
    assert organizations_like(db, institution, "_", 10).total == 0  # not a LIKE wildcard


def test_a_page_holds_the_conflicts_people_and_organisations(db, make) -> None:
    """The rows come with what the page shows (examiner, candidate, organisation) loaded."""
    institution = make.institution()
    examiner = make.examiner(institution)
    pupil = make.candidate(institution)
    register_conflict(db, examiner, "relative", date(2026, 1, 1), candidate=pupil)
    db.expire_all()
    (row,) = conflict_page(db, institution, "", 0, 10).rows
    assert not {"examiner", "candidate", "organization"} & inspect(row).unloaded
    assert isinstance(row, Conflict) and row.examiner.code == examiner.code
    assert row.candidate is not None and row.candidate.code == pupil.code


def test_a_candidate_conflict_with_a_start_reads_the_same_in_the_list(db, make) -> None:
    institution = make.institution()
    pupil, examiner = make.candidate(institution, name="王同学"), make.examiner(institution)
    held = make.session(
        institution, make.venue(institution), make.occupation(), datetime(2026, 3, 2, 9),
        candidates=[pupil], status=SessionStatus.HELD,
    )  # fmt: skip
    db.add(PanelSeat(session_id=held.id, examiner_id=examiner.id, role=SeatRole.MEMBER))
    db.flush()
    report = register_conflict(
        db, examiner, "relative", date(2026, 4, 1), candidate=pupil, since=date(2001, 5, 6)
    )
    (line,) = invalid_results(db, institution)
    assert [line] == report.invalid == invalid_page(db, institution, 0, 10).rows
    assert f"考生 {pupil.code} 王同学" in line.reason("zh") and "2001-05-06" in line.reason("en")
