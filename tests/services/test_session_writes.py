"""Sessions by hand (services/schedule/sessions.py): checked as an imported row, duplicates and held
sessions refused, every change audited and in the change history, published plans re-checked."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from models import AssessmentSession, AuditEvent, Change
from models.base import SessionStatus
from services.messages import Refused
from services.planning.plans import solve_and_store
from services.planning.publishing import publish
from services.planning.revalidation import revalidate
from services.schedule.cancel import cancel_session, cancellation, restore_session
from services.schedule.sessions import create_session, update_session
from solver.solve import Options

FAST = Options(time_limit=10, workers=1, deterministic=True, seed=3)
TODAY = date(2026, 3, 1)
NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def world(make):
    """An institution with one venue and the catalogue's 车工: (institution, venue)."""
    inst = make.institution()
    make.occupation(code="6-18-01-01", name="车工")
    return inst, make.venue(inst, code="V01", name="刘国钧考点")


def form(**changes: str) -> dict[str, str]:
    values = {"code": "S100", "venue": "V01", "occupation": "6-18-01-01", "level": "3",
              "start": "2026-03-02T08:30", "end": "2026-03-02T11:30", "candidate_count": "10",
              "modules": "", "panel_size": ""}  # fmt: skip
    return values | changes


def refused(call, *args) -> dict[str, str]:
    """The refusal's reasons (zh) by field."""
    with pytest.raises(Refused) as caught:
        call(*args)
    return {p.field: p.reason("zh") for p in caught.value.problems}


def count(db, model, *where) -> int:
    return db.scalar(select(func.count()).select_from(model).where(*where))


def events(db, action: str) -> list[AuditEvent]:
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_session_is_added_with_its_history_and_audit(db, world) -> None:
    inst, venue = world
    saved = create_session(
        db, inst.id, form(occupation="车工", level="三级/高级工", panel_size="5")
    )
    row = saved.session
    assert saved.outcome == "created" and saved.notice() is None
    assert (row.code, row.venue_id, row.level, row.panel_size) == ("S100", venue.id, 3, 5)
    assert (row.start, row.end) == (datetime(2026, 3, 2, 8, 30), datetime(2026, 3, 2, 11, 30))
    assert row.status == SessionStatus.PLANNED and row.occupation.name == "车工"
    change = db.scalar(select(Change).where(Change.entity == "sessions"))
    assert change.action == "insert" and change.changes["code"] == [None, "S100"]
    (event,) = events(db, "create_session")
    assert event.subject == "S100" and event.details["venue"] == "V01"
    assert event.actor == "tester" and event.institution_id == inst.id


def test_each_bad_value_is_refused_by_its_field_with_the_import_reasons(db, world) -> None:
    inst, _ = world
    bad = form(code="", venue="V99", occupation="钳工", level="六级", start="明天",
               end="2026-03-02T07:00", candidate_count="-1", modules="0", panel_size="2")  # fmt: skip
    reasons = refused(create_session, db, inst.id, bad)
    assert reasons["code"] == "不能为空"
    assert "V99" in reasons["venue"] and "考点页" in reasons["venue"]
    assert reasons["occupation"] == "职业“钳工”不在职业目录中"
    assert "不是级别" in reasons["level"] and "不是日期时间" in reasons["start"]
    assert "不小于 0" in reasons["candidate_count"] and "不小于 1" in reasons["modules"]
    assert "不小于 3" in reasons["panel_size"]
    order = refused(create_session, db, inst.id, form(end="2026-03-02T08:00"))
    assert "不晚于开始时间" in order["end"]
    assert count(db, AssessmentSession) == 0 and count(db, AuditEvent) == 0


def test_empty_fields_are_missing_as_empty_cells_are(db, world) -> None:
    inst, _ = world
    empty = dict.fromkeys(("code", "venue", "occupation", "level", "start", "end"), " ")
    reasons = refused(create_session, db, inst.id, form(**empty))
    assert reasons == dict.fromkeys(("code", "venue", "occupation", "level", "start", "end"),
                                    "不能为空")  # fmt: skip
    assert count(db, AssessmentSession) == 0


def test_an_end_may_be_a_time_of_the_start_day_as_in_the_sheet(db, world) -> None:
    inst, _ = world
    row = create_session(db, inst.id, form(end="11:30")).session
    assert row.end == datetime(2026, 3, 2, 11, 30)


def test_a_used_code_is_refused(db, world) -> None:
    inst, _ = world
    create_session(db, inst.id, form())
    reasons = refused(create_session, db, inst.id, form(start="2026-03-09T08:30",
                                                        end="2026-03-09T11:30"))  # fmt: skip
    assert "S100 已被使用" in reasons["code"] and "2026-03-02 08:30" in reasons["code"]
    assert count(db, AssessmentSession) == 1


def test_an_edit_records_old_and_new_and_keeps_the_code(db, world, make) -> None:
    inst, venue = world
    other = make.venue(inst, code="V02", name="武进考点")
    row = create_session(db, inst.id, form()).session
    wanted = form(code="ZZZ", venue="V02", level="4", start="2026-03-05T13:00",
                  end="2026-03-05T16:00", candidate_count="")  # fmt: skip
    saved = update_session(db, row, wanted)
    assert saved.outcome == "updated" and row.code == "S100" and row.venue is other
    assert (row.level, row.candidate_count) == (4, None)
    change = db.scalar(select(Change).where(Change.action == "update"))
    assert change.changes["venue_id"] == [venue.id, other.id]
    assert change.changes["start"] == ["2026-03-02T08:30:00", "2026-03-05T13:00:00"]
    (event,) = events(db, "edit_session")
    assert event.details["changes"]["venue"] == ["V01", "V02"]
    assert event.details["changes"]["candidate_count"] == [10, None]
    assert update_session(db, row, wanted).outcome == "unchanged"
    assert len(events(db, "edit_session")) == 1


def test_a_session_is_cancelled_with_a_reason_and_restored(db, world) -> None:
    inst, _ = world
    row = create_session(db, inst.id, form()).session
    assert refused(cancel_session, db, row, "  ") == {"reason": "请写明取消原因"}
    assert "最多 200 个字" in refused(cancel_session, db, row, "因" * 201)["reason"]
    assert refused(restore_session, db, row)["status"] == "场次 S100 未取消，无需恢复"
    assert cancel_session(db, row, "考点停电").outcome == "cancelled"
    assert row.status == SessionStatus.CANCELLED
    found = cancellation(db, row)
    assert found is not None and found.reason == "考点停电" and found.actor == "tester"
    assert found.at.utcoffset() == timedelta(hours=8)  # shown on the institutions' clock
    assert refused(cancel_session, db, row, "再取消")["status"] == "场次 S100 已取消"
    assert restore_session(db, row).outcome == "restored"
    assert row.status == SessionStatus.PLANNED and cancellation(db, row) is None
    statuses = [c.changes["status"] for c in db.scalars(select(Change).order_by(Change.id))
                if "status" in c.changes]  # fmt: skip
    assert statuses == [["planned", "cancelled"], ["cancelled", "planned"]]
    assert [e.details.get("reason") for e in events(db, "cancel_session")] == ["考点停电"]
    assert len(events(db, "restore_session")) == 1


def test_a_held_session_is_never_changed_cancelled_or_restored(db, world) -> None:
    inst, _ = world
    row = create_session(db, inst.id, form()).session
    row.status = SessionStatus.HELD
    db.flush()
    held = "场次 S100 已举行，不能再修改"
    assert refused(update_session, db, row, form(level="4")) == {"status": held}
    assert refused(cancel_session, db, row, "太晚") == {"status": held}
    assert refused(restore_session, db, row) == {"status": held}
    assert row.level == 3 and count(db, AuditEvent, AuditEvent.action != "create_session") == 0


def published(make):
    """A published March plan over two sessions on consecutive days, 5 examiners."""
    inst = make.institution()
    occ, venue = make.occupation(), make.venue(inst)
    for _ in range(5):
        make.examiner(inst, occ)
    first = make.session(inst, venue, occ, start=datetime(2026, 3, 2, 9))
    second = make.session(inst, venue, occ, start=datetime(2026, 3, 3, 9))
    plan = solve_and_store(make.db, inst, date(2026, 3, 1), date(2026, 3, 31), FAST)
    return publish(make.db, inst, plan.version), first, second


def staffed_form(session: AssessmentSession, start: str, end: str) -> dict[str, str]:
    return form(venue=session.venue.code, occupation=session.occupation.code,
                start=start, end=end, candidate_count="10")  # fmt: skip


def test_moving_a_staffed_session_names_the_plan_and_the_revalidation_flags_it(db, make) -> None:
    plan, _first, second = published(make)
    assert revalidate(db, TODAY, NOW) == []
    # Both 3-member panels come from 5 examiners: someone sits on both, now at the same time.
    saved = update_session(db, second, staffed_form(second, "2026-03-02T10:00", "2026-03-02T12:00"))
    assert saved.plans == (plan.version,)
    notice = saved.notice("zh") or ""
    assert f"v{plan.version}" in notice and "缺员替补" in notice and "重新排班" in notice
    assert "What if" in (saved.notice("en") or "")
    (alert,) = revalidate(db, TODAY, NOW)
    assert alert.subject_id == plan.id
    assert {f["rule"] for f in alert.params["findings"]} == {"H5"}


def test_cancelling_a_staffed_session_says_to_tell_its_panel(db, make) -> None:
    plan, first, _second = published(make)
    saved = cancel_session(db, first, "考点停电")
    assert saved.plans == (plan.version,) and "通知该小组" in (saved.notice("zh") or "")
    assert "re-checks" in (restore_session(db, first).notice("en") or "")
