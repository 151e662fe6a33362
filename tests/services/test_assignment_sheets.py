"""Assignment sheets from hand-made rows: the plan, dispatch sheets, per-examiner sheets
(services/exports/assignments.py, dispatch.py), read back with openpyxl and, once, as PDF."""

from __future__ import annotations

from dataclasses import replace

from exports_rows import FULL_IDS, every_value, header, no_full_id, people, sessions
from openpyxl import Workbook, load_workbook
from pdf import is_a4, page_sizes, to_pdf

from services.exports.assignments import PLAN_COLUMNS, plan_workbook, schedules
from services.exports.dispatch import dispatch_workbook
from services.exports.examiner_sheets import COLUMNS as EXAMINER_COLUMNS
from services.exports.examiner_sheets import examiner_sheet, examiner_workbook
from services.exports.paper import PAGE_UNITS
from services.exports.plan_rows import RECUSAL_REMINDER


def saved(wb, tmp_path, name):
    path = tmp_path / name
    wb.save(path)
    return path


def test_the_plan_sheet_has_one_row_per_session_with_leader_and_members(tmp_path):
    rows = sessions(4)
    rows[3] = replace(rows[3], unfilled=1)
    ws = load_workbook(saved(plan_workbook(header(), rows), tmp_path, "plan.xlsx")).active
    assert ws.title == "考评安排 v3"
    assert ws["A1"].value == "常州市测试评价机构考评小组安排表"
    assert ws["A2"].value.startswith("方案 v3（已发布）　日期：2026-03-01 至 2026-03-31　共 4 场")
    assert [c.value for c in ws[3]] == list(PLAN_COLUMNS)
    assert [c.value for c in ws[4]] == [
        1, "S0001", "2026-03-02", "星期一", "09:00–12:00", "考点1", "6-18-01-01 车工",
        "三级/高级工", 12, "考评员0", "考评员1、考评员2", None,
    ]  # fmt: skip
    assert ws["L7"].value == "空缺 1 席"
    assert ws["A9"].value.startswith("制表人：") and "单位（盖章）" in ws["A9"].value
    assert ws.max_row == 9
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:L1", "A2:L2", "A9:L9"}
    assert ws["B4"].number_format == "@" and ws["C4"].number_format == "@"


def test_the_plan_sheet_prints_landscape_a4_at_full_size_header_repeated(tmp_path):
    ws = load_workbook(saved(plan_workbook(header(), sessions()), tmp_path, "p.xlsx")).active
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.orientation == "landscape"
    assert not ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.scale == 100
    assert ws.print_title_rows == "$1:$3"
    assert ws["A1"].font.name == "宋体" and ws["A1"].font.b
    assert ws["J4"].font.name == "宋体" and ws["J4"].border.left.style == "thin"
    widths = [ws.column_dimensions[c].width for c in "ABCDEFGHIJKL"]
    assert sum(widths) <= PAGE_UNITS[True]  # narrowed to the page: the members wrap
    assert ws.row_dimensions[4].height > 30


def test_a_draft_says_so_in_its_title_line(tmp_path):
    wb = plan_workbook(header("draft", version=5), sessions(1))
    ws = load_workbook(saved(wb, tmp_path, "d.xlsx")).active
    assert ws["A2"].value.startswith("方案 v5（草稿）")


def test_dispatch_sheets_one_block_per_session_with_page_breaks(tmp_path):
    rows = sessions(3)
    ws = load_workbook(saved(dispatch_workbook(header(), rows), tmp_path, "x.xlsx")).active
    col_a = [c.value for c in ws["A"]]
    tops = [k + 1 for k, v in enumerate(col_a) if v == "考评人员派遣单"]
    assert len(tops) == 3
    assert [b.id for b in ws.row_breaks.brk] == [tops[1] - 1, tops[2] - 1]
    first = col_a[tops[0] - 1 : tops[1] - 1]
    assert first[1] == "派遣单编号：3204005-S0001-v3"
    assert first[2] == "派遣单位：常州市测试评价机构"
    assert first[3] == "方案 v3（已发布）　场次编号：S0001"
    assert first[-1] == "第 1 页，共 1 页"  # numbered within the session's sheet
    assert "考评时间：2026-03-02（星期一）09:00–12:00" in first
    assert "考　　点：考点1" in first and "考点地址：常州市天宁区1号" in first
    assert "职业（工种）：6-18-01-01 车工　　级别：三级/高级工" in first
    assert "考生人数：12 人" in first and "考评小组（3 人）" in first
    assert RECUSAL_REMINDER in first and "第5条" in RECUSAL_REMINDER
    assert "考评组长签字：______________________" in first
    assert "派遣单位（盖章）：" in first and "日期：________年____月____日" in first
    heading = col_a.index("序号") + 1
    assert [c.value for c in ws[heading]] == [
        "序号",
        "姓名",
        "职务",
        "身份证号码",
        "工作单位",
        "联系电话",
        "本人签字",
    ]
    leader, member = ws[heading + 1], ws[heading + 2]
    assert [c.value for c in leader][:4] == [1, "考评员0", "组长", "320402********000X"]
    assert leader[5].value == "13900000000" and leader[5].number_format == "@"
    assert [c.value for c in member][1:3] == ["考评员1", "成员"]
    assert f"A{tops[0]}:G{tops[0]}" in {str(r) for r in ws.merged_cells.ranges}


def test_dispatch_prints_portrait_a4_at_full_size(tmp_path):
    ws = load_workbook(saved(dispatch_workbook(header(), sessions(2)), tmp_path, "s.xlsx")).active
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.orientation == "portrait"
    # Manual page breaks are ignored under "fit to page": a fixed scale keeps them.
    assert not ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.scale == 100
    assert sum(ws.column_dimensions[c].width for c in "ABCDEFG") <= PAGE_UNITS[False]
    assert ws["A1"].font.name == "宋体" and ws["A1"].font.sz == 16


def test_no_full_id_number_in_plan_dispatch_or_examiner_workbooks(tmp_path):
    rows = sessions(4)
    books = [
        plan_workbook(header(), rows),
        dispatch_workbook(header(), rows),
        examiner_workbook(header(), schedules(rows)),
    ]
    for k, wb in enumerate(books):
        values = every_value(saved(wb, tmp_path, f"{k}.xlsx"))
        assert no_full_id(values, FULL_IDS)
    dispatch = every_value(tmp_path / "1.xlsx")
    assert "320402********000X" in dispatch


def test_each_examiner_gets_a_block_of_their_sessions_on_its_own_page(tmp_path):
    rows = sessions(4)
    plans = schedules(rows)
    assert [s.person.code for s in plans] == ["E00", "E01", "E02", "E03", "E04"]
    wb = load_workbook(saved(examiner_workbook(header(), plans), tmp_path, "e.xlsx"))
    ws = wb.active
    assert wb.sheetnames == ["考评人员任务 v3"]
    col_a = [c.value for c in ws["A"]]
    titles = [k + 1 for k, v in enumerate(col_a) if str(v).endswith("考评任务安排")]
    assert len(titles) == 5 and col_a[titles[1] - 1] == "考评员1（E01）考评任务安排"
    assert [b.id for b in ws.row_breaks.brk] == [t - 1 for t in titles[1:]]
    assert col_a[titles[1] - 2] == "第 1 页，共 1 页"  # per examiner, not per workbook
    top = titles[1]
    assert ws.cell(row=top + 1, column=1).value.endswith("共 3 场")
    assert [c.value for c in ws[top + 2]] == list(EXAMINER_COLUMNS)
    # E01 sits on S0001 (member), S0002 (leader), S0004 (member).
    body = range(top + 3, top + 6)
    assert [ws.cell(row=r, column=4).value for r in body] == ["S0001", "S0002", "S0004"]
    assert [ws.cell(row=r, column=9).value for r in body] == ["成员", "组长", "成员"]
    first = ws[top + 3]
    assert first[1].value == "2026-03-02\n星期一" and first[2].value == "09:00–12:00"
    assert first[4].value == "考点1" and first[5].value == "常州市天宁区1号"
    assert first[6].value == "6-18-01-01 车工" and first[7].value == "三级/高级工"
    assert first[9].value == "考评员0 13900000000"
    assert first[3].number_format == "@" and first[1].number_format == "@"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert f"A{top}:J{top}" in merged and f"A{top + 1}:J{top + 1}" in merged


def test_examiner_sheet_prints_landscape_a4_at_full_size(tmp_path):
    wb = examiner_workbook(header(), schedules(sessions(4)))
    ws = load_workbook(saved(wb, tmp_path, "e.xlsx")).active
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "landscape"
    assert not ws.sheet_properties.pageSetUpPr.fitToPage
    widths = [ws.column_dimensions[c].width for c in "ABCDEFGHIJ"]
    assert ws.page_setup.scale == 100 and sum(widths) <= PAGE_UNITS[True]
    assert ws["A1"].font.name == "宋体" and ws["A1"].font.sz == 16


def test_named_examiners_without_sessions_get_a_block_saying_so(tmp_path):
    nobody = people(8)[7]
    plans = schedules(sessions(2), [nobody])
    assert plans[0].sessions == ()
    ws = load_workbook(saved(examiner_workbook(header(), plans), tmp_path, "n.xlsx")).active
    assert ws["A1"].value == "考评员7（E07）考评任务安排"
    assert ws["A4"].value == "本方案中没有考评任务" and ws["A5"].value == "第 1 页，共 1 页"


def test_one_examiner_alone_on_a_sheet_for_my_sessions(tmp_path):
    wb = Workbook()
    examiner_sheet(wb.active, header(), schedules(sessions(3))[1])
    ws = load_workbook(saved(wb, tmp_path, "mine.xlsx")).active
    assert ws["A1"].value == "考评员1（E01）考评任务安排" and ws.max_row == 6  # S0001, S0002
    assert ws["A6"].value == "第 1 页，共 1 页"


def test_plan_and_dispatch_print_as_a4_pages_in_pdf(tmp_path):
    rows = sessions(6)
    plan = to_pdf(saved(plan_workbook(header(), rows), tmp_path, "plan.xlsx"), tmp_path)
    dispatch = to_pdf(saved(dispatch_workbook(header(), rows), tmp_path, "disp.xlsx"), tmp_path)
    plan_pages, dispatch_pages = page_sizes(plan), page_sizes(dispatch)
    assert len(plan_pages) == 1 and is_a4(plan_pages[0], landscape=True)
    # One page per session; fonts differ from 宋体 in LibreOffice, so allow a little slack.
    assert 6 <= len(dispatch_pages) <= 7
    assert all(is_a4(size, landscape=False) for size in dispatch_pages)


def test_a_long_document_continues_on_a_new_page_numbered_within_itself():
    from exports_rows import people as crew

    long = [replace(r, members=tuple(crew(8)), leader=crew(8)[0]) for r in sessions(30)]
    plans = schedules(long)[:2]
    ws = examiner_workbook(header(), plans).active
    lines = [c.value for c in ws["A"] if str(c.value).startswith("第 ")]
    totals = {int(line.split("共 ")[1].split(" ")[0]) for line in lines}
    assert len(totals) == 1 and len(lines) == 2 * totals.pop() > 2  # two examiners, same count
    assert lines[0] == f"第 1 页，共 {len(lines) // 2} 页" and lines[len(lines) // 2] == lines[0]
    headings = [c.row for c in ws["A"] if c.value == "序号"]
    assert len(headings) == len(lines)  # the heading repeated on every page
    breaks = [b.id for b in ws.row_breaks.brk]
    assert breaks == sorted(breaks) and len(breaks) == len(lines) - 1
