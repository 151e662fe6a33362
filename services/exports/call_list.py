"""The call list of a publication: the examiners to tell, those without e-mail first, with
their phone (as the reader may see it), what changed in words and their answer per session.

Rows come from `services.notices.queries.call_list` (the page shows the same list); every
value goes through `layout.write_row` (text stays text, never a formula).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
    "序号",
    "编号",
    "姓名",
    "联系电话",
    "电子邮箱",
    "变化",
    "邮件",
    "答复",
    "原因",
    "已电话通知",
)
CHANGES_WIDTH = 60


@dataclass(frozen=True)
class CallRow:
    """One examiner to tell."""

    code: str
    name: str
    phone: str  # masked when the reader may not see it whole
    email: str
    changes: tuple[str, ...]  # one sentence per session, with the answer for that session
    mailed: str  # 已发送 2026-03-01 09:00 / 发送失败，将自动重试 / 无邮箱：请电话通知 / 等待发送
    answer: str  # 已确认 / 有 1 场不能参加 / 待答复 / 待答复 1 场（已答复 2 场）
    reason: str  # one line per declined session


def call_list_workbook(institution: str, plan_label: str, rows: Sequence[CallRow]) -> Workbook:
    """The call list: one row per examiner, the changes one per line."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "通知名单"
    width = len(COLUMNS)
    title_row(ws, 1, f"{institution}考评任务变更通知名单", width)
    text_line(ws, 2, f"{plan_label}　共 {len(rows)} 人　无电子邮箱者在前，请电话通知", width)
    write_row(ws, 3, COLUMNS, font=BOLD)
    styles = StyleCache()
    for n, r in enumerate(rows, start=1):
        values = [n, r.code, r.name, r.phone, r.email, "\n".join(r.changes), r.mailed,
                  r.answer, r.reason, ""]  # fmt: skip
        write_row(ws, 3 + n, values, text_columns=(2, 3, 4, 5, 6, 9), styles=styles)
        for column in (6, 9):  # one line per session
            ws.cell(row=3 + n, column=column).alignment = LEFT
    if not rows:
        ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=width)
        write_row(ws, 4, ["无需通知的考评人员"])
    sign_line(ws, 5 + max(len(rows), 1), width, first="经办人")
    fit_columns(ws, skip_rows=3, maximum=CHANGES_WIDTH)
    ws.freeze_panes = "A4"
    print_setup(ws, landscape=True, title_rows="1:3")
    finish(ws, landscape=True, heading=3)
    page_numbers(ws)
    return wb
