"""Allowance statement (R2): seats served from the database (services/planning/allowance_rows.py)
and the statement workbook (services/exports/allowance.py)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from models import Appointment, PanelSeat
from models.base import SeatRole, SessionStatus
from services.exports.allowance import (
    NO_RATE,
    SUMMARY_COLUMNS,
    ServedSeat,
    allowance_workbook,
    grand_total,
    in_words,
    totals,
)
from services.messages import Refused
from services.planning.allowance_rows import rate_on, served_seats

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def seat(code: str, day: int, rate: str | None, held: bool = True, role: str = "member"):
    return ServedSeat(
        examiner_code=code, examiner_name=f"考评员{code}", organization="单位甲",
        session_code=f"S{day:02d}", day=date(2026, 3, day), venue="考点1",
        occupation="6-18-01-01 车工", level=3, role=role,
        rate=None if rate is None else Decimal(rate), held=held,
    )  # fmt: skip


def test_totals_per_examiner_in_decimal_with_missing_rates_flagged():
    seats = [
        seat("E1", 2, "150.10"), seat("E1", 3, "150.20"), seat("E1", 4, None),
        seat("E2", 2, "0.10"), seat("E2", 5, "0.20"),
    ]  # fmt: skip
    rows = totals(seats)
    assert [(r.code, r.sessions, r.amount, r.without_rate) for r in rows] == [
        ("E1", 3, Decimal("300.30"), 1),
        ("E2", 2, Decimal("0.30"), 0),
    ]
    assert grand_total(rows) == Decimal("300.60")
    assert isinstance(rows[0].amount, Decimal)


def test_the_statement_has_a_summary_with_sign_column_and_a_detail_sheet(tmp_path):
    seats = [seat("E1", 2, "300", role="leader"), seat("E1", 3, None), seat("E2", 9, "200")]
    path = tmp_path / "a.xlsx"
    allowance_workbook("测试机构", *MARCH, seats).save(path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["津贴汇总", "津贴明细"]
    ws = wb["津贴汇总"]
    assert ws["A1"].value == "测试机构考评人员津贴补助发放表"
    assert ws["A2"].value.startswith("期间：2026-03-01 至 2026-03-31")
    assert [c.value for c in ws[3]] == list(SUMMARY_COLUMNS)
    assert SUMMARY_COLUMNS[-1] == "领取人签字"
    assert [c.value for c in ws[4]] == [1, "E1", "考评员E1", "单位甲", 2, 300, 1, None]
    assert [c.value for c in ws[5]] == [2, "E2", "考评员E2", "单位甲", 1, 200, None, None]
    assert [c.value for c in ws[6]][:7] == ["合计", None, None, None, 3, 500, 1]
    assert ws["F4"].number_format == "#,##0.00" and ws["F6"].font.b
    assert ws["A7"].value == "合计金额（大写）：人民币伍佰元整"
    assert NO_RATE in ws["A8"].value and "1 场次" in ws["A8"].value
    assert ws["H4"].border.left.style == "thin" and ws.row_dimensions[4].height == 28
    assert int(ws.page_setup.paperSize) == 9 and ws.print_title_rows == "$1:$3"
    detail = wb["津贴明细"]
    assert [c.value for c in detail[4]][1:11] == [
        "E1", "考评员E1", "2026-03-02", "S02", "考点1", "6-18-01-01 车工", "三级/高级工",
        "组长", 300, 300,
    ]  # fmt: skip
    assert detail["L5"].value == NO_RATE and detail["J5"].value is None
    assert detail.page_setup.orientation == "landscape"


def test_rate_of_the_latest_appointment_covering_the_day():
    terms = [
        (date(2023, 1, 1), date(2025, 12, 31), Decimal("200")),
        (date(2026, 1, 1), date(2028, 12, 31), Decimal("250.5")),
        (date(2026, 3, 1), date(2026, 3, 31), None),
    ]
    assert rate_on(terms, date(2025, 6, 1)) == Decimal("200.00")
    assert rate_on(terms, date(2026, 2, 1)) == Decimal("250.50")
    assert rate_on(terms, date(2026, 3, 2)) is None  # the covering one states no rate
    assert rate_on(terms, date(2030, 1, 1)) is None


def served(db, make, rate_e1=Decimal("300"), e2_rate=None):
    """E1 (rate 300), E2 (appointment without a rate), E3 (appointment ended in February)."""
    inst = make.institution()
    occ, venue = make.occupation(name="车工"), make.venue(inst)
    e1, e2 = make.examiner(inst, occ), make.examiner(inst, occ)
    e3 = make.examiner(inst, occ, term=(date(2025, 3, 1), date(2026, 2, 28)))
    e1.appointments[0].allowance_per_session = rate_e1
    e2.appointments[0].allowance_per_session = e2_rate
    e3.appointments[0].allowance_per_session = Decimal("200")
    db.add(Appointment(examiner_id=e1.id, start=date(2020, 1, 1), end=date(2022, 12, 31),
                       allowance_per_session=Decimal("100")))  # fmt: skip
    cases = [
        (datetime(2026, 3, 2, 9), SessionStatus.HELD),
        (datetime(2026, 3, 10, 9), SessionStatus.HELD),
        (datetime(2026, 3, 20, 9), SessionStatus.PLANNED),  # published, not yet held
        (datetime(2026, 3, 5, 9), SessionStatus.CANCELLED),
        (datetime(2026, 4, 5, 9), SessionStatus.HELD),  # after the period
    ]
    sessions = []
    for start, status in cases:
        s = make.session(inst, venue, occ, start=start, status=status)
        for person, role in ((e1, SeatRole.LEADER), (e2, SeatRole.MEMBER), (e3, SeatRole.MEMBER)):
            db.add(PanelSeat(session_id=s.id, examiner_id=person.id, role=role))
        sessions.append(s)
    db.flush()
    return inst, (e1, e2, e3), sessions


def test_seats_of_held_sessions_in_the_period_with_their_rates(db, make):
    inst, (e1, e2, e3), sessions = served(db, make)
    seats = served_seats(db, inst, *MARCH)
    assert [(s.examiner_code, s.session_code, s.role, s.rate, s.held) for s in seats] == [
        (e1.code, sessions[0].code, "leader", Decimal("300.00"), True),
        (e1.code, sessions[1].code, "leader", Decimal("300.00"), True),
        (e2.code, sessions[0].code, "member", None, True),
        (e2.code, sessions[1].code, "member", None, True),
        (e3.code, sessions[0].code, "member", None, True),  # appointment over: flagged
        (e3.code, sessions[1].code, "member", None, True),
    ]
    assert seats[0].occupation.endswith("车工") and seats[0].day == date(2026, 3, 2)
    rows = totals(seats)
    assert [(r.sessions, r.amount, r.without_rate) for r in rows] == [
        (2, Decimal("600.00"), 0),
        (2, Decimal("0.00"), 2),
        (2, Decimal("0.00"), 2),
    ]


def test_published_sessions_not_yet_held_count_when_asked(db, make):
    inst, (e1, _, _), sessions = served(db, make)
    seats = served_seats(db, inst, *MARCH, include_planned=True)
    mine = [(s.session_code, s.held) for s in seats if s.examiner_code == e1.code]
    assert mine == [(sessions[0].code, True), (sessions[1].code, True), (sessions[2].code, False)]
    assert sessions[3].code not in {s.session_code for s in seats}  # cancelled never counts


def test_a_period_ending_before_it_starts_is_refused(db, make):
    inst = make.institution()
    with pytest.raises(Refused) as refused:
        served_seats(db, inst, date(2026, 3, 31), date(2026, 3, 1))
    assert refused.value.lines("zh") == ["日期范围：开始日期 2026-03-31 晚于结束日期 2026-03-01"]
    assert "after it ends" in refused.value.lines("en")[0]


def test_amounts_in_words_as_vouchers_write_them():
    assert in_words(Decimal("1234.50")) == "壹仟贰佰叁拾肆元伍角"
    assert in_words(Decimal("100.05")) == "壹佰元零伍分"
    assert in_words(Decimal("10010")) == "壹万零壹拾元整"
    assert in_words(Decimal("0")) == "零元整"
    assert in_words(Decimal("3000.00")) == "叁仟元整"
