"""Masked data stays unrecoverable: searches match ID numbers and phones only in what the
reader sees, LIKE wildcards are literal, who sees what, failed sign-ins keep no typed secret.
On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from factories import resident_id
from sqlalchemy import select

from models import AuditEvent, PanelSeat
from models.base import ConflictKind, Role, SeatRole, SessionStatus
from services.discipline.conflict_lists import conflict_page, organizations_like
from services.discipline.conflicts import register_conflict
from services.discipline.invalid_rows import invalid_rows
from services.exports.layout import mask_id, mask_phone
from services.filing.forms import form_rows, summary_rows
from services.filing.forms_rows import chosen_examiners
from services.institution.privacy import Sight, set_viewers_see_phones, sight
from services.institution.users import create_user, sign_in
from services.messages import Refused
from services.people.history import examiner_history
from services.people.queries import Filters, examiner_page, examiners_matching
from services.planning.sheet_rows import panel_rows
from services.search import like_pattern

TODAY = date(2026, 3, 1)
MASKED = Sight(ids=False, phones=False, relations=False)
NUMBER = resident_id(date(1965, 3, 12), 8)  # 320402 19650312 08x c


def codes(db, institution, q: str, seen: Sight) -> list[str]:
    page = examiner_page(db, institution.id, Filters(q=q), TODAY, seen)
    return [row.examiner.code for row in page.rows]


@pytest.fixture
def people(db, make):
    """An institution with one examiner whose ID number and phone are known, and another."""
    home = make.institution()
    make.examiner(home, code="E0001", document_number=NUMBER, phone="13912345678")
    make.examiner(home, code="E0002", phone="0519-86001234")
    return home


def test_a_hidden_digit_never_decides_whether_a_masked_reader_finds_someone(db, people) -> None:
    hidden = NUMBER[6:14]  # the birth date, shown as ********
    for probe in (hidden, NUMBER[5:9], NUMBER[12:16], NUMBER[-5:], NUMBER):
        assert "E0001" not in codes(db, people, probe, MASKED), probe
        assert "E0001" in codes(db, people, probe, Sight.whole()), probe


def test_a_masked_reader_finds_people_by_what_they_see(db, people) -> None:
    shown = mask_id(NUMBER)
    assert shown == NUMBER[:6] + "********" + NUMBER[-4:]
    assert codes(db, people, NUMBER[:6], MASKED) == ["E0001", "E0002"]  # same region
    assert codes(db, people, NUMBER[-4:], MASKED) == ["E0001"]
    assert codes(db, people, NUMBER[-4:].lower(), MASKED) == ["E0001"]  # an X check character
    assert mask_phone("13912345678") == "139****5678"
    assert codes(db, people, "5678", MASKED) == ["E0001"]
    assert codes(db, people, "1234567", MASKED) == []  # hidden digits of the phone
    assert codes(db, people, "1234567", Sight(ids=False, phones=True, relations=True)) == ["E0001"]
    assert codes(db, people, "0519", MASKED) == []  # the landline's head is 051
    assert codes(db, people, "1234", MASKED) == ["E0002"]  # its tail


def test_like_wildcards_are_literal_in_every_search(db, make, people) -> None:
    assert like_pattern("50%_a\\b") == "%50\\%\\_a\\\\b%"
    for text in ("%", "_", "\\"):
        assert codes(db, people, text, Sight.whole()) == []
        assert examiners_matching(db, people.id, text, 0, 10) == (0, [])
        assert conflict_page(db, people, text, 0, 10).total == 0
        assert organizations_like(db, people, text, 10).total == 0
    make.organization(people, name="100%_合格单位")
    assert organizations_like(db, people, "%_", 10).rows == ["100%_合格单位"]


def test_who_sees_what_whole(db, make) -> None:
    home = make.institution()
    assert sight(home, Role.ADMIN) == Sight.whole()
    assert sight(home, Role.PLANNER) == Sight(ids=False, phones=True, relations=True)
    assert sight(home, Role.VIEWER) == MASKED
    set_viewers_see_phones(db, home, True)
    assert sight(home, Role.VIEWER) == Sight(ids=False, phones=True, relations=False)
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "viewers_see_phones"))
    assert [e.details for e in events] == [{"shown": True}]


def test_a_viewers_invalid_results_never_tell_the_kind_of_relationship(db, make) -> None:
    home = make.institution()
    occupation, venue = make.occupation(), make.venue(home)
    candidate = make.candidate(home)
    examiner = make.examiner(home, occupation)
    held = make.session(home, venue, occupation, candidates=[candidate], status=SessionStatus.HELD)
    db.add(PanelSeat(session_id=held.id, examiner_id=examiner.id, role=SeatRole.LEADER))
    db.flush()
    report = register_conflict(db, examiner, ConflictKind.RELATIVE, date(2026, 4, 1),
                               candidate=candidate)  # fmt: skip
    line = report.invalid[0]
    assert "亲属" in line.reason("zh") and "relative" in line.reason("en")
    assert "亲属" not in line.reason("zh", False) and "回避关系" in line.reason("zh", False)
    assert "relative" not in line.reason("en", False)
    [untold], [whole] = invalid_rows(db, home, kind_shown=False), invalid_rows(db, home)
    assert (untold.kind_zh, whole.kind_zh) == ("回避", "亲属")
    assert "亲属" not in untold.reason and "亲属" in whole.reason


def test_a_failed_sign_in_keeps_only_an_existing_users_name(db, make) -> None:
    home = make.institution()
    create_user(db, home, "zhou", "viewer", "zhou-pass-1")
    now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    for name in ("zhou", "S3cret-typed-as-name"):
        with pytest.raises(Refused):
            sign_in(db, name, "wrong", now, attempts=3, minutes=15)
    subjects = db.scalars(
        select(AuditEvent.subject)
        .where(AuditEvent.action == "login_failed")
        .order_by(AuditEvent.id)
    ).all()
    assert subjects[0] == "zhou"
    assert subjects[1].startswith("?") and len(subjects[1]) == 5 and "S3cret" not in subjects[1]
    for _ in range(2):  # an unknown name locks like a known one (the lock tells nothing)
        with pytest.raises(Refused):
            sign_in(db, "S3cret-typed-as-name", "wrong", now, attempts=3, minutes=15)
    with pytest.raises(Refused) as locked:
        sign_in(db, "S3cret-typed-as-name", "wrong", now, attempts=3, minutes=15)
    assert "分钟后再试" in locked.value.lines("zh")[0]


def test_phones_leave_masked_in_the_files_and_lines_a_viewer_gets(db, make) -> None:
    home = make.institution()
    occupation, venue = make.occupation(), make.venue(home)
    leader = make.examiner(home, occupation, phone="13912345678")
    held = make.session(home, venue, occupation)
    panels = {held.code: (leader.code, [leader.code])}
    [row] = panel_rows(db, home, panels, {}, [held.code], whole_phones=False)
    assert row.leader is not None and row.leader.phone == "139****5678"
    [row] = panel_rows(db, home, panels, {}, [held.code])
    assert row.leader is not None and row.leader.phone == "13912345678"
    filed = chosen_examiners(db, home, [leader.code])
    assert form_rows(filed, full_ids=False, whole_phones=False)[0].phone == "139****5678"
    assert summary_rows(filed, full_ids=False, whole_phones=False)[0].phone == "139****5678"
    assert summary_rows(filed, full_ids=False)[0].phone == "13912345678"
    leader.phone = "13800000002"
    db.flush()
    newest = examiner_history(db, leader)[0]
    assert "138****0002" in newest.text("zh", whole_phones=False)
    assert "13800000002" not in newest.text("zh", whole_phones=False)
    assert "13800000002" in newest.text("zh")
