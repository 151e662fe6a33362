"""Fuzz the spreadsheet imports (issue 13) on SQLite and on PostgreSQL: examiner, session and
candidate, and occupation sheets with bad cell values and a mangled structure (headings
dropped, doubled or shuffled, rows ragged or empty), as .xlsx and as .csv. An import either
reports its bad rows or refuses the file: never another exception; a dry run, a refusal and
a strict import that met a bad row change no row count. (Decompression bombs and hidden
sheets are another fuzzer's.)"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from factories import resident_id
from fuzztools import bad_value, count, rng, tally
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.sheets import ATTACHMENT2_HEADINGS, CANDIDATE_HEADINGS, EXTRA_HEADINGS, SESSION_HEADINGS
from models import Base
from services.imports.examiners import import_examiners
from services.imports.occupations import import_occupations
from services.imports.sessions import import_sessions
from services.messages import Refused

CODE = "3204005"
EXAMINER = {
    "序号": 1, "姓名": "张伟", "性别": "男", "身份证号码": resident_id(date(1965, 3, 12), 12),
    "联系电话": "139 1234 5678", "工作单位": "天宁博远精密机械有限公司", "考评职业（工种）": "车工",
    "级别（考评员/高级考评员）": "高级考评员", "证书编号": f"24{CODE}10001", "证书有效期": "2027.12.31",
    "出生年月": "1965.03", "考评级别": "二级", "聘期开始": date(2024, 1, 1),
    "聘期结束": date(2026, 12, 31), "开始考评日期": "2015-01-01", "可任组长": "是",
}  # fmt: skip
SESSION = {
    "场次编号": "S1", "考点": "V1", "考点名称": "一号考点", "考点单位": "单位甲",
    "职业编码": "6-18-01-01", "职业（工种）": "车工", "级别": "三级",
    "开始时间": datetime(2026, 3, 2, 8, 30), "结束时间": datetime(2026, 3, 2, 11, 30),
    "考生人数": 3, "模块数": 1, "小组人数": 3,
}  # fmt: skip
CANDIDATE = {"场次编号": "S1", "准考证号": "K001", "姓名": "李四",
             "身份证号码": resident_id(date(2000, 1, 1), 3), "单位": "单位乙"}  # fmt: skip
OCCUPATION = {"职业编码": "6-31-01-03", "职业（工种）名称": "电工", "大典版本": "2022",
              "每名考评员对应考生数": 5}  # fmt: skip
CELLS = [float("nan"), float("inf"), -1e308, 10**30, -(10**20), 0, -1, 1.5, True, None,
         datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59), date(1900, 1, 1), 2958465.9, 1e-9]  # fmt: skip


def _cell(r: random.Random) -> Any:
    return r.choice(CELLS) if r.random() < 0.3 else bad_value(r)


def sheet(r: random.Random, headings: tuple[str, ...], good: dict[str, Any]) -> list[list[Any]]:
    """A heading row and a few data rows from `good`, cells and structure mangled."""
    names = list(headings)
    if r.random() < 0.3:
        r.shuffle(names)
    if r.random() < 0.2 and len(names) > 1:
        names.remove(r.choice(names))
    if r.random() < 0.1:
        names.append(r.choice(names))
    if r.random() < 0.1:
        names.append(str(bad_value(r)))
    rows = [[good.get(name) for name in names] for _ in range(r.randint(0, 4))]
    for row in rows:
        for _ in range(r.randint(1, 3)):
            row[r.randrange(len(row))] = _cell(r)
        if r.random() < 0.1:
            del row[r.randrange(len(row)) :]  # a ragged row
    if r.random() < 0.1:
        rows.insert(0, [])
    top = [[bad_value(r)]] if r.random() < 0.2 else []
    return [*top, names, *rows]


def write(r: random.Random, folder: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """The sheets as one .xlsx (or the first as .csv, UTF-8 or GBK)."""
    if r.random() < 0.3:
        out = io.StringIO()
        writer = csv.writer(out)
        for row in next(iter(sheets.values())):
            writer.writerow(["" if v is None else str(v) for v in row])
        path = folder / "upload.csv"
        encoding = r.choice(["utf-8", "utf-8-sig", "gbk"])
        path.write_bytes(out.getvalue().encode(encoding, errors="replace"))
        return path
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append([_storable(v) for v in row])
    path = folder / "upload.xlsx"
    book.save(path)
    return path


def _storable(value: Any) -> Any:
    """What openpyxl writes: no control characters in text (a reader never sees them)."""
    if isinstance(value, str):
        return "".join(c for c in value if c >= " " or c in "\t\n\r")[:32_000]
    return value


def counts(db: Session) -> dict[str, int]:
    tables = Base.metadata.sorted_tables
    row = db.execute(
        select(*[select(func.count()).select_from(t).scalar_subquery() for t in tables])
    ).one()
    return {t.name: n for t, n in zip(tables, row, strict=True)}


KINDS: dict[str, tuple[Callable[..., Any], Callable[[random.Random], dict]]] = {
    "examiners": (import_examiners, lambda r: {
        "汇总表": sheet(r, ATTACHMENT2_HEADINGS + EXTRA_HEADINGS, EXAMINER)}),
    "sessions": (import_sessions, lambda r: {
        "场次": sheet(r, SESSION_HEADINGS, SESSION),
        "考生名单": sheet(r, CANDIDATE_HEADINGS, CANDIDATE)}),
    "occupations": (import_occupations, lambda r: {
        "职业": sheet(r, tuple(OCCUPATION), OCCUPATION)}),
}  # fmt: skip


@pytest.mark.fuzz
def test_imports_report_or_refuse_bad_sheets_and_never_write_in_part(db, place, tmp_path):
    r = rng(f"imports-{db.bind.dialect.name}")
    with tally(f"imports ({db.bind.dialect.name}): cell values and structure") as t:
        for _ in range(count(30)):
            t.inputs += 1
            kind = r.choice(sorted(KINDS))
            run, make = KINDS[kind]
            path = write(r, tmp_path, make(r))
            mode = r.choice(["dry_run", "strict", "write"])
            before = counts(db)
            point = db.begin_nested()
            try:
                reports = run(db, place, path, **{mode: True} if mode != "write" else {})
                reports = reports if isinstance(reports, list) else [reports]
                kept = mode == "dry_run" or any(p.refused for p in reports)
            except Refused:
                kept = True
            except Exception as error:
                t.fail(f"{kind} {mode} {path.name}", error)
                point.rollback()
                continue
            if kept and counts(db) != before:
                t.fail(f"{kind} {mode}", "refused or dry run, yet rows were written")
            point.rollback()
