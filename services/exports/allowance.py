"""Allowance statement (津贴补助发放表, R2): per examiner and period, with a sign line.

Rows arrive one per seat served (`services.planning.allowance_rows`): the rate is the
`allowance_per_session` of the appointment covering the session's first day, or None.
A seat without a rate is flagged (未约定津贴标准) and left out of the sums, never counted
as 0 silently: the summary shows how many such seats each examiner has. Money is Decimal
throughout; cells get the amounts with two decimals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from .layout import (
    BOLD,
    StyleCache,
    fit_columns,
    print_setup,
    text_line,
    title_row,
    write_row,
)
from .paper import finish, sheet_page_numbers
from .plan_rows import ROLE_NAMES, level_name

MONEY = "#,##0.00"
NO_RATE = "未约定津贴标准"
SUMMARY_COLUMNS = (
    "序号", "编号", "姓名", "工作单位", "场次数", "金额（元）", "未定标准场次", "领取人签字",
)  # fmt: skip
DETAIL_COLUMNS = (
    "序号", "编号", "姓名", "日期", "场次编号", "考点", "职业（工种）", "级别", "职务",
    "标准（元/场）", "金额（元）", "备注",
)  # fmt: skip


@dataclass(frozen=True)
class ServedSeat:
    """One seat an examiner served (or is to serve) and the rate that pays it."""

    examiner_code: str
    examiner_name: str
    organization: str
    session_code: str
    day: date
    venue: str
    occupation: str
    level: int
    role: str  # "leader" | "member"
    rate: Decimal | None
    held: bool = True  # False: a published session not yet held (expected)


@dataclass(frozen=True)
class ExaminerTotal:
    """One examiner's sessions in the period and what they are paid."""

    code: str
    name: str
    organization: str
    sessions: int
    amount: Decimal  # sum over the seats with a rate
    without_rate: int  # seats flagged: no appointment or no rate covering the day


def totals(seats: Sequence[ServedSeat]) -> list[ExaminerTotal]:
    """Per examiner (by code): sessions, amount (Decimal), seats without a rate."""
    grouped: dict[str, list[ServedSeat]] = {}
    for seat in seats:
        grouped.setdefault(seat.examiner_code, []).append(seat)
    return [
        ExaminerTotal(
            code=code,
            name=mine[0].examiner_name,
            organization=mine[0].organization,
            sessions=len(mine),
            amount=sum((s.rate for s in mine if s.rate is not None), Decimal("0.00")),
            without_rate=sum(1 for s in mine if s.rate is None),
        )
        for code, mine in sorted(grouped.items())
    ]


def grand_total(rows: Sequence[ExaminerTotal]) -> Decimal:
    """The sum of every examiner's amount."""
    return sum((r.amount for r in rows), Decimal("0.00"))


def in_words(amount: Decimal) -> str:
    """An amount in capital numerals as vouchers write it: 壹仟贰佰叁拾肆元伍角 (`cn2an`)."""
    if amount == 0:
        return "零元整"
    import cn2an  # imported when an allowance is written (it loads pandas: 0.3 s at start-up)

    text = cn2an.an2cn(f"{amount.quantize(Decimal('0.01'))}", "rmb")
    return "负" + text if amount < 0 else text


def allowance_workbook(
    institution: str, date_from: date, date_to: date, seats: Sequence[ServedSeat]
) -> Workbook:
    """Summary sheet (one row per examiner, sign column) and detail sheet (one row per seat)."""
    wb = Workbook()
    summary = wb.active
    assert summary is not None
    summary.title = "津贴汇总"
    span = f"{date_from.isoformat()} 至 {date_to.isoformat()}"
    rows = totals(seats)
    _summary(summary, f"{institution}考评人员津贴补助发放表", span, seats, rows)
    _detail(wb.create_sheet("津贴明细"), f"{institution}考评人员津贴补助明细", span, seats)
    return wb


def _summary(
    ws: Worksheet, title: str, span: str, seats: Sequence[ServedSeat], rows: list[ExaminerTotal]
) -> None:
    columns = len(SUMMARY_COLUMNS)
    title_row(ws, 1, title, columns)
    _note(ws, 2, f"期间：{span}　{_basis(seats)}", columns)
    write_row(ws, 3, SUMMARY_COLUMNS, font=BOLD)
    for n, r in enumerate(rows, start=1):
        flag = r.without_rate or None
        values = [n, r.code, r.name, r.organization, r.sessions, r.amount, flag, None]
        write_row(ws, 3 + n, values, text_columns=(2,))
        ws.cell(row=3 + n, column=6).number_format = MONEY
        ws.row_dimensions[3 + n].height = 28  # room for a signature
    last = 4 + len(rows)
    flagged = sum(r.without_rate for r in rows)
    total = ["合计", None, None, None, sum(r.sessions for r in rows), grand_total(rows)]
    write_row(ws, last, [*total, flagged or None, None], font=BOLD)
    ws.cell(row=last, column=6).number_format = MONEY
    _note(ws, last + 1, f"合计金额（大写）：人民币{in_words(grand_total(rows))}", columns)
    if flagged:
        _note(
            ws,
            last + 2,
            f"注：{flagged} 场次{NO_RATE}（聘约未载明或不在聘期内），未计入金额，请核实。",
            columns,
        )
    _note(ws, last + 4, "制表人：　　　　　　审核人：　　　　　　日期：　　年　　月　　日", columns)
    fit_columns(ws, skip_rows=3)
    ws.column_dimensions["H"].width = 14
    print_setup(ws, landscape=False, title_rows="1:3")
    finish(ws, landscape=False, heading=3)
    sheet_page_numbers(ws, landscape=False, title_rows=3)


def _detail(ws: Worksheet, title: str, span: str, seats: Sequence[ServedSeat]) -> None:
    columns = len(DETAIL_COLUMNS)
    title_row(ws, 1, title, columns)
    _note(ws, 2, f"期间：{span}", columns)
    write_row(ws, 3, DETAIL_COLUMNS, font=BOLD)
    ordered = sorted(seats, key=lambda s: (s.examiner_code, s.day, s.session_code))
    styles = StyleCache()
    for n, s in enumerate(ordered, start=1):
        notes = [] if s.rate is not None else [NO_RATE]
        if not s.held:
            notes.append("未举行（已发布）")
        values = [
            n, s.examiner_code, s.examiner_name, s.day.isoformat(), s.session_code, s.venue,
            s.occupation, level_name(s.level), ROLE_NAMES.get(s.role, s.role), s.rate, s.rate,
            "；".join(notes),
        ]  # fmt: skip
        write_row(ws, 3 + n, values, text_columns=(2, 4, 5), styles=styles)
        for column in (10, 11):
            ws.cell(row=3 + n, column=column).number_format = MONEY
    fit_columns(ws, skip_rows=3)
    print_setup(ws, landscape=True, title_rows="1:3")
    finish(ws, landscape=True, heading=3)
    sheet_page_numbers(ws, landscape=True, title_rows=3)


def _basis(seats: Sequence[ServedSeat]) -> str:
    if all(s.held for s in seats):
        return "计发依据：已举行场次的考评小组（在任）"
    return "计发依据：已举行场次及已发布未举行场次（预计）的考评小组"


def _note(ws: Worksheet, row: int, text: str, columns: int) -> None:
    text_line(ws, row, text, columns)
