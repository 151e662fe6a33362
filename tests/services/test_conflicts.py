"""Conflicts of interest (R5): registration, validation, and results voided after the fact."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from models import AuditEvent, Conflict, InvalidResult, PanelSeat
from models.base import ConflictKind, SeatRole, SessionStatus
from services.discipline.conflict_lists import invalid_results
from services.discipline.conflicts import register_conflict
from services.messages import Refused

HELD_ON = datetime(2026, 3, 2, 9, 0)


def _session(db, make, institution, candidates=(), panel=(), start=HELD_ON, **kw):
    """A held session (unless told) with its candidate list and panel in force."""
    kw.setdefault("status", SessionStatus.HELD)
    # Factory.session is shadowed by the Factory's `session` attribute (the db session).
    assessment = make.session(
        institution,
        make.venue(institution),
        make.occupation(),
        start=start,
        candidates=list(candidates),
        **kw,
    )
    for examiner in panel:
        db.add(PanelSeat(session_id=assessment.id, examiner_id=examiner.id, role=SeatRole.MEMBER))
    db.flush()
    return assessment


@pytest.fixture
def world(db, make):
    """An institution with an examiner, an organisation with two candidates, and one more."""
    institution = make.institution()
    school = make.organization(institution, "常州技师学院")
    return {
        "institution": institution,
        "examiner": make.examiner(institution),
        "school": school,
        "pupils": [
            make.candidate(institution, organization_id=school.id, name=f"学生{i}") for i in (1, 2)
        ],
        "stranger": make.candidate(institution),
    }


def test_a_conflict_with_no_held_session_voids_nothing(db, make, world) -> None:
    report = register_conflict(
        db,
        world["examiner"],
        ConflictKind.RELATIVE,
        date(2026, 1, 10),
        candidate=world["stranger"],
        since=date(1990, 1, 1),
        note="表兄弟",
    )
    conflict = db.get(Conflict, report.conflict.id)
    assert (conflict.kind, conflict.candidate_id, conflict.organization_id) == (
        ConflictKind.RELATIVE,
        world["stranger"].id,
        None,
    )
    assert (conflict.since, conflict.declared_on, conflict.note) == (
        date(1990, 1, 1),
        date(2026, 1, 10),
        "表兄弟",
    )
    assert report.invalid == [] and report.unlisted_sessions == []
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "register_conflict")).one()
    assert event.details["invalid_results"] == 0


def test_a_candidate_conflict_voids_that_candidates_result(db, make, world) -> None:
    examiner, stranger = world["examiner"], world["stranger"]
    held = _session(db, make, world["institution"], [stranger, *world["pupils"]], [examiner])
    report = register_conflict(
        db,
        examiner,
        "teacher_student",
        date(2026, 4, 1),
        candidate=stranger,
        since=date(2025, 9, 1),
    )
    assert [(line.session_code, line.candidate_code) for line in report.invalid] == [
        (held.code, stranger.code)
    ]
    line = report.invalid[0]
    assert line.day == date(2026, 3, 2)
    assert line.venue == held.venue.name
    assert (line.candidate_name, line.examiner_code) == (stranger.name, examiner.code)
    assert line.organization == stranger.organization.name
    assert line.kind == ConflictKind.TEACHER_STUDENT
    assert "师生关系（自 2025-09-01 起）" in line.reason("zh") and "成绩无效" in line.reason("zh")
    assert "teacher and student" in line.reason("en") and "invalid" in line.reason("en")
    stored = db.scalars(select(InvalidResult)).one()
    assert (stored.session_id, stored.candidate_id, stored.examiner_id) == (
        held.id,
        stranger.id,
        examiner.id,
    )


def test_an_organisation_conflict_voids_every_listed_candidate_of_it(db, make, world) -> None:
    examiner = world["examiner"]
    pupils = world["pupils"]
    _session(db, make, world["institution"], [world["stranger"], *pupils], [examiner])
    report = register_conflict(
        db, examiner, ConflictKind.INTEREST, date(2026, 4, 1), organization=world["school"]
    )
    assert sorted(line.candidate_code for line in report.invalid) == sorted(p.code for p in pupils)
    assert all("单位 常州技师学院" in line.reason("zh") for line in report.invalid)
    assert all("organisation 常州技师学院" in line.reason("en") for line in report.invalid)


def test_only_held_sessions_with_the_examiner_on_the_panel_count(db, make, world) -> None:
    examiner, stranger = world["examiner"], world["stranger"]
    institution = world["institution"]
    other = make.examiner(institution)
    _session(db, make, institution, [stranger], [other])  # someone else's panel
    for status in (SessionStatus.PLANNED, SessionStatus.CANCELLED):
        _session(db, make, institution, [stranger], [examiner], status=status)
    loner = make.candidate(institution, organization_id=None)  # no organisation: not matched
    _session(db, make, institution, [world["pupils"][0], loner], [examiner])  # not the candidate
    report = register_conflict(
        db, examiner, ConflictKind.RELATIVE, date(2026, 4, 1), candidate=stranger
    )
    assert report.invalid == []
    assert db.scalar(select(func.count(InvalidResult.id))) == 0


def test_a_relationship_that_began_after_the_session_voids_nothing(db, make, world) -> None:
    examiner, stranger = world["examiner"], world["stranger"]
    institution = world["institution"]
    early = _session(db, make, institution, [stranger], [examiner], start=datetime(2025, 6, 1, 9))
    same_day = _session(db, make, institution, [stranger], [examiner])  # 2026-03-02 09:00
    report = register_conflict(
        db,
        examiner,
        ConflictKind.MASTER_APPRENTICE,
        date(2026, 4, 1),
        candidate=stranger,
        since=date(2026, 3, 2),  # began on the session's first day: it counts
    )
    assert [line.session_code for line in report.invalid] == [same_day.code]
    assert early.code not in {line.session_code for line in report.invalid}


def test_an_unknown_start_counts_as_always(db, make, world) -> None:
    examiner, stranger = world["examiner"], world["stranger"]
    institution = world["institution"]
    for year in (2019, 2026):
        _session(db, make, institution, [stranger], [examiner], start=datetime(year, 3, 2, 9))
    report = register_conflict(
        db, examiner, ConflictKind.RELATIVE, date(2026, 4, 1), candidate=stranger
    )
    assert [line.day.year for line in report.invalid] == [2019, 2026]
    assert "（自" not in report.invalid[0].reason("zh")


def test_re_registering_updates_the_conflict_and_adds_no_duplicates(db, make, world) -> None:
    examiner, stranger = world["examiner"], world["stranger"]
    _session(db, make, world["institution"], [stranger], [examiner])
    first = register_conflict(
        db, examiner, ConflictKind.RELATIVE, date(2026, 4, 1), candidate=stranger
    )
    again = register_conflict(
        db, examiner, "relative", date(2026, 4, 2), candidate=stranger, note="补充说明"
    )
    assert again.conflict.id == first.conflict.id
    assert again.conflict.declared_on == date(2026, 4, 2)
    assert len(again.invalid) == 1
    # Another kind of relationship with the same candidate: a second conflict, still one void.
    other = register_conflict(
        db, examiner, ConflictKind.INTEREST, date(2026, 4, 3), candidate=stranger
    )
    assert other.conflict.id != first.conflict.id and len(other.invalid) == 1
    assert db.scalar(select(func.count(Conflict.id))) == 2
    assert db.scalar(select(func.count(InvalidResult.id))) == 1


def test_a_held_session_without_a_list_is_reported_for_checking(db, make, world) -> None:
    examiner = world["examiner"]
    unlisted = _session(db, make, world["institution"], [], [examiner])
    report = register_conflict(
        db, examiner, ConflictKind.INTEREST, date(2026, 4, 1), organization=world["school"]
    )
    assert report.invalid == []
    assert report.unlisted_sessions == [unlisted.code]


def test_invalid_results_lists_the_institutions_voids_in_order(db, make, world) -> None:
    examiner, stranger = world["examiner"], world["stranger"]
    institution = world["institution"]
    late = _session(db, make, institution, [*world["pupils"]], [examiner])
    early = _session(db, make, institution, [stranger], [examiner], start=datetime(2025, 11, 3, 9))
    register_conflict(db, examiner, "relative", date(2026, 4, 1), candidate=stranger)
    register_conflict(db, examiner, "interest", date(2026, 4, 1), organization=world["school"])
    lines = invalid_results(db, institution)
    assert [(line.session_code, line.candidate_code) for line in lines] == [
        (early.code, stranger.code),
        *sorted((late.code, p.code) for p in world["pupils"]),
    ]
    assert invalid_results(db, make.institution()) == []


def test_every_problem_is_listed(db, make, world) -> None:
    examiner = world["examiner"]
    elsewhere = make.institution()
    foreign = make.candidate(elsewhere)
    with pytest.raises(Refused) as refused:
        register_conflict(
            db,
            examiner,
            "cousin",
            date(2026, 1, 1),
            candidate=foreign,
            organization=world["school"],
            since=date(2026, 2, 1),
        )
    fields = [p.field for p in refused.value.problems]
    assert fields == ["kind", "conflict_target", "conflict_target", "since"]
    zh = refused.value.lines("zh")
    assert "cousin" in zh[0] and "二者选一" in zh[1] and "不属于考评员" in zh[2]
    assert "2026-02-01" in zh[3]
    assert "after it was declared" in refused.value.lines("en")[3]
    with pytest.raises(Refused) as refused:
        register_conflict(db, examiner, "relative", date(2026, 1, 1))
    assert [p.field for p in refused.value.problems] == ["conflict_target"]
    assert db.scalar(select(func.count(Conflict.id))) == 0
