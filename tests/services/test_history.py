"""Change history (R1): who changed what, when, old → new; listed per examiner."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from models import Appointment, Change, Conflict, Plan, Qualification
from models.base import ConflictKind, PlanStatus
from services.history import examiner_history


def test_creating_an_examiner_records_every_field_and_the_actor(db, make) -> None:
    institution = make.institution()
    examiner = make.examiner(institution, phone="13900000001")
    lines = examiner_history(db, examiner)
    created = [line for line in lines if line.entity == "examiners"]
    assert len(created) == 1
    assert created[0].action == "insert"
    assert created[0].actor == "tester"
    assert created[0].fields["phone"] == [None, "13900000001"]
    assert {line.entity for line in lines} >= {"examiners", "appointments", "certificates"}


def test_an_update_records_old_and_new_values(db, make) -> None:
    examiner = make.examiner(make.institution(), phone="13900000001")
    examiner.phone = "13800000002"
    db.flush()
    newest = examiner_history(db, examiner)[0]
    assert newest.action == "update"
    assert newest.fields == {"phone": ["13900000001", "13800000002"]}
    assert "联系电话 13900000001 → 13800000002" in newest.text("zh")
    assert "phone 13900000001 → 13800000002" in newest.text("en")


def test_setting_the_same_value_records_nothing(db, make) -> None:
    examiner = make.examiner(make.institution(), phone="13900000001")
    before = len(examiner_history(db, examiner))
    examiner.phone = "13900000001"
    db.flush()
    assert len(examiner_history(db, examiner)) == before


def test_appointment_qualification_and_conflict_changes_are_listed_with_the_examiner(
    db, make
) -> None:
    institution = make.institution()
    occupation = make.occupation()
    examiner = make.examiner(institution)
    appointment = db.scalar(select(Appointment).where(Appointment.examiner_id == examiner.id))
    appointment.end = date(2027, 6, 30)
    db.add(Qualification(examiner_id=examiner.id, occupation_id=occupation.id, top_level=3))
    candidate = make.candidate(institution)
    conflict = Conflict(
        examiner_id=examiner.id,
        candidate_id=candidate.id,
        kind=ConflictKind.RELATIVE,
        declared_on=date(2026, 2, 1),
    )
    db.add(conflict)
    db.flush()
    db.delete(conflict)
    db.flush()
    entities = [(line.entity, line.action) for line in examiner_history(db, examiner)]
    assert ("appointments", "update") in entities
    assert ("qualifications", "insert") in entities
    assert ("conflicts", "insert") in entities
    assert ("conflicts", "delete") in entities
    changed = next(line for line in examiner_history(db, examiner) if line.entity == "appointments")
    assert changed.fields["end"] == ["2028-12-31", "2027-06-30"]


def test_a_rolled_back_change_leaves_no_history(db, make) -> None:
    examiner = make.examiner(make.institution())
    count = db.scalar(select(func.count()).select_from(Change))
    savepoint = db.begin_nested()
    examiner.phone = "13700000000"
    db.flush()
    savepoint.rollback()
    assert db.scalar(select(func.count()).select_from(Change)) == count


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_history_lines_read_in_both_languages(db, make, lang) -> None:
    examiner = make.examiner(make.institution())
    text = examiner_history(db, examiner)[-1].text(lang)
    assert ("新增" if lang == "zh" else "added") in text


def test_a_plans_status_changes_are_recorded_without_copying_instance_and_result(db, make) -> None:
    institution = make.institution()
    plan = Plan(
        institution_id=institution.id,
        version=1,
        date_from=date(2026, 3, 1),
        date_to=date(2026, 3, 31),
        instance={"sessions": ["S1"] * 100},
        result={"assignments": []},
        solver_status="OPTIMAL",
        solver_version="panelplan test",
    )
    db.add(plan)
    db.flush()
    plan.status = PlanStatus.PUBLISHED
    db.flush()
    rows = db.scalars(select(Change).where(Change.entity == "plans").order_by(Change.id)).all()
    assert [row.action for row in rows] == ["insert", "update"]
    assert "instance" not in rows[0].changes and "result" not in rows[0].changes
    assert rows[1].changes == {"status": ["draft", "published"]}
