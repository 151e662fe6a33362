"""Print-ready sheet layout shared by every export: A4, CJK font, borders, widths, names.

What the paper copy needs (notice art. 7: "电子版和盖章纸质版"): A4 in the right orientation
at 100 % (the columns made to fit by `paper`), header rows repeated on every printed page,
thin borders, column widths that fit Chinese text, a CJK font (宋体; on Linux printed with
Noto Serif CJK SC), and ID numbers stored as text so Excel never shows them in scientific
notation or drops an X. Every value goes in through `cells` (formula-looking text stays
text).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from copy import copy
from pathlib import Path
from typing import Any

from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet

from .cells import put, store
from .paper import MARGINS

FONT_NAME = "宋体"
BODY = Font(name=FONT_NAME, size=11)
BOLD = Font(name=FONT_NAME, size=11, bold=True)
TITLE = Font(name=FONT_NAME, size=16, bold=True)
THIN = Side(style="thin", color="000000")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
TEXT_FORMAT = "@"  # Excel's "text" number format: the cell keeps every digit and the X
MAX_SHEET_NAME = 31  # Excel's limit
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
FILE_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10))} | {
    f"LPT{i}" for i in range(1, 10)
}


def print_setup(ws: Worksheet, landscape: bool = False, title_rows: str | None = None) -> None:
    """A4, orientation, 100 % (never "fit to page": it shrank text to 5-7 pt), margins that
    keep the footer whole, repeated header rows. The columns must fit: `paper.finish`."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.scale = 100
    ws.print_options.horizontalCentered = True
    for side, inches in MARGINS.items():
        setattr(ws.page_margins, side, inches)
    if title_rows:
        ws.print_title_rows = title_rows


def display_width(value: Any) -> int:
    """Width of a value in Excel's units: a CJK (wide) character counts two."""
    text = "" if value is None else str(value)
    longest = max(text.split("\n"), key=len, default="")
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in longest)


def fit_columns(ws: Worksheet, minimum: int = 6, maximum: int = 40, skip_rows: int = 0) -> None:
    """Set each column's width to its widest cell (below `skip_rows`), within bounds."""
    widths: dict[int, int] = {}
    # Merged cells do not count. Their (row, column) pairs are gathered once: asking
    # `ws.merged_cells` about each cell builds a range per cell (seconds at 100,000 cells).
    merged = {(r, c) for area in ws.merged_cells.ranges for r, c in area.cells}
    measured: dict[Any, int] = {}  # values repeat (dates, venues, names)
    for row in ws.iter_rows(min_row=skip_rows + 1):
        for cell in row:
            value = cell.value
            if value is None or (cell.row, cell.column) in merged:
                continue
            width = measured.get(value)
            if width is None:
                width = measured[value] = display_width(value)
            widths[cell.column] = max(widths.get(cell.column, 0), width)
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = min(
            maximum, max(minimum, width + 2)
        )


class StyleCache:
    """Cell styles of ONE workbook, looked up once per combination, then copied (fast).

    Assigning `cell.font` etc. hashes the style to find it in the workbook's tables, which
    dominates the build time of sheets with many thousands of cells. Keys are the style
    objects' identities: pass long-lived objects (this module's constants).
    """

    def __init__(self) -> None:
        self._arrays: dict[tuple[int, int, int, str], Any] = {}

    def apply(
        self,
        cell: Any,
        font: Font = BODY,
        align: Alignment = CENTER,
        border: Border | None = GRID,
        number_format: str = "General",
    ) -> None:
        """Give `cell` this font, alignment, border (None: none) and number format."""
        key = (id(font), id(align), id(border), number_format)
        found = self._arrays.get(key)
        if found is not None:
            cell._style = copy(found)
            return
        cell.font, cell.alignment, cell.number_format = font, align, number_format
        if border is not None:
            cell.border = border
        self._arrays[key] = copy(cell._style)


def write_row(
    ws: Worksheet,
    row: int,
    values: Sequence[Any],
    font: Font = BODY,
    align: Alignment = CENTER,
    text_columns: Iterable[int] = (),
    styles: StyleCache | None = None,
) -> None:
    """Write `values` from column A with borders; `text_columns` (1-based) are kept as text.

    Pass one `StyleCache` for every row of a workbook when writing thousands of rows.
    """
    as_text = set(text_columns)
    styles = styles or StyleCache()
    for column, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=column)
        text = column in as_text and value is not None
        styles.apply(cell, font, align, GRID, TEXT_FORMAT if text else "General")
        store(cell, str(value) if text else value)  # after the style: it may add quotePrefix


def merge(ws: Worksheet, row: int, first: int, last: int, last_row: int | None = None) -> None:
    """Merge columns `first`..`last` of `row` (to `last_row`), fast, for sheets with thousands.

    `ws.merge_cells` rebuilds the borders of every covered cell and compares the range with
    every merge so far (quadratic); this only records the range, so ranges must not overlap.
    Covered cells stay as written: write the borders they should show (`write_row` with None).
    """
    area = CellRange(min_col=first, min_row=row, max_col=last, max_row=last_row or row)
    ws.merged_cells.ranges.add(area)


def title_row(ws: Worksheet, row: int, text: str, columns: int, height: float = 30) -> None:
    """A merged, centred title across `columns` columns."""
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    cell = put(ws, row, 1, text)
    cell.font = TITLE
    cell.alignment = CENTER
    ws.row_dimensions[row].height = height


def text_line(ws: Worksheet, row: int, text: str, columns: int, font: Font = BODY) -> None:
    """A line of text merged across `columns`, left, wrapped (its row grows: `paper`)."""
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    cell = put(ws, row, 1, text)
    cell.font, cell.alignment = font, LEFT


def sign_line(ws: Worksheet, row: int, columns: int, first: str = "制表人") -> None:
    """Where the paper copy is signed, stamped and dated."""
    gap = "　" * 6
    text = f"{first}：{gap}审核人：{gap}单位（盖章）：{gap}日期：　　年　　月　　日"
    text_line(ws, row, text, columns)


def sheet_name(wanted: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name close to `wanted` (≤ 31 characters, no []:*?/\\).

    `taken` holds the names used so far, case-folded: Excel treats "Li" and "LI" as one name.
    """
    base = SHEET_FORBIDDEN.sub("_", wanted).strip("'") or "Sheet"
    name, n = base[:MAX_SHEET_NAME], 1
    while name.casefold() in taken:
        n += 1
        suffix = f"({n})"
        name = base[: MAX_SHEET_NAME - len(suffix)] + suffix
    taken.add(name.casefold())
    return name


def file_name(wanted: str, extension: str = ".xlsx") -> str:
    """A file name valid on Windows (no <>:"/\\|?*, no reserved names, no trailing dots)."""
    stem = FILE_FORBIDDEN.sub("_", wanted).strip().rstrip(". ") or "export"
    if stem.split(".")[0].upper() in WINDOWS_RESERVED:
        stem = f"_{stem}"
    return stem[:150] + extension


def output_path(output: Path | None, default_name: str) -> Path:
    """Where to write: `-o FILE` as given, `-o DIR` (existing) + the default name, else the default."""
    if output is None:
        return Path(default_name)
    if output.is_dir():
        return output / default_name
    return output


def mask_id(number: str | None) -> str:
    """An ID number with its middle hidden (`320402********123X`); short numbers keep 2 + 2."""
    if not number:
        return ""
    if len(number) >= 15:
        return number[:6] + "*" * (len(number) - 10) + number[-4:]
    keep = 2 if len(number) > 4 else 1
    return number[:keep] + "*" * (len(number) - 2 * keep) + number[-keep:]


def mask_phone(phone: str | None) -> str:
    """A phone number with its middle hidden (`139****5678`); short numbers keep 1 + 1."""
    if not phone:
        return ""
    if len(phone) < 3:
        return "*" * len(phone)
    keep = (3, 4) if len(phone) >= 8 else (1, 1)
    return phone[: keep[0]] + "*" * max(0, len(phone) - sum(keep)) + phone[-keep[1] :]


def page_numbers(ws: Worksheet, text: str = "第 &P 页，共 &N 页") -> None:
    """Print page numbers in the footer of every page (&P this page, &N the page count)."""
    for footer in (ws.oddFooter, ws.evenFooter):
        footer.center.text, footer.center.size = text, 9
        footer.center.font = f"{FONT_NAME},Regular"  # else LibreOffice's sans-serif
