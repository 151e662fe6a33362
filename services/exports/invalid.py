"""Invalid-result report (R5): candidates whose result is void because an examiner on the
panel should have recused (notice art. 5: "凡应回避而未回避的，相关考评对象成绩做无效处理").

Rows come from `services.discipline.invalid_rows`, which reads `services.discipline.conflict_lists.invalid_results`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook

from .layout import (
    BOLD,
    LEFT,
    StyleCache,
    fit_columns,
    page_numbers,
    print_setup,
    sign_line,
    text_line,
    title_row,
    write_row,
)
from .paper import finish

COLUMNS = (
    "序号", "场次编号", "考评日期", "考点", "考生编号", "考生姓名", "考生单位", "考评人员",
    "回避关系", "关系开始日期", "申报日期", "无效原因",
)  # fmt: skip
REASON_WIDTH = 60


@dataclass(frozen=True)
class InvalidRow:
    """One voided result with the conflict behind it."""

    session_code: str
    day: date
    venue: str
    candidate_code: str
    candidate_name: str
    organization: str
    examiner: str  # `E0001 张三`
    kind_zh: str
    since: date | None
    declared_on: date | None
    reason: str


def invalid_workbook(institution: str, as_of: date, rows: Sequence[InvalidRow]) -> Workbook:
    """The list of voided results, by session date, session and candidate."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "成绩无效名单"
    width = len(COLUMNS)
    title_row(ws, 1, f"{institution}成绩无效考评对象名单", width)
    basis = "依据：常职鉴〔2021〕22号第5条（应回避而未回避的，相关考评对象成绩做无效处理）"
    text_line(ws, 2, f"{basis}　截至 {as_of.isoformat()}　共 {len(rows)} 人次", width)
    write_row(ws, 3, COLUMNS, font=BOLD)
    styles = StyleCache()
    for n, r in enumerate(rows, start=1):
        values = [
            n, r.session_code, r.day.isoformat(), r.venue, r.candidate_code, r.candidate_name,
            r.organization, r.examiner, r.kind_zh, _day(r.since), _day(r.declared_on), r.reason,
        ]  # fmt: skip
        write_row(ws, 3 + n, values, text_columns=(2, 3, 5, 10, 11), styles=styles)
        ws.cell(row=3 + n, column=12).alignment = LEFT  # the reason reads as a sentence
    if not rows:
        ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=width)
        write_row(ws, 4, ["无成绩无效的考评对象"])
    sign_line(ws, 5 + max(len(rows), 1), width, first="经办人")
    fit_columns(ws, skip_rows=3, maximum=REASON_WIDTH)
    ws.freeze_panes = "A4"
    print_setup(ws, landscape=True, title_rows="1:3")
    finish(ws, landscape=True, heading=3)
    page_numbers(ws)
    return wb


def _day(value: date | None) -> str:
    return value.isoformat() if value else "—"
