"""Each examiner's sessions (考评任务安排): one block per examiner, each on its own page.

Every examiner's block (title, unit line, heading, one row per session: date, time,
venue and address, occupation and level, role, leader and phone) starts on a new printed
page. The blocks share ONE worksheet with manual page breaks: at XL a tab per examiner
cost about 22 ms each in openpyxl (21 s for 940 examiners), one sheet a fraction of that.
The web app's "my sessions" writes one examiner's block into a sheet of its own
(`examiner_sheet`). Landscape A4 at a fixed scale (manual breaks are ignored under "fit to
page"), the scale computed from the column widths.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import cache

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break, RowBreak
from openpyxl.worksheet.worksheet import Worksheet

from .assignments import ExaminerSchedule
from .layout import (
    BODY,
    BOLD,
    CENTER,
    TITLE,
    StyleCache,
    display_width,
    merge,
    page_numbers,
    page_scale,
    print_setup,
    write_row,
)
from .plan_rows import (
    ROLE_NAMES,
    PanelRow,
    Person,
    PlanHeader,
    level_name,
    occupation,
    time_span,
    weekday,
)

COLUMNS = (
    "序号", "日期", "时间", "场次编号", "考点", "考点地址", "职业（工种）", "级别", "职务",
    "考评组长（电话）",
)  # fmt: skip
TEXT_COLUMNS = (2, 4)
CAPS = {5: 24, 6: 28, 7: 22}  # venue, address, occupation wrap beyond these widths
LINE = Alignment(horizontal="left", vertical="center")  # no wrap: overflows to the right


def examiner_workbook(header: PlanHeader, schedules: Iterable[ExaminerSchedule]) -> Workbook:
    """Every examiner's sessions on one sheet, each examiner from a new page."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = f"考评人员任务 v{header.version}"
    styles, widths, breaks, top = StyleCache(), _heading_widths(), [], 1
    measure = cache(lambda value: display_width(value) + 2)  # venues, dates... repeat a lot
    for schedule in schedules:
        if top > 1:
            breaks.append(Break(id=top - 1))
        top = examiner_block(ws, top, header, schedule, styles, widths, measure) + 1
    if top == 1:
        _line(ws, styles, 1, f"{header.label()}没有安排考评人员", TITLE, 30)
    ws.row_breaks = RowBreak(brk=breaks)  # set once: appending one by one is quadratic
    _layout(ws, widths)
    return wb


def examiner_sheet(ws: Worksheet, header: PlanHeader, schedule: ExaminerSchedule) -> None:
    """One examiner's block alone on `ws` (the web app's "my sessions")."""
    widths = _heading_widths()
    examiner_block(ws, 1, header, schedule, StyleCache(), widths)
    _layout(ws, widths)
    ws.print_title_rows = "1:3"


def examiner_block(
    ws: Worksheet,
    top: int,
    header: PlanHeader,
    schedule: ExaminerSchedule,
    styles: StyleCache,
    widths: list[int],
    measure: Callable[[object], int] = lambda value: display_width(value) + 2,
) -> int:
    """Write one examiner's block from row `top`, widening `widths`; returns its last row."""
    person = schedule.person
    _line(ws, styles, top, f"{person.name}（{person.code}）考评任务安排", TITLE, 30)
    text = f"{header.institution_name}　{header.label()}　日期：{header.span()}"
    text += f"　工作单位：{person.organization or '—'}　共 {len(schedule.sessions)} 场"
    _line(ws, styles, top + 1, text, BODY, 20)
    write_row(ws, top + 2, COLUMNS, font=BOLD, styles=styles)
    for n, row in enumerate(schedule.sessions, start=1):
        values = _values(n, person, row)
        write_row(ws, top + 2 + n, values, text_columns=TEXT_COLUMNS, styles=styles)
        for k, value in enumerate(values):
            widths[k] = max(widths[k], measure(value))
    if not schedule.sessions:
        _line(ws, styles, top + 3, "本方案中没有考评任务", BODY, 20)
        return top + 3
    return top + 2 + len(schedule.sessions)


def _values(n: int, person: Person, row: PanelRow) -> Sequence[object]:
    leader = row.leader
    return [
        n, f"{row.start.date().isoformat()} {weekday(row.start)}", time_span(row.start, row.end),
        row.code, row.venue, row.venue_address, occupation(row), level_name(row.level),
        ROLE_NAMES[row.role(person.code)], f"{leader.name} {leader.phone}" if leader else "",
    ]  # fmt: skip


def _heading_widths() -> list[int]:
    return [display_width(c) + 2 for c in COLUMNS]


def _layout(ws: Worksheet, widths: list[int]) -> None:
    """Column widths (long ones capped, they wrap), landscape A4 at the scale that fits."""
    final = [min(w, CAPS.get(k + 1, 40)) for k, w in enumerate(widths)]
    for k, width in enumerate(final, start=1):
        ws.column_dimensions[get_column_letter(k)].width = width
    print_setup(ws, landscape=True)
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.scale = page_scale(sum(final), landscape=True)
    page_numbers(ws)


def _line(
    ws: Worksheet, styles: StyleCache, row: int, text: str, font: Font, height: float
) -> None:
    """A line of text: the title centred across the block (merged), others overflow right."""
    cell = ws.cell(row=row, column=1, value=text)
    title = font is TITLE
    styles.apply(cell, font, CENTER if title else LINE, None)
    if title:
        merge(ws, row, 1, len(COLUMNS))
    ws.row_dimensions[row].height = height
