"""What a header row says beyond the columns it matched: headings nobody recognises (with the
known heading the planner probably meant) and the columns a layout needs that are missing.

A heading "等级" where the examiner sheet expects "级别" must be named once, at the top of
the report ("未识别的列：等级（是否应为“级别（考评员/高级考评员）”？）"), not discovered row
by row as "级别：不能为空". Pure: no database.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from services.cells import text
from services.imports.sheets import (
    HEADER_SCAN_ROWS,
    Layout,
    Table,
    match_headings,
    normalize_heading,
)
from services.imports.workbook import Sheet
from services.messages import MISSING, Problem, Refused, label

if TYPE_CHECKING:
    from services.imports.common import ImportReport

MESSAGES = {
    "unknown": {
        "zh": "未识别的列“{heading}”：已忽略",
        "en": "unrecognised column “{heading}”: ignored",
    },
    "unknown_guess": {
        "zh": "未识别的列“{heading}”：已忽略（是否应为“{guess}”？）",
        "en": "unrecognised column “{heading}”: ignored (did you mean “{guess}”?)",
    },
    "absent": {
        "zh": "文件中没有“{heading}”列：{count} 行因此未能导入（第 {rows} 行）",
        "en": "the file has no “{heading}” column: {count} rows cannot be imported for want of it (rows {rows})",
    },
    "no_header": {
        "zh": "{file} 中找不到表头行：缺少必需的列 {columns}",
        "en": "no header row found in {file}: the required columns {columns} are missing",
    },
}
# Words planners write for a known heading that look nothing alike letter by letter.
SYNONYMS = {
    "等级": ("level", "grade"),
    "身份证": ("document_number",),
    "证件号": ("document_number",),
    "手机号": ("phone",),
    "电话号码": ("phone",),
    "考评员证号": ("certificate_number",),
    "证书号": ("certificate_number",),
    "考试时间": ("start",),
    "考场": ("venue",),
}
ROWS_SHOWN = 8  # an absent column names its first few rows, then "…"


def unknown_headings(table: Table, layout: Layout) -> list[Problem]:
    """One problem per heading of `table` that matches no column of `layout`."""
    return [_unknown(heading, layout, table) for heading in table.unknown]


def _unknown(heading: str, layout: Layout, table: Table) -> Problem:
    guess = suggest(heading, layout, present=table.headings)
    if guess is None:
        return Problem.of(MESSAGES, "unknown", "file", heading=heading)
    return Problem.of(MESSAGES, "unknown_guess", "file", heading=heading, guess=guess)


def suggest(heading: str, layout: Layout, present: Iterable[str] = ()) -> str | None:
    """The canonical heading of the column `heading` most likely means (None: no good guess);
    columns already present in the file are never suggested."""
    taken = set(present)
    free = [c for c in layout.columns if c.field not in taken]
    key = _stem(normalize_heading(heading))
    if not key:
        return None
    for field in SYNONYMS.get(key, ()):
        for column in free:
            if column.field == field:
                return column.aliases[0].replace("(", "（").replace(")", "）")
    names = {_stem(normalize_heading(a)): c for c in free for a in c.aliases}
    close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.6)
    inside = [n for n in names if len(n) > 1 and len(key) > 1 and (n in key or key in n)]
    found = close or inside
    if not found:
        return None
    return names[found[0]].aliases[0].replace("(", "（").replace(")", "）")


def _stem(key: str) -> str:
    return re.sub(r"\(.*?\)", "", key)


def missing_required(layout: Layout, matched: Iterable[str]) -> list[str]:
    """The canonical headings of `layout`'s required groups that `matched` fields lack."""
    found = set(matched)
    return [
        layout.heading(group[0]).replace("(", "（").replace(")", "）")
        for group in layout.required
        if not any(name in found for name in group)
    ]


def row_span(rows: Sequence[int]) -> str:
    """`2、3、5…` — the first rows of a list, for a line that must stay short."""
    shown = "、".join(str(r) for r in rows[:ROWS_SHOWN])
    return shown + ("…" if len(rows) > ROWS_SHOWN else "")


def no_header(path: Path, sheets: Sequence[Sheet], layouts: Sequence[Layout]) -> Refused:
    """The refusal of a file holding no header of `layouts`: the required columns its most
    header-like row lacks, and that row's headings nobody recognises (with a guess)."""
    problems: list[Problem] = []
    for layout in layouts:
        cells, mapping = _likeliest_header(sheets, layout)
        matched = {name for name, _ in mapping.values()}
        columns = "、".join(missing_required(layout, matched))
        problems.append(Problem.of(MESSAGES, "no_header", "file", file=path.name, columns=columns))
        if mapping:  # a row of some known headings: its unknown ones are likely typos
            table = Table("", {name: heading for name, heading in mapping.values()})
            table.unknown = [
                re.sub(r"\s+", "", str(cell))
                for index, cell in enumerate(cells)
                if index not in mapping and text(cell) is not None
            ]
            problems += unknown_headings(table, layout)
    return Refused(problems)


def _likeliest_header(
    sheets: Sequence[Sheet], layout: Layout
) -> tuple[tuple[Any, ...], dict[int, tuple[str, str]]]:
    """The row (of the first rows of every visible sheet) matching most of `layout`'s columns."""
    best: tuple[tuple[Any, ...], dict[int, tuple[str, str]]] = ((), {})
    for _, rows, hidden in sheets:
        for cells in [] if hidden else rows[:HEADER_SCAN_ROWS]:
            mapping = match_headings(cells, layout)
            if len(mapping) > len(best[1]):
                best = (cells, mapping)
    return best


def absent_columns(report: ImportReport, table: Table) -> None:
    """Move the "不能为空" problems of fields whose column the file lacks out of the rows
    into one line per column (`report.absent`): the column is missing, not each cell. A row
    with other problems keeps those only (a bad ID number, once corrected, gives the sex)."""
    absent = [p for p in report.problems if p.templates == MISSING and not table.column(p.field)]
    others = {p.row for p in report.problems if p not in absent}
    for problem in absent:
        if problem.row not in others:
            report.absent.setdefault(problem.field, []).append(problem.row or 0)
    report.problems = [p for p in report.problems if p not in absent]


def absent_lines(report: ImportReport, lang: str) -> list[str]:
    """One line per absent column: its name and the rows that needed it."""
    lines = []
    for field, rows in report.absent.items():
        problem = Problem.of(
            MESSAGES, "absent", "file", heading=label(field, lang), count=len(rows),
            rows=row_span(sorted(rows)),
        )  # fmt: skip
        lines.append(problem.reason(lang))
    return lines
