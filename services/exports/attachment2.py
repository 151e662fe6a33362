"""Attachment 2, `YYYY年考评人员汇总表`: the roster filed with the superior unit.

Layout (常职鉴〔2021〕22号, 附件2): title; "单位：…（盖章）" and the date filled in; the
notice's ten columns; one row per examiner; a 填表人 / 审核人 line under the table.
Landscape A4 fitted to the width, the header row repeated on every printed page, page
numbers in the footer. ID and certificate numbers are text cells.

One row per examiner (the filing unit is the person): 考评职业（工种） lists every
occupation the examiner assesses, separated by 、 (what `panelplan import examiners` reads
back), and the certificate is the one being filed. Pure: rows in, workbook out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from .layout import (
    BOLD,
    FONT_NAME,
    display_width,
    fit_columns,
    page_numbers,
    print_setup,
    title_row,
    write_row,
)

HEADINGS = (
    "序号",
    "姓名",
    "性别",
    "身份证号码",
    "联系电话",
    "工作单位",
    "考评职业（工种）",
    "级别（考评员/高级考评员）",
    "证书编号",
    "证书有效期",
)
TEXT_COLUMNS = (4, 5, 9)  # 身份证号码, 联系电话, 证书编号
HEADER_ROW = 3
SHEET_TITLE = "考评人员汇总表"
NOTE = Font(name=FONT_NAME, size=11)
PLAIN_LEFT = Alignment(horizontal="left", vertical="center")
PLAIN_RIGHT = Alignment(horizontal="right", vertical="center")
WIDTH_BOUNDS = (6, 36)  # long unit names wrap instead of widening the page


@dataclass(frozen=True)
class SummaryRow:
    """One examiner's Attachment 2 line (ID full or masked by the caller)."""

    name: str
    sex: str  # 男 / 女
    document_number: str
    phone: str | None
    organization: str | None
    occupations: str  # 车工、电工
    grade: str  # 考评员 / 高级考评员
    certificate_number: str | None
    issue_date: date | None
    valid_until: date | None


def title_text(year: int) -> str:
    """The form's title: 2024年考评人员汇总表."""
    return f"{year}年{SHEET_TITLE}"


def validity_text(issue_date: date | None, valid_until: date | None) -> str:
    """证书有效期 as a range, 2024.01.01-2026.12.31 (the end alone when the start is unknown)."""
    if valid_until is None:
        return ""
    end = f"{valid_until:%Y.%m.%d}"
    return f"{issue_date:%Y.%m.%d}-{end}" if issue_date else end


def build(year: int, institution: str, rows: Iterable[SummaryRow], filled_on: date) -> Workbook:
    """The Attachment 2 workbook of `institution` for `year`."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = SHEET_TITLE
    columns = len(HEADINGS)
    title_row(ws, 1, title_text(year), columns, height=36)
    _unit_line(ws, institution, filled_on)
    write_row(ws, HEADER_ROW, HEADINGS, font=BOLD)
    ws.row_dimensions[HEADER_ROW].height = 36
    row = HEADER_ROW
    for number, line in enumerate(rows, start=1):
        row += 1
        write_row(ws, row, _values(number, line), text_columns=TEXT_COLUMNS)
    _signature_line(ws, row + 2)
    fit_columns(ws, *WIDTH_BOUNDS, skip_rows=HEADER_ROW - 1)
    _wrap_long_cells(ws, row)
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
    print_setup(ws, landscape=True, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    page_numbers(ws)
    return workbook


def _values(number: int, line: SummaryRow) -> tuple[object, ...]:
    return (
        number,
        line.name,
        line.sex,
        line.document_number,
        line.phone,
        line.organization,
        line.occupations,
        line.grade,
        line.certificate_number,
        validity_text(line.issue_date, line.valid_until),
    )


def _unit_line(ws: Worksheet, institution: str, filled_on: date) -> None:
    """单位：<name>（盖章） on the left, 填表日期 on the right."""
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=6)
    ws.merge_cells(start_row=2, start_column=7, end_row=2, end_column=len(HEADINGS))
    unit = ws.cell(row=2, column=1, value=f"单位：{institution}（盖章）")
    day = ws.cell(
        row=2, column=7, value=f"填表日期：{filled_on.year}年{filled_on.month}月{filled_on.day}日"
    )
    for cell, align in ((unit, PLAIN_LEFT), (day, PLAIN_RIGHT)):
        cell.font, cell.alignment = NOTE, align
    ws.row_dimensions[2].height = 24


def _signature_line(ws: Worksheet, row: int) -> None:
    """填表人 / 联系电话 / 审核人, written by hand on the stamped paper copy."""
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(HEADINGS))
    cell = ws.cell(
        row=row, column=1, value="填表人：              联系电话：              审核人："
    )
    cell.font, cell.alignment = NOTE, PLAIN_LEFT


def _wrap_long_cells(ws: Worksheet, last_row: int) -> None:
    """Raise a row when a capped column (unit, occupations) wraps its text."""
    for row in range(HEADER_ROW + 1, last_row + 1):
        lines = 1
        for cell in ws[row]:
            width = ws.column_dimensions[cell.column_letter].width or WIDTH_BOUNDS[1]
            lines = max(lines, -(-display_width(cell.value) // max(1, int(width) - 2)))
        if lines > 1:
            ws.row_dimensions[row].height = 15 * lines + 6
