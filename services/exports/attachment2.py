"""Attachment 2, `YYYY年考评人员汇总表`: the roster filed with the superior unit.

Layout (常职鉴〔2021〕22号, 附件2): the label 附件2; the title; "单位：…（盖章）" and the date
filled in; the notice's ten columns; one row per examiner; the notice's footnote on the
certificate numbers (`CODE_RULE`). Two additions to the notice's form, kept because the
clerk needs them: （盖章） after the unit, where the paper copy is stamped (art. 7 asks for a
stamped copy and the form has no other place for it), and 填表日期 (a year's roster changes;
the date tells two printouts apart). The 填表人 / 审核人 line is not on the notice's form and
was dropped. Landscape A4 at 100 % (columns narrowed to the page, long text wrapping in
rows that grow), the header row repeated on every printed page, page numbers in the
footer. ID and certificate numbers are text cells.

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

from .cells import put
from .layout import (
    FONT_NAME,
    fit_columns,
    page_numbers,
    print_setup,
    title_row,
    write_row,
)
from .paper import finish

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
LABEL = "附件2"
CODE_RULE = (  # the notice's footnote under the form, word for word
    "证书编码规则：年份（2位）+机构代码（8位）+1高级考评员/2考评员+自然序列号（4位），"
    "例如21 3204005 2 0001 。"
)
HEADER_ROW = 4
SHEET_TITLE = "考评人员汇总表"
NOTE = Font(name=FONT_NAME, size=11)
LABEL_FONT = Font(name=FONT_NAME, size=12, bold=True)
# The table at 10 pt: its four long numbers (ID, phone, certificate, validity) leave the
# unit and occupation columns too narrow at 11 pt (three lines a row, 6 rows a page).
CELL = Font(name=FONT_NAME, size=10)
HEAD = Font(name=FONT_NAME, size=10, bold=True)
PLAIN_LEFT = Alignment(horizontal="left", vertical="center")
WRAP_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
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
    put(ws, 1, 1, LABEL).font = LABEL_FONT
    title_row(ws, 2, title_text(year), columns, height=36)
    _unit_line(ws, institution, filled_on)
    write_row(ws, HEADER_ROW, HEADINGS, font=HEAD)
    row = HEADER_ROW
    for number, line in enumerate(rows, start=1):
        row += 1
        write_row(ws, row, _values(number, line), font=CELL, text_columns=TEXT_COLUMNS)
    fit_columns(ws, *WIDTH_BOUNDS, skip_rows=HEADER_ROW)
    _footnote(ws, row + 1)
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
    print_setup(ws, landscape=True, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    finish(ws, landscape=True, heading=HEADER_ROW)
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
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=6)
    ws.merge_cells(start_row=3, start_column=7, end_row=3, end_column=len(HEADINGS))
    unit = put(ws, 3, 1, f"单位：{institution}（盖章）")
    day = put(ws, 3, 7, f"填表日期：{filled_on.year}年{filled_on.month}月{filled_on.day}日")
    for cell, align in ((unit, WRAP_LEFT), (day, PLAIN_RIGHT)):
        cell.font, cell.alignment = NOTE, align


def _footnote(ws: Worksheet, row: int) -> None:
    """The notice's rule for certificate numbers, under the table."""
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(HEADINGS))
    cell = put(ws, row, 1, CODE_RULE)
    cell.font, cell.alignment = NOTE, WRAP_LEFT
