"""Read tables out of .xlsx and .csv files: find the header row by its content, map headings
to fields by aliases, and keep each row's number as the planner sees it in Excel.

Headings are compared without spaces and line breaks, with full-width brackets read as
half-width and case ignored; a heading such as "级别（考评员/高级考评员）" also matches
the alias "级别" once its bracketed note is dropped. Title rows ("2024年考评人员汇总表"),
the "单位：…" line and footers ("填表人：…") are not data: rows before the header are
skipped, and so are rows whose required cells are all empty.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from services.imports.workbook import MAX_PART_BYTES, MAX_ROWS, Sheet, read_workbook
from services.imports.workbook import MESSAGES as WORKBOOK_MESSAGES
from services.messages import Problem, Refused

MESSAGES = {
    "no_file": {"zh": "找不到文件 {file}", "en": "file {file} not found"},
    "bad_format": {
        "zh": "不支持的文件类型 {file}：请另存为 .xlsx 或 .csv",
        "en": "unsupported file {file}: save it as .xlsx or .csv",
    },
    "unreadable": {
        "zh": "无法读取文件 {file}：{reason_zh}",
        "en": "cannot read {file}: {reason_en}",
    },
    "hidden_sheet": {
        "zh": "{file} 中的数据表位于隐藏的工作表“{sheet}”中，未导入：请在 Excel 中取消隐藏该工作表（或删除它）后重新导入",
        "en": "the table in {file} is on the hidden sheet “{sheet}”; not imported: unhide the sheet in Excel (or delete it) and import again",
    },
    "no_header": {
        "zh": "{file} 中找不到表头行：至少需要列 {columns}",
        "en": "no header row found in {file}: it needs at least the columns {columns}",
    },
}
HEADER_SCAN_ROWS = 30
EXAMPLE_MARKS = ("示例", "example")  # a first cell marking the template's example row
# Why a file cannot be read, by what went wrong (never a bare exception name).
REASONS = {
    "not_zip": ("不是有效的 .xlsx 工作簿（文件已损坏，或是改了扩展名的其他文件）",
                "it is not a valid .xlsx workbook (damaged, or another kind of file renamed)"),
    "ole": ("这是旧版 .xls 工作簿或加密的工作簿：请在 Excel 中取消密码并另存为 .xlsx",
            "it is an old .xls or a password-protected workbook: remove the password and save "
            "it as .xlsx in Excel"),
    "damaged": ("工作簿内容不完整或已损坏：请在 Excel 中打开并重新保存为 .xlsx",
                "the workbook is incomplete or damaged: open it in Excel and save it as .xlsx again"),
    "entities": ("工作簿包含不允许的 XML 实体声明（可能是恶意文件）",
                 "the workbook declares XML entities, which are not allowed (possibly a hostile file)"),
    "encoding": ("文本编码无法识别：请另存为 UTF-8 编码的 CSV",
                 "its text encoding is not recognised: save it as UTF-8 CSV"),
    "csv_field": ("CSV 文件中有过长的单元格或不成对的引号",
                  "the CSV file has an overlong cell or an unmatched quote"),
    "too_big": ("文件过大", "the file is too large"),
}  # fmt: skip
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and encrypted .xlsx files


@dataclass(frozen=True)
class Column:
    """A field of a layout and the headings it may be written as (the first is canonical)."""

    field: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Layout:
    """The columns of one kind of sheet; `required` lists groups of which one must be present."""

    columns: tuple[Column, ...]
    required: tuple[tuple[str, ...], ...]

    def heading(self, name: str) -> str:
        """The canonical heading of field `name`."""
        return next(c.aliases[0] for c in self.columns if c.field == name)


@dataclass
class Row:
    """One data row: its number in the sheet and raw cell values by field."""

    number: int
    values: dict[str, Any]

    def get(self, name: str) -> Any:
        """The raw value of field `name` (None when the column is absent or the cell empty)."""
        return self.values.get(name)


@dataclass
class Table:
    """The rows of a sheet under a recognised header."""

    source: str  # file name, and sheet name for workbooks
    headings: dict[str, str]  # field -> heading as written in the file
    rows: list[Row] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # headings matching no column, as written

    def column(self, name: str) -> str | None:
        """The heading as written for field `name`, None when the file lacks that column."""
        return self.headings.get(name)


def normalize_heading(value: Any) -> str:
    """A heading reduced for comparison: no blanks, half-width brackets, lower case."""
    out = re.sub(r"\s+", "", str(value or "")).lower()
    out = out.translate(str.maketrans("（）：*＊", "():  "))
    return out.replace(" ", "").rstrip(":")


def _stem(heading: str) -> str:
    return re.sub(r"\(.*?\)", "", heading)


def read_sheets(path: Path) -> list[Sheet]:
    """Every sheet of a workbook (a CSV file is one sheet) as rows of cell values, read within
    the limits of `services.imports.workbook`; anything else is refused naming the file."""
    path = Path(path)
    if not path.is_file():
        raise Refused([Problem.of(MESSAGES, "no_file", "file", file=path.name)])
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv", ".txt"):
        raise Refused([Problem.of(MESSAGES, "bad_format", "file", file=path.name)])
    try:
        if suffix in (".xlsx", ".xlsm"):
            return read_workbook(path)
        return [Sheet(path.name, _read_csv(path))]
    except Refused:
        raise
    except Exception as error:  # a damaged or mislabelled file: say so, never a traceback
        raise unreadable(path, _reason(path, error)) from error


def unreadable(path: Path, reason: str) -> Refused:
    """The refusal of the file at `path` for `reason` (a key of REASONS)."""
    zh, en = REASONS[reason]
    problem = Problem.of(MESSAGES, "unreadable", "file", file=path.name, reason_zh=zh, reason_en=en)
    return Refused([problem])


def _reason(path: Path, error: Exception) -> str:
    """Which of REASONS explains `error`, raised while reading the file at `path`."""
    if isinstance(error, zipfile.BadZipFile):
        with path.open("rb") as stream:
            return "ole" if stream.read(len(OLE_MAGIC)) == OLE_MAGIC else "not_zip"
    causes: list[BaseException] = []
    cause: BaseException | None = error
    while cause is not None and len(causes) < 10:  # openpyxl wraps what it met in a ValueError
        causes.append(cause)
        cause = cause.__cause__ or cause.__context__
    if any(type(c).__module__.startswith("defusedxml") for c in causes):
        return "entities"  # EntitiesForbidden, DTDForbidden, ExternalReferenceForbidden
    if isinstance(error, UnicodeDecodeError):
        return "encoding"
    if isinstance(error, csv.Error):
        return "csv_field"
    return "damaged"  # KeyError (a missing part), ParseError, ValueError...


def _read_csv(path: Path) -> list[tuple[Any, ...]]:
    """CSV rows; UTF-8 (with or without BOM) first, else GB18030 (Excel's save in China)."""
    if path.stat().st_size > MAX_PART_BYTES:
        raise unreadable(path, "too_big")
    raw = path.read_bytes()
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        content = raw.decode("gb18030")
    rows = []
    for number, cells in enumerate(csv.reader(io.StringIO(content, newline="")), start=1):
        if number > MAX_ROWS:
            raise Refused([Problem.of(WORKBOOK_MESSAGES, "too_many_rows", "file", file=path.name,
                                      sheet=path.name, limit=MAX_ROWS)])  # fmt: skip
        rows.append(tuple(cells))
    return rows


def find_table(sheets: Sequence[Sheet], layout: Layout) -> Table | None:
    """The first sheet holding `layout`'s header, with its data rows; None when none does.
    A table on a hidden sheet is refused (the planner would import rows they never saw)."""
    for source, rows, hidden in sheets:
        for index, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
            mapping = match_headings(cells, layout)
            found = {name for name, _ in mapping.values()}
            if all(any(name in found for name in group) for group in layout.required):
                if hidden:
                    file, _, sheet = source.rpartition(":")  # sheet names hold no colon
                    problem = Problem.of(MESSAGES, "hidden_sheet", "file", file=file, sheet=sheet)
                    raise Refused([problem])
                return _table(source, rows, index, mapping, layout)
    return None


def read_table(path: Path, layout: Layout) -> Table:
    """The table of `layout` in the file at `path`, or `Refused` naming the missing columns."""
    table = find_table(read_sheets(path), layout)
    if table is None:
        raise no_header(path, [layout])
    return table


def no_header(path: Path, layouts: Iterable[Layout]) -> Refused:
    """The refusal of a file holding no header of `layouts`, naming their required columns."""
    columns = "、".join(layout.heading(group[0]) for layout in layouts for group in layout.required)
    return Refused([Problem.of(MESSAGES, "no_header", "file", file=path.name, columns=columns)])


def match_headings(cells: Iterable[Any], layout: Layout) -> dict[int, tuple[str, str]]:
    """Column index -> (field, heading as written) for the headings of `layout` in a row."""
    exact = {normalize_heading(a): c.field for c in layout.columns for a in c.aliases}
    mapping: dict[int, tuple[str, str]] = {}
    taken: set[str] = set()
    for index, cell in enumerate(cells):
        key = normalize_heading(cell)
        name = exact.get(key) or exact.get(_stem(key)) if key else None
        if name and name not in taken:
            taken.add(name)
            mapping[index] = (name, re.sub(r"\s+", "", str(cell)))
    return mapping


def _table(
    source: str,
    rows: Sequence[tuple[Any, ...]],
    header: int,
    mapping: dict[int, tuple[str, str]],
    layout: Layout,
) -> Table:
    table = Table(source, {name: heading for name, heading in mapping.values()})
    table.unknown = [
        re.sub(r"\s+", "", str(cell))
        for index, cell in enumerate(rows[header])
        if index not in mapping and _clean(cell) is not None
    ]
    required = {name for group in layout.required for name in group}
    for offset, cells in enumerate(rows[header + 1 :], start=header + 2):
        if cells and normalize_heading(cells[0]) in EXAMPLE_MARKS:
            continue  # the template's example row, kept by a planner who filled the rest
        values = {name: _clean(cells[i]) for i, (name, _) in mapping.items() if i < len(cells)}
        if any(values.get(name) is not None for name in required):
            table.rows.append(Row(offset, values))
    return table


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value
