"""Dispatch sheets (考评人员派遣单): one A4 portrait page per session.

Each sheet names the institution, the session (venue with address, time, occupation and
level, candidates), the panel with roles, phones, organisations and MASKED ID numbers, the
recusal reminder of notice art. 5, and the lines the leader signs and the dispatching unit
stamps. One worksheet per session, fitted to one page wide and one page tall, so each
session prints on exactly one page and can be handed to its leader.
"""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from .layout import (
    BODY,
    BOLD,
    FONT_NAME,
    GRID,
    LEFT,
    print_setup,
    sheet_name,
    title_row,
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
WIDTHS = {"A": 12, "B": 14, "C": 10, "D": 24, "E": 28, "F": 16}  # about 104: A4 portrait
PANEL_HEADING = ("序号", "姓名", "职务", "身份证号码", "工作单位", "联系电话")
SMALL = Font(name=FONT_NAME, size=10)
TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)


def dispatch_workbook(header: PlanHeader, sessions: Iterable[PanelRow]) -> Workbook:
    """One dispatch sheet per session (sheet `S0001 03-02`), in the order given."""
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    taken: set[str] = set()
    for row in sessions:
        ws = wb.create_sheet(sheet_name(f"{row.code} {row.start:%m-%d}", taken))
        dispatch_sheet(ws, header, row)
    if not wb.sheetnames:
        ws = wb.create_sheet("无场次")
        title_row(ws, 1, f"{header.label()}没有场次", COLUMNS)
    return wb


def dispatch_sheet(ws: Worksheet, header: PlanHeader, row: PanelRow) -> None:
    """Fill `ws` with the dispatch sheet of one session."""
    title_row(ws, 1, "考评人员派遣单", COLUMNS, height=36)
    _merged(ws, 2, f"派遣单位：{header.institution_name}", font=BODY)
    _merged(ws, 3, f"{header.label()}　场次编号：{row.code}", font=SMALL)
    line = _session_block(ws, 4, row)
    line = _panel(ws, line + 1, row)
    _merged(ws, line + 1, RECUSAL_REMINDER, height=78, align=TOP_LEFT, border=True)
    _signatures(ws, line + 3)
    for letter, width in WIDTHS.items():
        ws.column_dimensions[letter].width = width
    print_setup(ws, landscape=False, fit_height=True)


def _session_block(ws: Worksheet, top: int, row: PanelRow) -> int:
    """The session's details as label/value pairs; returns the last row used."""
    day = f"{row.start.date().isoformat()}（{weekday(row.start)}）{time_span(row.start, row.end)}"
    candidates = "" if row.candidates is None else f"{row.candidates} 人"
    pairs = [
        ("考评时间", day),
        ("考点", row.venue),
        ("考点地址", row.venue_address or "—"),
        ("职业（工种）", occupation(row)),
        ("级别", f"{level_name(row.level)}　考生人数：{candidates}"),
    ]
    for offset, (label, value) in enumerate(pairs):
        line = top + offset
        write_row(ws, line, [label, value, None, None, None, None])
        ws.cell(row=line, column=1).font = BOLD
        ws.cell(row=line, column=2).alignment = LEFT
        ws.merge_cells(start_row=line, start_column=2, end_row=line, end_column=COLUMNS)
        ws.row_dimensions[line].height = 24
    return top + len(pairs) - 1


def _panel(ws: Worksheet, top: int, row: PanelRow) -> int:
    """The panel, leader first, with roles and contacts; returns the last row used."""
    _merged(ws, top, f"考评小组（{len(row.members)} 人）", font=BOLD, border=True)
    write_row(ws, top + 1, PANEL_HEADING, font=BOLD)
    line = top + 1
    for n, person in enumerate(row.members, start=1):
        line += 1
        role = ROLE_NAMES[row.role(person.code)]
        values = [n, person.name, role, person.masked_id, person.organization, person.phone]
        write_row(ws, line, values, text_columns=(4, 6))
        ws.row_dimensions[line].height = 22
    if row.unfilled:
        line += 1
        _merged(ws, line, f"尚有 {row.unfilled} 个席位空缺，待补派", border=True)
    return line


def _signatures(ws: Worksheet, top: int) -> None:
    lines = (
        "考评组长签字：______________________",
        "派遣单位（盖章）：",
        "日期：________年____月____日",
    )
    for offset, text in enumerate(lines):
        _merged(ws, top + offset * 2, text, height=30)


def _merged(
    ws: Worksheet,
    row: int,
    text: str,
    font: Font = BODY,
    height: float = 22,
    align: Alignment = LEFT,
    border: bool = False,
) -> None:
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=COLUMNS)
    cell = ws.cell(row=row, column=1, value=text)
    cell.font, cell.alignment = font, align
    if border:
        for column in range(1, COLUMNS + 1):
            ws.cell(row=row, column=column).border = GRID
    ws.row_dimensions[row].height = height
