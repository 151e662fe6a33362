"""Venues by hand (services/schedule/venues.py): every value checked by field, codes and names never
repeat, the owner typed by name, changes audited, published plans re-checked for H4."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from models import AuditEvent, Change, Conflict, Organization, Venue
from models.base import ConflictKind
from services.messages import Refused
from services.planning.plans import solve_and_store
from services.planning.publishing import publish
from services.planning.revalidation import revalidate
from services.schedule.venues import save_venue
from solver.solve import Options

FAST = Options(time_limit=10, workers=1, deterministic=True, seed=3)
TODAY = date(2026, 3, 1)
NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
FORM = {"code": "V10", "name": "刘国钧考点", "organization": "常州刘国钧高等职业技术学校",
        "address": "常州市天宁区"}  # fmt: skip


def refused(db, inst, values, stored=None) -> dict[str, str]:
    with pytest.raises(Refused) as caught:
        save_venue(db, inst.id, values, stored)
    return {p.field: p.reason("zh") for p in caught.value.problems}


def count(db, model, *where) -> int:
    return db.scalar(select(func.count()).select_from(model).where(*where))


def test_a_venue_is_added_with_a_new_owner_audited_and_in_the_history(db, make) -> None:
    inst = make.institution()
    saved = save_venue(db, inst.id, FORM)
    venue = saved.venue
    assert saved.outcome == "created" and saved.notice() is None
    assert (venue.code, venue.name, venue.address) == ("V10", "刘国钧考点", "常州市天宁区")
    assert venue.organization.name == "常州刘国钧高等职业技术学校"
    assert venue.organization.institution_id == inst.id
    change = db.scalar(select(Change).where(Change.entity == "venues"))
    assert change.action == "insert" and change.changes["code"] == [None, "V10"]
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "create_venue"))
    assert event.subject == "V10" and event.details["organization"] == FORM["organization"]


def test_missing_and_too_long_values_are_refused_by_field(db, make) -> None:
    inst = make.institution()
    reasons = refused(db, inst, {"code": " ", "name": "", "organization": None, "address": ""})
    assert reasons == {"code": "不能为空", "name": "不能为空", "organization": "不能为空"}
    long = refused(db, inst, FORM | {"code": "V" * 41, "address": "路" * 301})
    assert long == {"code": "最多 40 个字（现为 41 个）", "address": "最多 300 个字（现为 301 个）"}
    assert count(db, Venue) == 0 and count(db, Organization) == 0


def test_a_code_or_name_already_used_is_refused(db, make) -> None:
    inst = make.institution()
    first = save_venue(db, inst.id, FORM).venue
    reasons = refused(db, inst, FORM)
    assert reasons["code"] == "考点编号 V10 已被考点“刘国钧考点”使用"
    assert reasons["name"] == "已有名为“刘国钧考点”的考点（编号 V10）"
    other = save_venue(db, inst.id, FORM | {"code": "V11", "name": "武进考点"}).venue
    assert "V10" in refused(db, inst, FORM | {"name": "武进考点"}, other)["code"]
    assert save_venue(db, inst.id, FORM, first).outcome == "unchanged"
    elsewhere = make.institution()  # another institution may use the same code and name
    assert save_venue(db, elsewhere.id, FORM).outcome == "created"


def test_an_edit_changes_the_owner_and_records_old_and_new(db, make) -> None:
    inst = make.institution()
    venue = save_venue(db, inst.id, FORM).venue
    saved = save_venue(db, inst.id, FORM | {"organization": "武进电机厂", "address": ""}, venue)
    assert saved.outcome == "updated" and venue.organization.name == "武进电机厂"
    assert venue.address is None and saved.plans == ()
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "edit_venue"))
    assert event.details["changes"]["organization"] == [FORM["organization"], "武进电机厂"]
    assert event.details["changes"]["address"] == ["常州市天宁区", None]
    change = db.scalar(select(Change).where(Change.entity == "venues", Change.action == "update"))
    assert set(change.changes) == {"organization_id", "address"}


def test_a_new_owner_of_a_staffed_venue_names_the_plan_and_h4_is_rechecked(db, make) -> None:
    inst = make.institution()
    occ, venue = make.occupation(), make.venue(inst)
    people = [make.examiner(inst, occ) for _ in range(4)]
    make.session(inst, venue, occ, start=datetime(2026, 3, 2, 9))
    plan = publish(db, inst, solve_and_store(db, inst, date(2026, 3, 1), date(2026, 3, 31),
                                             FAST).version)  # fmt: skip
    serving = next(p for p in people if p.code in plan.result["assignments"][0]["members"])
    owner = make.organization(inst, "天宁机械厂")
    db.add(Conflict(examiner_id=serving.id, organization_id=owner.id,
                    kind=ConflictKind.INTEREST, declared_on=TODAY))  # fmt: skip
    db.flush()
    assert revalidate(db, TODAY, NOW) == []  # a conflict with a stranger to the session
    values = {"code": venue.code, "name": venue.name, "organization": "天宁机械厂"}
    saved = save_venue(db, inst.id, values, venue)
    assert saved.plans == (plan.version,) and "回避（H4）" in (saved.notice("zh") or "")
    (alert,) = revalidate(db, TODAY, NOW)
    assert {f["rule"] for f in alert.params["findings"]} == {"H4"}
