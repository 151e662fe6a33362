"""Write realistic import workbooks from a generated instance (`data.generate.generate`).

- `write_examiners`: the notice's Attachment 2 (`YYYY年考评人员汇总表`): a title row, a
  "单位：…" line, the header, one row per examiner and occupation (an examiner with three
  occupations has three rows with the same ID number), optionally followed by the extra
  Attachment 1 columns the importer understands.
- `write_sessions`: a workbook with a 场次 sheet and a 考生名单 sheet.

ID numbers are well-formed resident IDs (born 1960s-1990s, check character computed, sex
digit agreeing with 性别). Tests, the benchmark and demos use these files.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from data.names import GIVEN_FEMALE, SURNAMES
from data.people import resident_id

ATTACHMENT2_HEADINGS = (
    "序号", "姓名", "性别", "身份证号码", "联系电话", "工作单位",
    "考评职业（工种）", "级别（考评员/高级考评员）", "证书编号", "证书有效期",
)  # fmt: skip
EXTRA_HEADINGS = ("出生年月", "考评级别", "聘期开始", "聘期结束", "开始考评日期", "可任组长")
SESSION_HEADINGS = (
    "场次编号", "考点", "考点名称", "考点单位", "职业编码", "职业（工种）", "级别",
    "开始时间", "结束时间", "考生人数", "模块数", "小组人数",
)  # fmt: skip
CANDIDATE_HEADINGS = ("场次编号", "准考证号", "姓名", "身份证号码", "单位")
REGIONS = ("320402", "320404", "320411", "320412", "320413", "320481", "320483", "320106")
LEVEL_WORDS = {1: "一级", 2: "二级", 3: "三级", 4: "四级", 5: "五级"}


def examiner_records(instance: Mapping[str, Any], seed: int = 0) -> list[dict[str, Any]]:
    """One dict per row of Attachment 2 (examiner x occupation), with the extra fields."""
    rng = random.Random(f"sheets-{seed}")
    code = instance["institution"]["code"]
    names = {o["code"]: o["name"] for o in instance["occupations"]}
    serials: dict[tuple[int, str], int] = {}
    taken: set[str] = set()
    rows = []
    for e in instance["examiners"]:
        person = _person(rng, e, taken)
        issue, until = _certificate_dates(e)
        key = (issue.year, e["grade"])
        serials[key] = serials.get(key, 0) + 1
        digit = "1" if e["grade"] == "senior" else "2"
        person["证书编号"] = f"{issue.year % 100:02d}{code}{digit}{serials[key]:04d}"
        person["证书有效期"] = until
        for q in e["qualifications"]:
            rows.append(
                person | {"考评职业（工种）": names[q["occupation"]], "考评级别": q["top_level"]}
            )
    return rows


def _person(rng: random.Random, e: Mapping[str, Any], taken: set[str]) -> dict[str, Any]:
    female = e["name"][1:] in GIVEN_FEMALE
    birth = date(rng.randint(1962, 1994), rng.randint(1, 12), rng.randint(1, 28))
    term = e["appointments"][-1] if e.get("appointments") else None
    return {
        "姓名": e["name"],
        "性别": "女" if female else "男",
        "身份证号码": resident_id(rng, birth, not female, taken, REGIONS),
        "联系电话": rng.choice(("139", "138", "150", "189")) + f"{rng.randrange(10**8):08d}",
        "工作单位": e.get("organization"),
        "级别（考评员/高级考评员）": "高级考评员" if e["grade"] == "senior" else "考评员",
        "出生年月": f"{birth:%Y.%m}",
        "聘期开始": date.fromisoformat(term["start"]) if term else None,
        "聘期结束": date.fromisoformat(term["end"]) if term else None,
        "开始考评日期": date.fromisoformat(e["assessing_since"]),
        "可任组长": "是" if e.get("leader_eligible") else "否",
    }


def _certificate_dates(e: Mapping[str, Any]) -> tuple[date, date]:
    since = date.fromisoformat(e["assessing_since"])
    until = date.fromisoformat(e["certified_until"]) if e.get("certified_until") else None
    until = until or max(since, date(2026, 1, 1)) + timedelta(days=900)
    issue = date(until.year - 3, until.month, 1) + timedelta(days=until.day)
    return issue, until


def write_examiners(
    path: Path,
    instance: Mapping[str, Any],
    seed: int = 0,
    year: int = 2024,
    extra: bool = True,
    rows: list[dict[str, Any]] | None = None,
) -> Path:
    """Write an Attachment 2 workbook (plus `EXTRA_HEADINGS` when `extra`) and return its path."""
    records = examiner_records(instance, seed) if rows is None else rows
    headings = ATTACHMENT2_HEADINGS + (EXTRA_HEADINGS if extra else ())
    book = Workbook()
    sheet = book.active
    sheet.title = f"{year}年考评人员汇总表"
    sheet.append([f"{year}年考评人员汇总表"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headings))
    sheet.append([f"单位：{instance['institution']['name']}"])
    sheet.append([h.replace("（", "\n（") if len(h) > 8 else h for h in headings])
    for n, record in enumerate(records, start=1):
        sheet.append([n] + [record.get(h) for h in headings[1:]])
    book.save(path)
    return Path(path)


def write_sessions(
    path: Path,
    instance: Mapping[str, Any],
    seed: int = 0,
    candidates: bool = True,
    sessions: bool = True,
) -> Path:
    """Write a workbook with a 场次 sheet and (when `candidates`) a 考生名单 sheet."""
    book = Workbook()
    book.remove(book.active)
    if sessions:
        _sessions_sheet(book.create_sheet("场次"), instance)
    if candidates:
        _candidates_sheet(book.create_sheet("考生名单"), instance, seed)
    book.save(path)
    return Path(path)


def _sessions_sheet(sheet: Any, instance: Mapping[str, Any]) -> None:
    venues = {v["id"]: v for v in instance["venues"]}
    names = {o["code"]: o["name"] for o in instance["occupations"]}
    sheet.append(list(SESSION_HEADINGS))
    for s in instance["sessions"]:
        venue = venues[s["venue"]]
        count = len(s["candidates"]) if s.get("candidates") else s.get("candidate_count")
        sheet.append(
            [
                s["id"],
                venue["id"],
                venue["name"],
                venue["organization"],
                s["occupation"],
                names[s["occupation"]],
                LEVEL_WORDS[s["level"]],
                datetime.fromisoformat(s["start"]),
                datetime.fromisoformat(s["end"]),
                count,
                s.get("modules"),
                s.get("panel_size"),
            ]
        )


def _candidates_sheet(sheet: Any, instance: Mapping[str, Any], seed: int) -> None:
    rng = random.Random(f"candidates-{seed}")
    organizations = {c["id"]: c["organization"] for c in instance["candidates"]}
    taken: set[str] = set()
    people: dict[str, tuple[str, str]] = {}
    sheet.append(list(CANDIDATE_HEADINGS))
    for s in instance["sessions"]:
        for cid in s.get("candidates") or []:
            if cid not in people:
                birth = date(rng.randint(1975, 2004), rng.randint(1, 12), rng.randint(1, 28))
                name = rng.choice(SURNAMES) + rng.choice(GIVEN_FEMALE)
                people[cid] = (name, resident_id(rng, birth, False, taken, REGIONS))
            name, number = people[cid]
            sheet.append([s["id"], cid, name, number, organizations[cid]])
