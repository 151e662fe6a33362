"""Each examiner's sessions (考评任务安排): one block per examiner, each on its own page.

Every examiner's block (title, unit line, heading, one row per session: date, time,
venue and address, occupation and level, role, leader and phone) starts on a new printed
page. The blocks share ONE worksheet with manual page breaks: at XL a tab per examiner
cost about 22 ms each in openpyxl (21 s for 940 examiners), one sheet a fraction of that.
The web app's "my sessions" writes one examiner's block into a sheet of its own
(`examiner_sheet`). Landscape A4 at 100 % with fixed column widths that fit the page (long
venues and addresses wrap in rows as tall as their text); each page of a block ends with
its page number counted within the examiner's block (`pages.Pager`), the heading repeated
on every page of a long block.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .assignments import ExaminerSchedule
from .cells import store
from .layout import BODY, BOLD, CENTER, TITLE, StyleCache, merge, print_setup, write_row
from .pages import Pager, row_height
from .paper import no_shrink
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
WIDTHS = (5, 11, 8, 8, 16, 18, 12, 9, 6, 13)  # 106 units: landscape A4 at 100 %
TEXT_COLUMNS = (2, 4)
LINE = Alignment(horizontal="left", vertical="center", wrap_text=True)


def examiner_workbook(header: PlanHeader, schedules: Iterable[ExaminerSchedule]) -> Workbook:
    """Every examiner's sessions on one sheet, each examiner from a new page."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = f"考评人员任务 v{header.version}"
    pager, styles = Pager(ws, landscape=True, columns=len(COLUMNS)), StyleCache()
    for schedule in schedules:
        examiner_block(pager, header, schedule, styles)
    if pager.row == 1:
        _line(ws, styles, pager.place(40), f"{header.label()}没有安排考评人员", TITLE)
    pager.finish()
    _layout(ws)
    return wb


def examiner_sheet(ws: Worksheet, header: PlanHeader, schedule: ExaminerSchedule) -> None:
    """One examiner's block alone on `ws` (the web app's "my sessions")."""
    pager = Pager(ws, landscape=True, columns=len(COLUMNS))
    examiner_block(pager, header, schedule, StyleCache())
    pager.finish()
    _layout(ws)


def examiner_block(
    pager: Pager, header: PlanHeader, schedule: ExaminerSchedule, styles: StyleCache
) -> int:
    """Write one examiner's block from a new page; returns its last row."""
    ws, person = pager.ws, schedule.person
    pager.start()
    _line(ws, styles, pager.place(40), f"{person.name}（{person.code}）考评任务安排", TITLE)
    text = f"{header.institution_name}　{header.label()}　日期：{header.span()}"
    text += f"　工作单位：{person.organization or '—'}　共 {len(schedule.sessions)} 场"
    _line(ws, styles, pager.place(row_height([text], [sum(WIDTHS)], 11)), text, BODY)

    def heading(row: int) -> float:
        write_row(ws, row, COLUMNS, font=BOLD, styles=styles)
        return row_height(COLUMNS, WIDTHS, 11)

    heading(pager.place(row_height(COLUMNS, WIDTHS, 11)))
    for n, row in enumerate(schedule.sessions, start=1):
        values = _values(n, person, row)
        at = pager.place(row_height(values, WIDTHS, 11), heading)
        write_row(ws, at, values, text_columns=TEXT_COLUMNS, styles=styles)
    if not schedule.sessions:
        _line(ws, styles, pager.place(24), "本方案中没有考评任务", BODY)
    return pager.end()


def _values(n: int, person: Person, row: PanelRow) -> Sequence[object]:
    leader = row.leader
    return [
        n, f"{row.start.date().isoformat()}\n{weekday(row.start)}", time_span(row.start, row.end),
        row.code, row.venue, row.venue_address, occupation(row), level_name(row.level),
        ROLE_NAMES[row.role(person.code)], f"{leader.name} {leader.phone}" if leader else "",
    ]  # fmt: skip


def _layout(ws: Worksheet) -> None:
    """Fixed column widths that fit landscape A4 at 100 %."""
    for k, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(k)].width = width
    print_setup(ws, landscape=True)
    no_shrink(ws)


def _line(ws: Worksheet, styles: StyleCache, row: int, text: str, font: Font) -> None:
    """A line of text across the block (merged): the title centred, others wrapped left."""
    cell = ws.cell(row=row, column=1)
    styles.apply(cell, font, CENTER if font is TITLE else LINE, None)
    store(cell, text)
    merge(ws, row, 1, len(COLUMNS))
