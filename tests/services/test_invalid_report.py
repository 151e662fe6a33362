"""Invalid-result report (R5): rows from `services.discipline.conflict_lists.invalid_results` with the
conflict's dates (services/discipline/invalid_rows.py), and the workbook (services/exports/invalid.py)."""

from __future__ import annotations

from datetime import date, datetime

from openpyxl import load_workbook

from models import PanelSeat
from models.base import ConflictKind, SeatRole, SessionStatus
from services.discipline.conflicts import register_conflict
from services.discipline.invalid_rows import invalid_rows
from services.exports.invalid import COLUMNS, invalid_workbook


def held_session_with_conflict(db, make):
    """A held session whose panel had an examiner related to one of its candidates."""
    inst = make.institution(name="常州市测试评价机构")
    occ, venue = make.occupation(name="车工"), make.venue(inst, name="第一考点")
    school = make.organization(inst, name="常州技师学院")
    pupil = make.candidate(inst, name="王小明", organization_id=school.id)
    other = make.candidate(inst, name="李四")
    examiner = make.examiner(inst, occ, name="张三")
    held = make.session(
        inst, venue, occ, start=datetime(2026, 3, 2, 9), candidates=[pupil, other],
        status=SessionStatus.HELD,
    )  # fmt: skip
    db.add(PanelSeat(session_id=held.id, examiner_id=examiner.id, role=SeatRole.LEADER))
    db.flush()
    register_conflict(
        db, examiner, ConflictKind.TEACHER_STUDENT, date(2026, 3, 20),
        candidate=pupil, since=date(2024, 9, 1),
    )  # fmt: skip
    return inst, held, pupil, examiner


def test_rows_name_session_candidate_examiner_kind_dates_and_reason(db, make):
    inst, held, pupil, examiner = held_session_with_conflict(db, make)
    rows = invalid_rows(db, inst)
    assert len(rows) == 1
    row = rows[0]
    assert (row.session_code, row.day, row.venue) == (held.code, date(2026, 3, 2), "第一考点")
    assert (row.candidate_code, row.candidate_name, row.organization) == (
        pupil.code, "王小明", "常州技师学院",
    )  # fmt: skip
    assert row.examiner == f"{examiner.code} 张三" and row.kind_zh == "师生"
    assert (row.since, row.declared_on) == (date(2024, 9, 1), date(2026, 3, 20))
    assert "成绩无效" in row.reason and "（自 2024-09-01 起）" in row.reason


def test_the_report_workbook_lists_every_voided_result(db, make, tmp_path):
    inst, held, pupil, _ = held_session_with_conflict(db, make)
    path = tmp_path / "invalid.xlsx"
    invalid_workbook(inst.name, date(2026, 4, 1), invalid_rows(db, inst)).save(path)
    ws = load_workbook(path).active
    assert ws.title == "成绩无效名单"
    assert ws["A1"].value == "常州市测试评价机构成绩无效考评对象名单"
    assert "第5条" in ws["A2"].value and "截至 2026-04-01　共 1 人次" in ws["A2"].value
    assert [c.value for c in ws[3]] == list(COLUMNS)
    values = [c.value for c in ws[4]]
    assert values[:11] == [
        1, held.code, "2026-03-02", "第一考点", pupil.code, "王小明", "常州技师学院",
        values[7], "师生", "2024-09-01", "2026-03-20",
    ]  # fmt: skip
    assert "张三" in values[7] and "成绩无效" in values[11]
    assert ws["E4"].number_format == "@"
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:L1", "A2:L2", "A6:L6"}
    assert ws["A6"].value.startswith("经办人：") and "单位（盖章）" in ws["A6"].value
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$3"
    assert ws["A4"].font.name == "宋体"


def test_no_voided_results_says_so(db, make, tmp_path):
    inst = make.institution()
    assert invalid_rows(db, inst) == []
    path = tmp_path / "none.xlsx"
    invalid_workbook(inst.name, date(2026, 4, 1), []).save(path)
    ws = load_workbook(path).active
    assert ws["A4"].value == "无成绩无效的考评对象" and "A4:L4" in {
        str(r) for r in ws.merged_cells.ranges
    }
