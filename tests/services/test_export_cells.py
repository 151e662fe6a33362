"""Issue 13, finding 2: text from outside (names, organisations, venues, session codes) that
starts like a formula is written as text in every workbook, never as a formula.

Each builder gets hostile values; the saved file is opened back with openpyxl: no formula
cell anywhere, the text intact, and Excel's quote prefix set so editing keeps it text."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from exports_rows import header, sessions
from formrows import FORM, ROW
from openpyxl import Workbook, load_workbook

from services.exports import allowance, assignments, attachment1, attachment2
from services.exports.cells import FORMULA_STARTS, put
from services.exports.dispatch import dispatch_workbook
from services.exports.examiner_sheets import examiner_sheet, examiner_workbook
from services.exports.invalid import InvalidRow, invalid_workbook

LINK = '=HYPERLINK("http://x","y")'
HOSTILE = {
    "name": LINK,
    "org": "+cmd|' /C calc'!A0",
    "venue": "-2+3",
    "code": "@SUM(1+1)",
    "address": "\t=1+1",
    "phone": "=1+2",
}


def hostile_rows():
    rows = sessions(3)
    crew = [replace(p, name=HOSTILE["name"], organization=HOSTILE["org"]) for p in rows[0].members]
    return [
        replace(
            r,
            code=HOSTILE["code"] + str(k),
            venue=HOSTILE["venue"],
            venue_address=HOSTILE["address"],
            members=tuple(crew),
            leader=crew[0],
        )
        for k, r in enumerate(rows)
    ]


def workbooks() -> dict[str, Workbook]:
    rows = hostile_rows()
    seat = allowance.ServedSeat(
        "E1", HOSTILE["name"], HOSTILE["org"], HOSTILE["code"], date(2026, 3, 2),
        HOSTILE["venue"], HOSTILE["name"], 3, "leader", Decimal("100"),
    )  # fmt: skip
    voided = InvalidRow(
        HOSTILE["code"], date(2026, 3, 2), HOSTILE["venue"], HOSTILE["code"], HOSTILE["name"],
        HOSTILE["org"], HOSTILE["name"], "师生", None, None, HOSTILE["venue"],
    )  # fmt: skip
    form = replace(
        FORM, name=HOSTILE["name"], organization=HOSTILE["org"], phone=HOSTILE["phone"],
        work_history=HOSTILE["venue"], vocational_certificate=HOSTILE["code"],
    )  # fmt: skip
    line = replace(ROW, name=HOSTILE["name"], organization=HOSTILE["org"], phone=HOSTILE["phone"])
    mine = Workbook()
    examiner_sheet(mine.active, header(), assignments.schedules(rows)[0])
    return {
        "plan": assignments.plan_workbook(header(), rows),
        "dispatch": dispatch_workbook(header(), rows),
        "examiners": examiner_workbook(header(), assignments.schedules(rows)),
        "mine": mine,
        "allowance": allowance.allowance_workbook(HOSTILE["org"], date(2026, 3, 1), date(2026, 3, 31), [seat]),
        "invalid": invalid_workbook(HOSTILE["org"], date(2026, 3, 31), [voided]),
        "attachment1": attachment1.build([form]),
        "attachment2": attachment2.build(2026, HOSTILE["org"], [line], date(2026, 4, 1)),
    }  # fmt: skip


@pytest.mark.parametrize("kind", list(workbooks()))
def test_no_formula_in_any_workbook_and_the_text_is_intact(kind: str, tmp_path: Path) -> None:
    path = tmp_path / f"{kind}.xlsx"
    workbooks()[kind].save(path)
    cells = [c for ws in load_workbook(path).worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    risky = [c for c in cells if isinstance(c.value, str) and c.value.startswith(FORMULA_STARTS)]
    assert risky and all(c.data_type == "s" and c.quotePrefix for c in risky)
    assert any(t in (HOSTILE["name"], HOSTILE["org"], HOSTILE["venue"]) for t in texts)


def test_put_keeps_plain_values_as_they_are() -> None:
    ws = Workbook().active
    assert put(ws, 1, 1, 12).data_type == "n" and not ws["A1"].quotePrefix
    assert put(ws, 1, 2, "张三").data_type == "s" and not ws["B1"].quotePrefix
    cell = put(ws, 1, 3, "=1+1")
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=1+1", "s", True)
    assert put(ws, 1, 4, None).value is None
