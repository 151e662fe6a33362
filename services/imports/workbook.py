"""Read an .xlsx workbook without trusting it: the web upload and `panelplan import` both come
through here (`sheets.read_sheets`).

An .xlsx file is a zip of XML, and a small one can hold a decompression bomb: a 264 KB
workbook of 30 million empty rows took 77 s and 3 GB to read whole. So, before openpyxl
parses anything, the archive's declared sizes are checked (each part, the total, and the
compression ratio, Apache POI's default of 1 : 100; Python's zipfile never inflates a part
past its declared size, it fails the CRC instead); then each sheet's declared dimension; and
while rows stream (read-only openpyxl), their count, their width and every text's length,
since the declared dimension may lie or be absent. Every refusal names the file, the sheet
when there is one, and the limit, in the planner's language. XML entities: openpyxl parses
with defusedxml (a dependency), which refuses DTD entity declarations outright.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from services.messages import Problem, Refused

MIB = 1024 * 1024
MAX_PART_BYTES = 100 * MIB  # one uncompressed part (the XL candidate sheet is about 20 MiB)
MAX_TOTAL_BYTES = 200 * MIB  # all parts together
MAX_PARTS = 1000
MAX_RATIO = 100  # uncompressed / compressed, for parts over RATIO_FROM (sheet XML: about 10)
RATIO_FROM = MIB
MAX_ROWS = 300_000  # per sheet (the XL candidate list has about 50,000)
MAX_COLUMNS = 1000  # no import layout has more than about 30
MAX_CELLS = 5_000_000  # in the whole workbook
MAX_TEXT = 32_767  # characters in one cell: Excel's own limit

MESSAGES = {
    "too_big": {
        "zh": "{file} 解压后过大（{what}超过 {limit} MB），不像是正常的工作簿，未导入",
        "en": "{file} is too large once unpacked ({what} over {limit} MB); not imported",
    },
    "too_big_total": {
        "zh": "{file} 解压后过大（全部内容超过 {limit} MB），不像是正常的工作簿，未导入",
        "en": "{file} is too large once unpacked (over {limit} MB in all); not imported",
    },
    "too_packed": {
        "zh": "{file} 的压缩比异常（{part} 压缩了 {ratio} 倍，上限 {limit} 倍），疑似压缩炸弹，未导入",
        "en": "{file} is suspiciously compressed ({part} {ratio} times, at most {limit}): not imported",
    },
    "too_many_parts": {
        "zh": "{file} 包含的部件过多（超过 {limit} 个），未导入",
        "en": "{file} holds too many parts (over {limit}); not imported",
    },
    "too_many_rows": {
        "zh": "{file} 的工作表“{sheet}”超过 {limit} 行，未导入：请删除多余的行（包括空行）",
        "en": "sheet “{sheet}” of {file} has over {limit} rows; not imported: delete the extra rows (empty ones too)",
    },
    "too_many_columns": {
        "zh": "{file} 的工作表“{sheet}”超过 {limit} 列，未导入：请删除多余的列",
        "en": "sheet “{sheet}” of {file} has over {limit} columns; not imported: delete the extra columns",
    },
    "too_many_cells": {
        "zh": "{file} 的单元格总数超过 {limit}，未导入",
        "en": "{file} holds over {limit} cells; not imported",
    },
    "long_text": {
        "zh": "{file} 的工作表“{sheet}”第 {row} 行有一个单元格超过 {limit} 个字符，未导入",
        "en": "sheet “{sheet}” of {file}, row {row}: a cell holds over {limit} characters; not imported",
    },
}  # fmt: skip


class Sheet(NamedTuple):
    """One sheet's rows of cell values; `hidden` when Excel does not show it."""

    source: str  # file name, and sheet name for workbooks ("考评人员.xlsx:Sheet1")
    rows: list[tuple[Any, ...]]
    hidden: bool = False


def check_archive(path: Path) -> None:
    """Refuse a workbook whose parts would unpack too large or too suddenly."""
    with zipfile.ZipFile(path) as archive:
        parts = archive.infolist()
    file = path.name
    if len(parts) > MAX_PARTS:
        raise _refused("too_many_parts", file=file, limit=MAX_PARTS)
    for part in parts:
        if part.file_size > MAX_PART_BYTES:
            raise _refused("too_big", file=file, what=part.filename, limit=MAX_PART_BYTES // MIB)
        ratio = part.file_size // max(part.compress_size, 1)
        if part.file_size > RATIO_FROM and ratio > MAX_RATIO:
            raise _refused(
                "too_packed", file=file, part=part.filename, ratio=ratio, limit=MAX_RATIO
            )
    if sum(p.file_size for p in parts) > MAX_TOTAL_BYTES:
        raise _refused("too_big_total", file=file, limit=MAX_TOTAL_BYTES // MIB)


def read_workbook(path: Path) -> list[Sheet]:
    """Every sheet of the workbook at `path`, read within the limits above."""
    check_archive(path)
    from openpyxl import load_workbook  # only the import paths need openpyxl

    budget = _Budget(path.name)
    with path.open("rb") as stream:  # closed here even when openpyxl fails half-way
        book = load_workbook(stream, read_only=True, data_only=True, keep_links=False)
        try:
            return [
                Sheet(f"{path.name}:{ws.title}", budget.rows_of(ws), ws.sheet_state != "visible")
                for ws in book.worksheets
            ]
        finally:
            book.close()


@dataclass
class _Budget:
    """What the workbook may still hold: cells in all, and the limits of each sheet."""

    file: str
    cells: int = 0

    def rows_of(self, ws: Any) -> list[tuple[Any, ...]]:
        """The sheet's rows, refused past a limit (the declared size is checked, then ignored)."""
        sheet = ws.title
        if (ws.max_row or 0) > MAX_ROWS:  # declared: refused before any row is parsed
            raise _refused("too_many_rows", file=self.file, sheet=sheet, limit=MAX_ROWS)
        if (ws.max_column or 0) > MAX_COLUMNS:
            raise _refused("too_many_columns", file=self.file, sheet=sheet, limit=MAX_COLUMNS)
        ws.reset_dimensions()  # never pad rows nor add trailing ones from a declared size
        rows = []
        for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:
                raise _refused("too_many_rows", file=self.file, sheet=sheet, limit=MAX_ROWS)
            self._check(row, sheet, number)
            rows.append(row)
        return rows

    def _check(self, row: tuple[Any, ...], sheet: str, number: int) -> None:
        if len(row) > MAX_COLUMNS:
            raise _refused("too_many_columns", file=self.file, sheet=sheet, limit=MAX_COLUMNS)
        self.cells += len(row)
        if self.cells > MAX_CELLS:
            raise _refused("too_many_cells", file=self.file, limit=MAX_CELLS)
        if any(isinstance(v, str) and len(v) > MAX_TEXT for v in row):
            raise _refused("long_text", file=self.file, sheet=sheet, row=number, limit=MAX_TEXT)


def _refused(key: str, **params: Any) -> Refused:
    return Refused([Problem.of(MESSAGES, key, "file", **params)])
