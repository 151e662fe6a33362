"""Every export with the hard cases (long names, three certificates, many voided results,
1 and 100+ rows), saved as workbooks; read back from the PDF LibreOffice prints.

Shared by tests/services/test_paper.py and `make paper` (which runs this file to refresh
the reference pages in docs/paper/). A plain module, imported by a name unique in tests/.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pdfplumber

sys.path.insert(0, str(Path(__file__).parent))

from exports_rows import header, people, sessions
from formrows import FORM, ROW

from services.exports import allowance, assignments, attachment1, attachment2
from services.exports.dispatch import dispatch_workbook
from services.exports.examiner_sheets import examiner_workbook
from services.exports.invalid import InvalidRow, invalid_workbook

LONG_VENUE = "常州市武进区高新技术产业开发区职业技能公共实训基地第三综合实训楼二层数控车削实训车间"
LONG_ORG = "常州市某某区某某街道某某机械制造有限责任公司第二分公司（精密零部件事业部）"
PAGE_NUMBER = re.compile(r"第\s*(\d+)\s*页，\s*共\s*(\d+)\s*页")


def hard_sessions(count: int) -> list:
    """`count` sessions, every third at a venue with a very long name and address."""
    rows = sessions(count)
    crew = [replace(p, organization=LONG_ORG) if k % 2 else p for k, p in enumerate(people())]
    out = []
    for k, row in enumerate(rows):
        members = tuple(crew[k % 3 : k % 3 + 3]) if k % 5 else tuple(crew[:7])
        row = replace(row, members=members, leader=members[0])
        if k % 3 == 0:
            row = replace(row, venue=LONG_VENUE, venue_address=LONG_VENUE + "东门")
        out.append(row)
    return out


def invalid_rows(count: int) -> list[InvalidRow]:
    reason = (
        "考评人员与考评对象存在师生关系（自2024-09-01起，已于2026-03-20申报），依常职鉴〔2021〕"
        "22号第5条应回避而未回避，该考评对象本场次成绩做无效处理"
    )
    return [
        InvalidRow(
            f"S{k:04d}",
            date(2026, 3, 2),
            LONG_VENUE if k % 2 else "考点1",
            f"C{k:05d}",
            "欧阳某某",
            LONG_ORG,
            "E0001 张三",
            "师生",
            date(2024, 9, 1),
            date(2026, 3, 20),
            reason,
        )
        for k in range(count)
    ]


def seats(count: int) -> list[allowance.ServedSeat]:
    return [
        allowance.ServedSeat(
            f"E{k % 40:03d}",
            f"考评员{k % 40}",
            LONG_ORG,
            f"S{k:04d}",
            date(2026, 3, 1) + timedelta(days=k % 28),
            LONG_VENUE,
            "6-18-01-01 车工",
            3,
            "leader" if k % 3 == 0 else "member",
            Decimal("150.00") if k % 7 else None,
        )
        for k in range(count)
    ]


def forms() -> list[attachment1.ExaminerForm]:
    certificates = "\n".join(
        f"{name} 0{k}2021320400{k}123456"
        for k, name in enumerate(("车工 技师", "电工 高级技师", "钳工 高级工"))
    )
    history = "\n".join(f"{1990 + 3 * k}—{1993 + 3 * k} {LONG_ORG} 车工、班组长" for k in range(8))
    return [
        replace(
            FORM, organization=LONG_ORG, vocational_certificate=certificates, work_history=history
        ),
        FORM,
    ]


@dataclass(frozen=True)
class Export:
    """One workbook to print: its file stem, minimum text size, expected page count."""

    stem: str
    minimum: float
    pages: int | None  # None: checked by the test itself


def build(folder: Path) -> dict[str, Export]:
    """Save every export into `folder`; what each must look like on paper."""
    plan = header()
    many = hard_sessions(120)
    one_examiner = assignments.schedules(many)[:3]
    books = {
        "plan_1": (assignments.plan_workbook(plan, hard_sessions(1)), 9, 1),
        "plan_120": (assignments.plan_workbook(plan, many), 9, None),
        "dispatch": (dispatch_workbook(plan, hard_sessions(6)), 10.5, 8),  # 2 panels of 7: 2 pages
        "examiners": (examiner_workbook(plan, one_examiner), 9, None),
        "allowance": (allowance.allowance_workbook("常州市测试评价机构", date(2026, 3, 1), date(2026, 3, 31), seats(130)), 9, None),
        "invalid_1": (invalid_workbook("常州市测试评价机构", date(2026, 3, 31), invalid_rows(1)), 9, 1),
        "invalid_60": (invalid_workbook("常州市测试评价机构", date(2026, 3, 31), invalid_rows(60)), 9, None),
        "attachment1": (attachment1.build(forms()), 10.5, 2),
        "attachment2": (attachment2.build(2026, "常州市测试评价机构", [replace(ROW, name=f"考评员{k}", organization=LONG_ORG if k % 2 else ROW.organization) for k in range(110)], date(2026, 4, 1)), 9, None),
    }  # fmt: skip
    out = {}
    for stem, (workbook, minimum, pages) in books.items():
        workbook.save(folder / f"{stem}.xlsx")
        out[stem] = Export(stem, minimum, pages)
    return out


def overlaps(chars: list[dict]) -> list[tuple[str, str]]:
    """Pairs of characters whose boxes overlap (shrunk by 0.5 pt: touching is fine)."""
    found = []
    boxes = sorted(
        (c["x0"] + 0.5, c["top"] + 0.5, c["x1"] - 0.5, c["bottom"] - 0.5, c["text"])
        for c in chars
        if c["text"].strip()
    )
    for i, (_x0, top, x1, bottom, text) in enumerate(boxes):
        for ox0, otop, _ox1, obottom, other in boxes[i + 1 :]:
            if ox0 >= x1:
                break
            if otop < bottom and obottom > top:
                found.append((text, other))
    return found


def render_pngs(pdf: Path, folder: Path, pages: int = 1) -> None:
    """The first `pages` pages of `pdf` as PNGs in `folder` (for docs/exports.md)."""
    with pdfplumber.open(pdf) as document:
        for k, page in enumerate(document.pages[:pages], start=1):
            page.to_image(resolution=70).save(folder / f"{pdf.stem}-{k}.png")


if __name__ == "__main__":  # make paper
    from pdf import to_pdfs

    target = Path(sys.argv[1])
    work = target / "work"
    work.mkdir(parents=True, exist_ok=True)
    exports = build(work)
    pdfs = to_pdfs([work / f"{stem}.xlsx" for stem in exports], work)
    for pdf in pdfs:
        render_pngs(pdf, target, pages=2 if pdf.stem in {"plan_120", "examiners"} else 1)
    for path in work.iterdir():
        path.unlink()
    work.rmdir()
