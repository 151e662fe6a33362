"""Dispatch sheets (考评人员派遣单): one A4 portrait page per session, numbered.

Each page carries its number (派遣单编号 `<机构代码>-<场次>-v<版本>`, the same for a session
across prints of one plan version), names the institution, the session (venue with
address, time, occupation and level, candidates), the panel with roles, phones,
organisations, MASKED ID numbers and a column where each member signs, the recusal
reminder of notice art. 5, and the lines the leader signs and the dispatching unit stamps.

All pages sit on ONE worksheet, one block per session from a new page (manual page
breaks): a term of 2,500 sessions prints as 2,500 pages from one tab (and builds in
seconds, where a tab per session would not). Portrait A4 at 100 %, 10.5 pt at least, the
columns fixed to the page; every line wraps in a row as tall as its text, and each page
ends with its number within the session's sheet (`pages.Pager`; a panel too long for one
page continues on a second, heading repeated).
"""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from .cells import store
from .layout import CENTER, FONT_NAME, TITLE, StyleCache, merge, print_setup, write_row
from .pages import Pager, row_height
from .paper import no_shrink
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

WIDTHS = {"A": 5, "B": 8, "C": 6, "D": 19, "E": 14, "F": 12, "G": 8}  # 72: portrait at 100 %
COLUMNS = len(WIDTHS)
PANEL_HEADING = ("序号", "姓名", "职务", "身份证号码", "工作单位", "联系电话", "本人签字")
SIZE = 10.5  # the smallest text a clerk hands out (issue 14)
TEXT = Font(name=FONT_NAME, size=SIZE)
STRONG = Font(name=FONT_NAME, size=SIZE, bold=True)
LARGE = Font(name=FONT_NAME, size=12)
LINE = Alignment(horizontal="left", vertical="center", wrap_text=True)
TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
SIGN_HEIGHT = 30.0  # room for a signature


def dispatch_number(header: PlanHeader, row: PanelRow) -> str:
    """派遣单编号: institution, session and plan version (`3204005-S0001-v3`)."""
    return f"{header.institution_code}-{row.code}-v{header.version}"


def dispatch_workbook(header: PlanHeader, sessions: Iterable[PanelRow]) -> Workbook:
    """Every session's dispatch sheet, in the order given, each from a new printed page."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = f"派遣单 v{header.version}"
    pager, styles = Pager(ws, landscape=False, columns=COLUMNS), StyleCache()
    for row in sessions:
        dispatch_block(pager, header, row, styles)
    if pager.row == 1:
        _line(pager, styles, f"{header.label()}没有场次", TITLE, CENTER)
    pager.finish()
    for letter, width in WIDTHS.items():
        ws.column_dimensions[letter].width = width
    print_setup(ws, landscape=False)
    no_shrink(ws)
    return wb


def dispatch_block(pager: Pager, header: PlanHeader, row: PanelRow, styles: StyleCache) -> int:
    """Write one session's dispatch sheet from a new page; returns its last row."""
    pager.start()
    _line(pager, styles, "考评人员派遣单", TITLE, CENTER)
    _line(pager, styles, f"派遣单编号：{dispatch_number(header, row)}", TEXT)
    _line(pager, styles, f"派遣单位：{header.institution_name}", LARGE)
    _line(pager, styles, f"{header.label()}　场次编号：{row.code}", TEXT)
    _session_block(pager, styles, row)
    _panel(pager, styles, row)
    _line(pager, styles, RECUSAL_REMINDER, TEXT, TOP_LEFT)
    signatures = (
        "考评组长签字：______________________",
        "派遣单位（盖章）：",
        "日期：________年____月____日",
    )
    for text in signatures:
        _line(pager, styles, text, LARGE, minimum=SIGN_HEIGHT)
    return pager.end()


def _session_block(pager: Pager, styles: StyleCache, row: PanelRow) -> None:
    """The session's details, one line each (merged across the page, wrapped)."""
    day = f"{row.start.date().isoformat()}（{weekday(row.start)}）{time_span(row.start, row.end)}"
    candidates = "—" if row.candidates is None else f"{row.candidates} 人"
    lines = (
        f"考评时间：{day}",
        f"考　　点：{row.venue}",
        f"考点地址：{row.venue_address or '—'}",
        f"职业（工种）：{occupation(row)}　　级别：{level_name(row.level)}",
        f"考生人数：{candidates}",
    )
    for text in lines:
        _line(pager, styles, text, LARGE)


def _panel(pager: Pager, styles: StyleCache, row: PanelRow) -> None:
    """The panel, leader first, with roles, contacts and a signature cell each."""
    ws, widths = pager.ws, list(WIDTHS.values())
    _line(pager, styles, f"考评小组（{len(row.members)} 人）", STRONG)

    def heading(at: int) -> float:
        write_row(ws, at, PANEL_HEADING, font=STRONG, styles=styles)
        return row_height(PANEL_HEADING, widths, SIZE)

    heading(pager.place(row_height(PANEL_HEADING, widths, SIZE)))
    for n, person in enumerate(row.members, start=1):
        role = ROLE_NAMES[row.role(person.code)]
        values = [n, person.name, role, person.masked_id, person.organization, person.phone, None]
        height = max(SIGN_HEIGHT, row_height(values, widths, SIZE))
        at = pager.place(height, heading)
        write_row(ws, at, values, font=TEXT, text_columns=(4, 6), styles=styles)
    if row.unfilled:
        _line(pager, styles, f"尚有 {row.unfilled} 个席位空缺，待补派", STRONG)


def _line(
    pager: Pager,
    styles: StyleCache,
    text: str,
    font: Font,
    align: Alignment = LINE,
    minimum: float = 0.0,
) -> None:
    """A line of text merged across the page, wrapped, as tall as it needs."""
    size = float(font.sz or SIZE)
    height = max(minimum, row_height([text], [sum(WIDTHS.values())], size))
    at = pager.place(height)
    cell = pager.ws.cell(row=at, column=1)
    styles.apply(cell, font, align, None)
    store(cell, text)
    merge(pager.ws, at, 1, COLUMNS)
