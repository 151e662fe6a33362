"""The whole plan on one sheet (one row per session), and each examiner's sessions.

The plan sheet is landscape A4, fitted to the page width, title and header rows repeated on
every page. Its title line says which plan version it shows and whether it is a draft or
published, so a printed draft is never mistaken for the plan in force. The examiners'
sheets are in `examiner_sheets.py`, the dispatch sheets (派遣单) in `dispatch.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from .layout import (
    BOLD,
    StyleCache,
    fit_columns,
    page_numbers,
    print_setup,
    sheet_name,
    sign_line,
    text_line,
    title_row,
    write_row,
)
from .paper import finish
from .plan_rows import (
    PanelRow,
    Person,
    PlanHeader,
    level_name,
    occupation,
    time_span,
    weekday,
)

PLAN_COLUMNS = (
    "序号", "场次编号", "日期", "星期", "时间", "考点", "职业（工种）", "级别",
    "考生人数", "考评组长", "考评组成员", "备注",
)  # fmt: skip
WRAPPED = {"考评组成员": 40, "考点地址": 36, "考点": 28}  # widest columns wrap at this width


@dataclass(frozen=True)
class ExaminerSchedule:
    """One examiner and the sessions of the plan they sit on (by start)."""

    person: Person
    sessions: tuple[PanelRow, ...]


def schedules(
    rows: Sequence[PanelRow], people: Sequence[Person] | None = None
) -> list[ExaminerSchedule]:
    """Each examiner's sessions: everyone on a panel (by code), or `people` (even with none)."""
    seated: dict[str, list[PanelRow]] = {}
    persons: dict[str, Person] = {}
    for row in rows:
        for member in row.members:
            seated.setdefault(member.code, []).append(row)
            persons[member.code] = member
    wanted = list(people) if people is not None else [persons[c] for c in sorted(persons)]
    return [ExaminerSchedule(p, tuple(seated.get(p.code, ()))) for p in wanted]


def plan_workbook(header: PlanHeader, sessions: Sequence[PanelRow]) -> Workbook:
    """The whole plan: one row per session with its leader and members."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet_name(f"考评安排 v{header.version}", set())
    columns = len(PLAN_COLUMNS)
    title_row(ws, 1, f"{header.institution_name}考评小组安排表", columns)
    _subtitle(ws, 2, f"{header.label()}　日期：{header.span()}　共 {len(sessions)} 场", columns)
    write_row(ws, 3, PLAN_COLUMNS, font=BOLD)
    styles = StyleCache()
    for n, row in enumerate(sessions, start=1):
        write_row(ws, 3 + n, _plan_values(n, row), text_columns=(2, 3), styles=styles)
    _finish(ws, header_rows=3)
    sign_line(ws, 5 + len(sessions), columns)
    finish(ws, landscape=True, heading=3)
    return wb


def _plan_values(n: int, row: PanelRow) -> list[object]:
    note = f"空缺 {row.unfilled} 席" if row.unfilled else ""
    return [
        n,
        row.code,
        row.start.date().isoformat(),
        weekday(row.start),
        time_span(row.start, row.end),
        row.venue,
        occupation(row),
        level_name(row.level),
        row.candidates,
        row.leader.name if row.leader else "",
        "、".join(m.name for m in row.others()),
        note,
    ]


def _subtitle(ws: Worksheet, row: int, text: str, columns: int) -> None:
    text_line(ws, row, text, columns)


def _finish(ws: Worksheet, header_rows: int) -> None:
    """Column widths from the contents, wide columns capped (they wrap), landscape A4."""
    fit_columns(ws, skip_rows=header_rows, maximum=60)
    for cell in ws[header_rows]:
        cap = WRAPPED.get(str(cell.value))
        dimension = ws.column_dimensions[cell.column_letter]
        if cap and (dimension.width or 0) > cap:
            dimension.width = cap
    ws.freeze_panes = ws.cell(row=header_rows + 1, column=1)
    print_setup(ws, landscape=True, title_rows=f"1:{header_rows}")
    page_numbers(ws)
