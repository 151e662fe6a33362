"""Hand-made plan rows for the assignment-sheet and calendar tests (no database).

A plain module (not a conftest) so tests import it by a name unique across tests/.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from services.exports.layout import mask_id
from services.exports.plan_rows import PanelRow, Person, PlanHeader

FULL_IDS = [f"32040219{70 + k:02d}0101{k:03d}X"[:17] + "X" for k in range(8)]


def header(status: str = "published", version: int = 3) -> PlanHeader:
    """A header of plan `version` of institution 3204005."""
    zh = {"published": "已发布", "draft": "草稿"}[status]
    return PlanHeader(
        institution_code="3204005",
        institution_name="常州市测试评价机构",
        version=version,
        status=status,
        status_zh=zh,
        date_from=datetime(2026, 3, 1).date(),
        date_to=datetime(2026, 3, 31).date(),
        stamp=datetime(2026, 2, 20, 8, 30),
    )


def people(n: int = 8) -> list[Person]:
    """`n` examiners E01.. with masked ID numbers."""
    orgs = ["常州工业职业技术学院", "武进星辰轨道交通装备股份有限公司（常州分公司）"]
    return [
        Person(f"E{k:02d}", f"考评员{k}", f"1390000{k:04d}", orgs[k % 2], mask_id(FULL_IDS[k]))
        for k in range(n)
    ]


def sessions(count: int = 4) -> list[PanelRow]:
    """`count` sessions; panel k is people k%3, k%3+1, k%3+2 (leader the first), size 3."""
    crew = people()
    rows = []
    for k in range(count):
        start = datetime(2026, 3, 2, 9) + timedelta(days=k)
        members = tuple(crew[k % 3 : k % 3 + 3])
        rows.append(
            PanelRow(
                code=f"S{k + 1:04d}",
                start=start,
                end=start + timedelta(hours=3),
                venue=f"考点{k % 2 + 1}",
                venue_address=f"常州市天宁区{k + 1}号",
                occupation_code="6-18-01-01",
                occupation_name="车工",
                level=3,
                candidates=12,
                leader=members[0],
                members=members,
            )
        )
    return rows


def every_value(path: Path) -> list[str]:
    """Every non-empty cell value of every sheet, as text."""
    wb = load_workbook(path)
    return [
        str(cell.value)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None
    ]


def no_full_id(values: list[str], numbers: list[Any]) -> bool:
    """True when no cell contains any of the full ID numbers."""
    return not any(str(n) in v for v in values for n in numbers if n)
