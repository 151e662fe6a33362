"""What a planner's misnamed or missing columns give: the heading named once with a guess,
an absent column named once (not "不能为空" on every row), each bad row's person, ID numbers
masked for readers who see them masked, and the downloadable templates imported back."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from factories import resident_id
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from models import Certificate
from models.base import Sex
from services.exports.import_problems import problems_workbook
from services.imports.examiners import import_examiners
from services.imports.sessions import import_sessions
from services.imports.templates import template_for
from services.messages import Refused

CODE = "3204005"
ZHANG = resident_id(date(1970, 1, 1), 5, male=True)
LI = resident_id(date(1972, 2, 2), 6, male=False)


def sheet(path: Path, headings: list[str], rows: list[list]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["2026年考评人员汇总表"])
    ws.append(headings)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_a_misnamed_grade_column_is_named_once_with_a_guess(db, place, tmp_path):
    headings = ["序号", "姓名", "性别", "身份证号码", "联系电话", "考评职业（工种）", "等级"]
    rows = [
        [1, "张伟", "男", ZHANG, "13912345678", "车工", "考评员"],
        [2, "李娟", "女", LI, "13912345679", "电工", "高级考评员"],
    ]
    report = import_examiners(db, place, sheet(tmp_path / "e.xlsx", headings, rows), dry_run=True)
    assert report.lines() == [
        "未识别的列“等级”：已忽略（是否应为“级别（考评员/高级考评员）”？）",
        "文件中没有“级别（考评员/高级考评员）”列：2 行因此未能导入（第 3、4 行）",
    ]
    assert report.bad_rows == [3, 4] and report.valid_rows == 0 and report.exit_code == 1
    assert not any("不能为空" in line for line in report.lines())
    assert report.lines("en")[0] == (
        "unrecognised column “等级”: ignored (did you mean “级别（考评员/高级考评员）”?)"
    )


def test_an_unknown_heading_without_a_likely_column_is_named_without_a_guess(db, place, tmp_path):
    headings = ["姓名", "身份证号码", "级别", "备注"]
    path = sheet(tmp_path / "e.xlsx", headings, [["张伟", ZHANG, "考评员", "老员工"]])
    report = import_examiners(db, place, path, dry_run=True)
    assert report.lines() == ["未识别的列“备注”：已忽略"]
    assert report.outcomes["created"] == 1 and report.valid_rows == 1 and report.exit_code == 0


def test_a_missing_required_column_refuses_the_file_naming_it_and_the_likely_typo(
    db, place, tmp_path
):
    path = sheet(tmp_path / "e.xlsx", ["姓名", "身份证", "级别"], [["张伟", ZHANG, "考评员"]])
    with pytest.raises(Refused) as refused:
        import_examiners(db, place, path)
    assert refused.value.lines() == [
        "文件：e.xlsx 中找不到表头行：缺少必需的列 身份证号码",
        "文件：未识别的列“身份证”：已忽略（是否应为“身份证号码”？）",
    ]


def test_a_session_sheet_with_a_misnamed_level_names_it(db, place, tmp_path):
    headings = ["场次编号", "考点", "职业编码", "鉴定级别", "开始时间", "结束时间"]
    row = ["S001", "KD01", "6-18-01-01", "三级", "2026-03-02 08:30", "2026-03-02 11:30"]
    with pytest.raises(Refused) as refused:
        import_sessions(db, place, sheet(tmp_path / "s.xlsx", headings, [row]))
    lines = refused.value.lines()
    assert "缺少必需的列 级别" in lines[0] and "是否应为“级别”" in lines[1]


def test_bad_rows_name_the_person_and_mask_ids_for_masked_readers(db, place, tmp_path):
    wrong = ZHANG[:-1] + ("0" if ZHANG[-1] != "0" else "1")
    headings = ["姓名", "身份证号码", "级别", "联系电话"]
    rows = [["张伟", wrong, "考评员", "13912345678"], ["李娟", LI, "考评员", "12345"]]
    report = import_examiners(db, place, sheet(tmp_path / "e.xlsx", headings, rows), dry_run=True)
    whole, masked = report.lines(), report.lines(ids=False)
    assert whole[0].startswith(f"第3行（张伟，{wrong}） 身份证号码：身份证号码 {wrong} 校验码不符")
    hidden = f"{wrong[:6]}********{wrong[-4:]}"
    assert masked[0].startswith(
        f"第3行（张伟，{hidden}） 身份证号码：身份证号码 {hidden} 校验码不符"
    )
    assert masked[1].startswith(f"第4行（李娟，{LI[:6]}********{LI[-4:]}） 联系电话：")
    assert not any(wrong in line or LI in line for line in masked)
    entry = report.entries("zh", ids=False)[1]
    assert (entry.row, entry.column) == (4, "联系电话") and entry.who.startswith("李娟，")


def test_a_certificate_holder_s_id_is_masked_too(db, place, make, tmp_path):
    holder = make.examiner(place, document_number=LI, sex=Sex.FEMALE)
    number = db.scalars(select(Certificate.number).filter_by(examiner_id=holder.id)).one()
    headings = ["姓名", "身份证号码", "级别（考评员/高级考评员）", "证书编号"]
    path = sheet(tmp_path / "e.xlsx", headings, [["张伟", ZHANG, "高级考评员", number]])
    report = import_examiners(db, place, path, dry_run=True)
    assert LI in report.lines()[0]
    assert LI not in report.lines(ids=False)[0] and LI[-4:] in report.lines(ids=False)[0]


def filled(path: Path, sheet_name: str) -> None:
    """Turn the template's example row into a real one (序号 1 instead of 示例)."""
    wb = load_workbook(path)
    wb[sheet_name].cell(row=3, column=1).value = 1
    wb.save(path)


def test_the_examiner_template_reads_back_and_imports_once_filled(db, place, tmp_path):
    wb, name = template_for(db, place, "examiners", date.today())
    path = tmp_path / name
    wb.save(path)
    back = load_workbook(path)
    assert back.sheetnames == ["考评人员", "填表说明"]
    ws = back["考评人员"]
    headings = [c.value for c in ws[2]]
    assert headings[:10] == ["序号", "姓名", "性别", "身份证号码", "联系电话", "工作单位",
                             "考评职业（工种）", "级别（考评员/高级考评员）", "证书编号", "证书有效期"]  # fmt: skip
    assert {"出生年月", "学历", "职称", "聘期开始", "聘期结束", "可任组长"} <= set(headings)
    assert (
        ws.cell(row=3, column=1).value == "示例" and ws.cell(row=4, column=4).number_format == "@"
    )
    notes = [[c.value for c in row] for row in back["填表说明"].iter_rows()]
    explained = {row[0]: row for row in notes if row[0] in headings}
    assert set(explained) == set(headings[1:])
    assert explained["性别"][1] == "选填" and explained["姓名"][1] == "必填"
    assert "考评员 / 高级考评员" in explained["级别（考评员/高级考评员）"][3]
    as_is = import_examiners(db, place, path, dry_run=True)
    assert as_is.rows == 0 and as_is.lines() == []  # the example row is never imported
    filled(path, "考评人员")
    report = import_examiners(db, place, path)
    assert report.lines() == [] and report.outcomes["created"] == 1 and report.exit_code == 0


def test_the_session_template_reads_back_and_imports_once_filled(db, place, tmp_path):
    wb, name = template_for(db, place, "sessions", date.today())
    path = tmp_path / name
    wb.save(path)
    assert load_workbook(path).sheetnames == ["场次", "考生名单", "填表说明"]
    filled(path, "场次")
    filled(path, "考生名单")
    sessions, candidates = import_sessions(db, place, path)
    assert sessions.lines() == [] and candidates.lines() == []
    assert sessions.outcomes["created"] == 1 and candidates.outcomes["created"] == 1
    wb, name = template_for(db, place, "candidates", date.today())
    assert wb.sheetnames == ["考生名单", "填表说明"] and re.search("考生名单", name)


def test_the_problems_workbook_keeps_a_formula_looking_name_as_text(tmp_path):
    rows = [(3, '=HYPERLINK("http://x","y")，320402********0011', "身份证号码", "校验码不符")]
    wb = problems_workbook(
        ("行", "人员", "列", "问题"), ["e.xlsx：共 1 行"], ["未识别的列“等级”"], rows
    )
    wb.save(tmp_path / "p.xlsx")
    ws = load_workbook(tmp_path / "p.xlsx").active
    assert [ws.cell(1, 1).value, ws.cell(2, 1).value] == ["e.xlsx：共 1 行", "未识别的列“等级”"]
    assert [c.value for c in ws[4]] == ["行", "人员", "列", "问题"]
    name = ws.cell(5, 2)
    assert name.data_type == "s" and name.value.startswith("=HYPERLINK")
