"""Dispatch sheets (考评人员派遣单): one A4 portrait page per session.

Each page names the institution, the session (venue with address, time, occupation and
level, candidates), the panel with roles, phones, organisations and MASKED ID numbers, the
recusal reminder of notice art. 5, and the lines the leader signs and the dispatching unit
stamps.

All pages sit on ONE worksheet, one block per session with a manual page break after each:
a term of 2,500 sessions prints as 2,500 pages from one tab (and builds in seconds, where a
tab per session would not). Excel ignores manual page breaks under "fit to N pages", so the
sheet prints at a fixed scale instead (`layout.page_scale`: its columns fit across A4
portrait) and each block (at most about 40 rows) is shorter than a page.
"""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.pagebreak import Break, RowBreak
from openpyxl.worksheet.worksheet import Worksheet

from .layout import (
    BODY,
    BOLD,
    CENTER,
    FONT_NAME,
    TITLE,
    StyleCache,
    display_width,
    merge,
    page_scale,
    print_setup,
    write_row,
)
from .plan_rows import (
    RECUSAL_REMINDER,
    ROLE_NAMES,
    PanelRow,
    PlanHeader,
    level_name,
    occupation,
    time_span,
    weekday,
)

COLUMNS = 6  # A-F
WIDTHS = {"A": 10, "B": 12, "C": 8, "D": 22, "E": 24, "F": 14}
SCALE = page_scale(sum(WIDTHS.values()))  # fixed: manual page breaks are ignored under "fit"
PANEL_HEADING = ("序号", "姓名", "职务", "身份证号码", "工作单位", "联系电话")
SMALL = Font(name=FONT_NAME, size=10)
TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
LINE = Alignment(horizontal="left", vertical="center")  # no wrap: overflows to the right


def dispatch_workbook(header: PlanHeader, sessions: Iterable[PanelRow]) -> Workbook:
    """Every session's dispatch sheet, in the order given, each on its own printed page."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = f"派遣单 v{header.version}"
    styles, top, breaks = StyleCache(), 1, []
    for row in sessions:
        if top > 1:
            breaks.append(Break(id=top - 1))  # one list, set once: append is quadratic
        top = dispatch_block(ws, top, header, row, styles) + 1
    if top == 1:
        _line(ws, styles, 1, f"{header.label()}没有场次", TITLE, 36, CENTER)
    ws.row_breaks = RowBreak(brk=breaks)
    for letter, width in WIDTHS.items():
        ws.column_dimensions[letter].width = width
    print_setup(ws, landscape=False)
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.scale = SCALE
    return wb


def dispatch_block(
    ws: Worksheet, top: int, header: PlanHeader, row: PanelRow, styles: StyleCache
) -> int:
    """Write one session's dispatch sheet from row `top`; returns its last row."""
    _line(ws, styles, top, "考评人员派遣单", TITLE, 36, CENTER)
    _line(ws, styles, top + 1, f"派遣单位：{header.institution_name}", BODY, 22)
    _line(ws, styles, top + 2, f"{header.label()}　场次编号：{row.code}", SMALL, 18)
    line = _session_block(ws, styles, top + 3, row)
    line = _panel(ws, styles, line + 1, row)
    _line(ws, styles, line + 2, RECUSAL_REMINDER, BODY, 80, TOP_LEFT)
    signatures = (
        "考评组长签字：______________________",
        "派遣单位（盖章）：",
        "日期：________年____月____日",
    )
    for offset, text in enumerate(signatures):
        _line(ws, styles, line + 4 + offset, text, BODY, 32)
    return line + 4 + len(signatures) - 1


def _session_block(ws: Worksheet, styles: StyleCache, top: int, row: PanelRow) -> int:
    """The session's details, one line each (no grid: fewer cells); returns the last row."""
    day = f"{row.start.date().isoformat()}（{weekday(row.start)}）{time_span(row.start, row.end)}"
    candidates = "—" if row.candidates is None else f"{row.candidates} 人"
    lines = (
        f"考评时间：{day}",
        f"考　　点：{row.venue}",
        f"考点地址：{row.venue_address or '—'}",
        f"职业（工种）：{occupation(row)}　　级别：{level_name(row.level)}",
        f"考生人数：{candidates}",
    )
    for offset, text in enumerate(lines):
        _line(ws, styles, top + offset, text, BODY, 22)
    return top + len(lines) - 1


def _panel(ws: Worksheet, styles: StyleCache, top: int, row: PanelRow) -> int:
    """The panel, leader first, with roles and contacts; returns the last row used."""
    _line(ws, styles, top, f"考评小组（{len(row.members)} 人）", BOLD, 24)
    write_row(ws, top + 1, PANEL_HEADING, font=BOLD, styles=styles)
    line = top + 1
    for n, person in enumerate(row.members, start=1):
        line += 1
        role = ROLE_NAMES[row.role(person.code)]
        values = [n, person.name, role, person.masked_id, person.organization, person.phone]
        write_row(ws, line, values, text_columns=(4, 6), styles=styles)
        # Rows of a fixed height do not grow: give a long organisation name a second line.
        wraps = display_width(person.organization) > WIDTHS["E"] - 2
        ws.row_dimensions[line].height = 34 if wraps else 22
    if row.unfilled:
        line += 1
        _line(ws, styles, line, f"尚有 {row.unfilled} 个席位空缺，待补派", BOLD, 22)
    return line


def _line(
    ws: Worksheet,
    styles: StyleCache,
    row: int,
    text: str,
    font: Font,
    height: float,
    align: Alignment = LINE,
) -> None:
    """A line of text. Plain lines overflow into the empty cells to their right; only the
    centred title and the wrapped reminder are merged (35,000 merges at XL cost seconds)."""
    cell = ws.cell(row=row, column=1, value=text)
    styles.apply(cell, font, align, None)
    if align is not LINE:
        merge(ws, row, 1, COLUMNS)
    ws.row_dimensions[row].height = height
