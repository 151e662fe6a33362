"""The session (场次) and candidate-list (考生名单) sheets: their columns and row reading.

Pure: no database. A row becomes a plain record plus the problems found in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.cells import parse_count, parse_date, parse_datetime, parse_level, text
from services.imports.sheets import Column, Layout, Row, Table
from services.messages import Problem
from services.people.validation import compact_document, document_problems, guess_document_type

SESSION_LAYOUT = Layout(
    columns=(
        Column("seq", ("序号", "no.")),
        Column("code", ("场次编号", "场次号", "场次", "session", "session code")),
        Column("venue", ("考点", "考点编号", "考点代码", "venue")),
        Column("venue_name", ("考点名称", "venue name")),
        Column("venue_organization", ("考点单位", "考点所属单位", "venue organization")),
        Column("occupation_code", ("职业编码", "职业代码", "occupation code")),
        Column("occupation", ("职业(工种)", "职业", "工种", "occupation")),
        Column("level", ("级别", "等级", "level")),
        Column("day", ("日期", "考试日期", "date")),
        Column("start", ("开始时间", "开始", "start")),
        Column("end", ("结束时间", "结束", "end")),
        Column("candidate_count", ("考生人数", "人数", "candidate count")),
        Column("modules", ("模块数", "modules")),
        Column("panel_size", ("小组人数", "考评小组人数", "panel size")),
    ),
    required=(
        ("code",),
        ("venue",),
        ("occupation_code", "occupation"),
        ("level",),
        ("start",),
        ("end",),
    ),
)

CANDIDATE_LAYOUT = Layout(
    columns=(
        Column("seq", ("序号", "no.")),
        Column("session", ("场次编号", "场次号", "场次", "session")),
        Column("code", ("准考证号", "考生编号", "admission number", "candidate code")),
        Column("name", ("姓名", "name")),
        Column("document_number", ("身份证号码", "证件号码", "身份证号", "id number")),
        Column("organization", ("单位", "工作单位", "所在单位", "organization")),
    ),
    required=(("session",), ("code",), ("name",)),
)

MESSAGES = {
    "missing": {"zh": "不能为空", "en": "is required"},
    "time_order": {
        "zh": "结束时间 {end:%Y-%m-%d %H:%M} 不晚于开始时间 {start:%Y-%m-%d %H:%M}",
        "en": "the end {end:%Y-%m-%d %H:%M} is not after the start {start:%Y-%m-%d %H:%M}",
    },
    "too_long": {
        "zh": "“{value}”超过 {limit} 个字符",
        "en": "“{value}” exceeds {limit} characters",
    },
}


@dataclass
class SessionIn:
    """One session row, read."""

    row: int
    code: str
    venue: str
    venue_name: str | None
    venue_organization: str | None
    occupation: str
    level: int
    start: datetime
    end: datetime
    candidate_count: int | None
    modules: int | None
    panel_size: int | None


@dataclass
class CandidateIn:
    """One candidate-list row, read."""

    row: int
    session: str
    code: str
    name: str
    document_number: str | None
    organization: str | None


def read_session(row: Row, table: Table) -> tuple[SessionIn | None, list[Problem]]:
    """A session row as a record, with every problem in it."""
    problems: list[Problem] = []

    def take(parsed: tuple[Any, list[Problem]]) -> Any:
        problems.extend(parsed[1])
        return parsed[0]

    code, venue = _required(row, "code", problems), _required(row, "venue", problems)
    occupation = text(row.get("occupation_code")) or text(row.get("occupation"))
    if occupation is None:
        field = "occupation" if table.column("occupation") else "occupation_code"
        problems.append(Problem.of(MESSAGES, "missing", field))
    level = take(parse_level(row.get("level"), "level"))
    day = take(parse_date(row.get("day"), "day"))
    start = take(parse_datetime(row.get("start"), "start", day))
    end = take(parse_datetime(row.get("end"), "end", (start.date() if start else day)))
    for name in ("level", "start", "end"):
        if row.get(name) is None:
            problems.append(Problem.of(MESSAGES, "missing", name))
    if start and end and end <= start:
        problems.append(Problem.of(MESSAGES, "time_order", "end", start=start, end=end))
    counts = [
        take(parse_count(row.get(n), n, least))
        for n, least in (("candidate_count", 0), ("modules", 1), ("panel_size", 3))
    ]
    problems = [p.at(row.number, table.column(p.field)) for p in problems]
    if problems:
        return None, problems
    assert code and venue and occupation and level and start and end
    return SessionIn(
        row.number, code, venue, text(row.get("venue_name")), text(row.get("venue_organization")),
        occupation, level, start, end, *counts,
    ), []  # fmt: skip


def read_candidate(row: Row, table: Table) -> tuple[CandidateIn | None, list[Problem]]:
    """A candidate-list row as a record, with every problem in it."""
    problems: list[Problem] = []
    session, code = _required(row, "session", problems), _required(row, "code", problems)
    name = _required(row, "name", problems)
    number = text(row.get("document_number"))
    if number is not None:
        number = compact_document(number)
        problems += document_problems(guess_document_type(number), number)
    problems = [p.at(row.number, table.column(p.field)) for p in problems]
    if problems:
        return None, problems
    assert session and code and name
    return CandidateIn(row.number, session, code, name, number, text(row.get("organization"))), []


def _required(row: Row, name: str, problems: list[Problem], limit: int = 40) -> str | None:
    value = text(row.get(name))
    if value is None:
        problems.append(Problem.of(MESSAGES, "missing", name))
    elif len(value) > limit:
        problems.append(Problem.of(MESSAGES, "too_long", name, value=value, limit=limit))
        return None
    return value
