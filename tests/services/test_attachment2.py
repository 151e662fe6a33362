"""Attachment 2 (汇总表): title, 单位 line, the notice's columns, repeated header, IDs as text."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from formrows import ROW, reload

from services.exports.attachment2 import CODE_RULE, HEADINGS, SummaryRow, build, validity_text
from services.exports.paper import PAGE_UNITS


def sheet(rows: list[SummaryRow]):
    return reload(build(2021, "常州市XX职业技能等级评价中心", rows, date(2021, 7, 20))).active


def test_title_unit_line_and_the_notices_columns() -> None:
    ws = sheet([ROW])
    assert ws["A1"].value == "附件2"
    assert ws["A2"].value == "2021年考评人员汇总表"
    assert ws["A3"].value == "单位：常州市XX职业技能等级评价中心（盖章）"
    assert ws["G3"].value == "填表日期：2021年7月20日"
    assert [c.value for c in ws[4]] == list(HEADINGS)
    assert HEADINGS[6:8] == ("考评职业（工种）", "级别（考评员/高级考评员）")
    assert [c.value for c in ws[5]] == [
        1, "张三", "男", "32040219680512123X", "13900000001", "常州市某某机械有限公司",
        "车工、电工", "高级考评员", "213204005100001", "2021.07.01-2024.06.30",
    ]  # fmt: skip
    assert {"A2:J2", "A3:F3", "G3:J3", "A6:J6"} == {str(r) for r in ws.merged_cells.ranges}
    assert ws["A6"].value == CODE_RULE  # the notice's footnote; no 填表人 line (not in the form)
    assert CODE_RULE.startswith("证书编码规则：年份（2位）+机构代码（8位）+1高级考评员/2考评员")


def test_ids_phones_and_certificate_numbers_are_text() -> None:
    rows = [ROW, replace(ROW, document_number="320402197001011234", certificate_number=None)]
    ws = sheet(rows)
    assert [ws["D5"].value, ws["D6"].value] == ["32040219680512123X", "320402197001011234"]
    for coordinate in ("D5", "D6", "E5", "I5"):
        assert ws[coordinate].data_type == "s" and ws[coordinate].number_format == "@"
    assert ws["I6"].value is None


def test_landscape_a4_at_full_size_header_repeated() -> None:
    ws = sheet([ROW] * 3)
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.page_setup.orientation == "landscape"
    assert not ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.scale == 100
    assert sum(ws.column_dimensions[c].width for c in "ABCDEFGHIJ") <= PAGE_UNITS[True]
    assert ws.print_title_rows == "$4:$4"
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text


def test_borders_fonts_and_widths_fit_chinese_text() -> None:
    ws = sheet(
        [ROW, replace(ROW, organization="常州市某某区某某街道某某机械制造有限责任公司第二分公司")]
    )
    for row in ws.iter_rows(min_row=4, max_row=6, max_col=10):
        for cell in row:
            assert cell.font.name == "宋体" and cell.border.top.style == "thin"
    assert ws["A4"].font.bold
    assert ws.column_dimensions["D"].width >= 18  # the 18-character ID stays on one line
    assert ws.column_dimensions["F"].width <= 36  # a long unit name wraps instead
    assert ws.row_dimensions[6].height > ws.row_dimensions[5].height  # the long name wraps


def test_numbering_runs_through_the_rows() -> None:
    ws = sheet([replace(ROW, name=f"考评员{i}") for i in range(1, 26)])
    assert [ws.cell(row=r, column=1).value for r in range(5, 30)] == list(range(1, 26))
    assert ws.freeze_panes == "A5"


def test_validity_is_a_range_or_the_end_alone() -> None:
    assert validity_text(date(2024, 1, 1), date(2026, 12, 31)) == "2024.01.01-2026.12.31"
    assert validity_text(None, date(2026, 12, 31)) == "2026.12.31"
    assert validity_text(date(2024, 1, 1), None) == ""
