"""Change history (R1): who changed what, when, old → new; listed per examiner."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Enum, func, select
from sqlalchemy import inspect as sa_inspect

from models import (
    Appointment,
    Certificate,
    Change,
    Conflict,
    Examiner,
    ExaminerWarning,
    Plan,
    Qualification,
    Revocation,
    Unavailability,
)
from models.base import ConflictKind, ExaminerStatus, PlanStatus, Sex
from models.discipline import RevocationStatus
from models.history import UNTRACKED_FIELDS, tracked_tables
from services.exports.layout import mask_id
from services.people.history import FIELDS, HistoryLine, examiner_history, hidden
from services.people.writes import Duty, set_duty


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


# --- lines as a planner reads them -------------------------------------------------------------

EXAMINER_TABLES = (
    Examiner, Appointment, Qualification, Certificate, Conflict, Unavailability,
    ExaminerWarning, Revocation,
)  # fmt: skip


def _line(db, examiner, entity: str, action: str) -> HistoryLine:
    return next(
        line
        for line in examiner_history(db, examiner)
        if (line.entity, line.action) == (entity, action)
    )


@pytest.mark.parametrize("model", EXAMINER_TABLES, ids=lambda m: m.__tablename__)
def test_every_column_of_an_examiners_records_has_a_name_in_both_languages(model) -> None:
    table = model.__tablename__
    assert table in tracked_tables()
    for column in sa_inspect(model).columns:
        if column.key in hidden(table) | UNTRACKED_FIELDS:
            continue
        names = FIELDS[table].get(column.key)
        assert names and names["zh"] and names["en"], f"{table}.{column.key} has no label"
        if isinstance(column.type, Enum):
            line = HistoryLine(datetime.now(UTC), "x", table, "insert", {})
            for value in column.type.enums:
                for lang in ("zh", "en"):
                    shown = line.value(column.key, value, lang)
                    assert shown != value or lang == "en", f"{table}.{column.key}={value}"
                    assert "_" not in shown, f"{table}.{column.key}={value} ({lang})"


def test_an_added_examiner_reads_with_names_not_codes(db, make) -> None:
    institution = make.institution()
    organization = make.organization(institution, "常州刘国钧高等职业技术学校")
    examiner = make.examiner(
        institution, organization_id=organization.id, sex=Sex.FEMALE, max_sessions=4
    )
    line = _line(db, examiner, "examiners", "insert")
    zh, en = line.text("zh"), line.text("en")
    for shown in (
        "性别 女", "证件类型 居民身份证", "工作单位 常州刘国钧高等职业技术学校",
        "级别 高级考评员", "状态 在岗", "可任组长 是", "每期最多场次 4",
    ):  # fmt: skip
        assert shown in zh, shown
    for shown in (
        "sex female", "document type resident ID card", "employer 常州刘国钧高等职业技术学校",
        "grade senior examiner", "status active", "may lead a panel yes",
        "most sessions per term 4",
    ):  # fmt: skip
        assert shown in en, shown
    for raw in ("institution_id", "organization_id", "max_sessions", "resident_id", "∅"):
        assert raw not in zh and raw not in en
    number = examiner.document_number
    assert number not in zh and mask_id(number) in zh
    assert f"证件号码 {number}" in line.text("zh", whole_ids=True)


def test_a_status_change_reads_in_the_pages_words(db, make) -> None:
    examiner = make.examiner(make.institution())
    set_duty(db, examiner, Duty(ExaminerStatus.SUSPENDED, 3, "因病休养"), date(2026, 3, 2))
    line = examiner_history(db, examiner)[0]
    assert "状态 在岗 → 暂停" in line.text("zh") and "每期最多场次 ∅ → 3" in line.text("zh")
    assert "status active → suspended" in line.text("en")
    examiner.status = ExaminerStatus.REVOCATION_PENDING
    db.flush()
    assert "状态 暂停 → 待取消资格" in examiner_history(db, examiner)[0].text("zh")


def test_a_removed_qualification_names_its_occupation_and_level(db, make) -> None:
    occupation = make.occupation(code="6-18-01-01", name="车工")
    examiner = make.examiner(make.institution(), occupation)
    qualification = examiner.qualifications[0]
    qualification.top_level = 3
    db.flush()
    db.delete(qualification)
    db.flush()
    removed = _line(db, examiner, "qualifications", "delete")
    assert removed.text("zh").endswith(
        "删除 考评职业资格：考评职业（工种） 6-18-01-01 车工；最高考评等级 三级"
    )
    assert removed.text("en").endswith(
        "removed qualification: occupation 6-18-01-01 车工; highest level 3"
    )
    changed = _line(db, examiner, "qualifications", "update")
    assert changed.text("zh").endswith("最高考评等级 一级 → 三级")


def test_certificates_and_appointments_leave_out_what_the_number_carries(db, make) -> None:
    examiner = make.examiner(make.institution())
    certificate = _line(db, examiner, "certificates", "insert").text("zh")
    assert "证书编号 24" in certificate and "级别 高级考评员" in certificate
    assert "发证日期 2024-01-01；有效期至 2029-12-31" in certificate
    assert "year" not in certificate and "serial" not in certificate and "2024;" not in certificate
    term = examiner.appointments[0]
    term.allowance_per_session = Decimal("300.00")
    term.duties = "负责职业技能等级认定现场考评工作，" * 5
    db.flush()
    changed = _line(db, examiner, "appointments", "update").text("zh")
    assert "每场津贴（元） ∅ → 300.00" in changed
    assert "职责 ∅ → 负责职业技能等级认定" in changed and changed.endswith("…")
    added = _line(db, examiner, "appointments", "insert").text("en")
    assert "term start 2026-01-01; term end 2028-12-31" in added


def test_conflicts_name_the_candidate_or_the_organisation(db, make) -> None:
    institution = make.institution()
    examiner = make.examiner(institution)
    candidate = make.candidate(institution, name="李小明", code="C12345")
    organization = make.organization(institution, "天宁博远精密机械有限公司")
    day = date(2026, 2, 1)
    db.add_all(
        [
            Conflict(examiner_id=examiner.id, candidate_id=candidate.id,
                     kind=ConflictKind.TEACHER_STUDENT, declared_on=day, note="曾任班主任"),
            Conflict(examiner_id=examiner.id, organization_id=organization.id,
                     kind=ConflictKind.INTEREST, declared_on=day),
        ]
    )  # fmt: skip
    db.flush()
    lines = [
        line.text("zh") for line in examiner_history(db, examiner) if line.entity == "conflicts"
    ]
    assert any("回避关系类型 师生；回避考生 李小明 C12345" in line for line in lines)
    assert any(
        "回避关系类型 其他利害关系；回避单位 天宁博远精密机械有限公司" in line for line in lines
    )
    assert all("_id" not in line and "teacher_student" not in line for line in lines)
    english = [
        line.text("en") for line in examiner_history(db, examiner) if line.entity == "conflicts"
    ]
    assert any("kind teacher and student; candidate 李小明 C12345" in line for line in english)


def test_warnings_revocations_and_withdrawals_name_their_session(db, make) -> None:
    institution = make.institution()
    occupation = make.occupation()
    examiner = make.examiner(institution, occupation)
    assessment = make.session(institution, make.venue(institution), occupation)
    day = date(2026, 3, 2)
    revocation = Revocation(examiner_id=examiner.id, requested_on=day, grounds="两次警告")
    db.add_all(
        [
            ExaminerWarning(examiner_id=examiner.id, issued_on=day, reason="迟到",
                            serious=True, session_id=assessment.id, issued_by="admin"),
            Unavailability(examiner_id=examiner.id, start=day, end=day, reason="退出",
                           session_id=assessment.id),
            revocation,
        ]
    )  # fmt: skip
    db.flush()
    revocation.status = RevocationStatus.APPROVED
    db.flush()
    warning = _line(db, examiner, "warnings", "insert").text("zh")
    assert f"原因 迟到；情节严重 是；相关场次 {assessment.code}；签发人 admin" in warning
    withdrawal = _line(db, examiner, "unavailability", "insert").text("zh")
    assert withdrawal.endswith(
        f"开始日期 2026-03-02；结束日期 2026-03-02；原因 退出；退出场次 {assessment.code}"
    )
    assert "审批状态 待审批" in _line(db, examiner, "revocations", "insert").text("zh")
    decided = _line(db, examiner, "revocations", "update")
    assert "审批状态 待审批 → 已批准" in decided.text("zh")
    assert "status pending approval → approved" in decided.text("en")


def test_a_row_referred_to_but_gone_is_said_so() -> None:
    line = HistoryLine(
        datetime(2026, 3, 1, 1, 0, tzinfo=UTC), "planner", "qualifications", "delete",
        {"id": [7, None], "examiner_id": [3, None], "occupation_id": [99, None],
         "top_level": [2, None]},
    )  # fmt: skip
    assert (
        line.text("zh")
        == "2026-03-01 09:00 planner 删除 考评职业资格：考评职业（工种） （已删除）；最高考评等级 二级"
    )
    assert "occupation (deleted)" in line.text("en")


def test_times_are_the_institutions_clock() -> None:
    moment = datetime(2026, 3, 1, 17, 30)  # SQLite hands back UTC without a zone
    for at in (moment, moment.replace(tzinfo=UTC)):
        line = HistoryLine(at, None, "examiners", "update", {"phone": ["1", "2"]})
        assert line.text("zh").startswith("2026-03-02 01:30 - 修改 考评人员信息：联系电话 1 → 2")
