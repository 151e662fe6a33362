"""The printed page: rows as tall as their wrapped text, columns that fit A4 at 100 %.

Issue 14: "every export prints clean on A4". A row of fixed height does not grow in Excel
or LibreOffice when its text wraps, so the text prints over the rows above and below; and
"fit to page width" shrinks a wide sheet to 5-7 pt. Instead every sheet

- keeps its columns within the page width (`fit_width`: the widest columns give way and
  wrap) and prints at 100 % (`no_shrink`), so 11 pt body text prints at 11 pt;
- gets row heights from a width model of its text (`fit_rows`): a CJK character is as wide
  as the font size, a Latin one about 0.65 of it, a line 1.47 times the size (Noto CJK's
  line spacing, the font LibreOffice prints 宋体 with), checked on the rendered PDF by
  tests/services/test_paper.py;
- leaves room for the footer (`MARGINS`: the footer sits in the bottom margin).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

# Inches. The footer is printed `footer` from the page edge, the body starts `bottom` from
# it: the gap holds the 9 pt page-number line whole (0.6 and Excel's 0.5 left 7 pt for it).
MARGINS = {"left": 0.5, "right": 0.5, "top": 0.6, "bottom": 0.85, "header": 0.3, "footer": 0.3}
UNIT_POINTS = 6.8  # printed points per column-width unit (LibreOffice: 7.0, measured)
CELL_PADDING = 3.0  # points a cell keeps free left and right of its text (2 measured)
LINE_FACTOR = 1.47  # line height / font size for Noto CJK (1.455 measured)
ROW_PADDING = 4.0  # points above and below the text
LATIN_FACTOR = 0.65  # a Latin character's width / font size (DejaVu digits 0.64, Noto Serif 0.52)
DEFAULT_WIDTH = 8.43  # Excel's column width when none is set
DEFAULT_HEIGHT = 15.0  # Excel's row height when none is set (openpyxl writes it as default)
# Column units that fit across A4 inside MARGINS at 100 %: LibreOffice prints a unit as
# 7.0 pt (523 pt portrait: 74.7 units, 770 pt landscape: 110), Excel narrower (5.25 pt
# and Calibri's padding); kept a little under LibreOffice's room.
PAGE_UNITS = {False: 72, True: 106}
PAGE_POINTS = {False: 841.9, True: 595.3}  # page height, portrait / landscape


UNBROKEN = re.compile(r"\s+|(?<=\d-)(?=\d{4})")


@cache
def char_points(char: str, size: float) -> float:
    """Printed width of one character at `size` points."""
    wide = unicodedata.east_asian_width(char) in "WFA" and ord(char) > 0x2000
    return size if wide else size * LATIN_FACTOR


def line_count(text: str, width_points: float, size: float) -> int:
    """Lines `text` takes when wrapped into `width_points` (CJK anywhere, Latin at spaces)."""
    lines = 0
    for paragraph in str(text).split("\n"):
        lines += _paragraph_lines(paragraph, max(width_points, size), size)
    return max(lines, 1)


def _paragraph_lines(text: str, width: float, size: float) -> int:
    lines, used = 1, 0.0
    for word in _words(text):
        points = sum(char_points(c, size) for c in word)
        if used + points <= width:
            used += points
            continue
        if points <= width:  # the word starts a new line
            lines, used = lines + 1, points
            continue
        for char in word:  # longer than a line: broken anywhere
            step = char_points(char, size)
            if used + step > width:
                lines, used = lines + 1, 0.0
            used += step
    return lines


def _words(text: str) -> Iterable[str]:
    """Latin runs stay whole (with their trailing space); each CJK character is a word."""
    word = ""
    for char in text:
        if char_points(char, 10) == 10:
            if word:
                yield word
                word = ""
            yield char
            continue
        word += char
        if char in " -–/、，":  # LibreOffice breaks a line after these
            yield word
            word = ""
    if word:
        yield word


def text_height(text: Any, width_units: float, size: float) -> float:
    """Row height (points) that shows `text` wrapped in a cell `width_units` wide."""
    if text is None or text == "":
        return 0.0
    width = width_units * UNIT_POINTS - 2 * CELL_PADDING
    return line_count(str(text), width, size) * size * LINE_FACTOR + 2 * ROW_PADDING


def column_widths(ws: Worksheet, columns: int) -> list[float]:
    """The width of columns 1..`columns` (Excel's default where none is set)."""
    dims = ws.column_dimensions
    return [
        dims[get_column_letter(k)].width if get_column_letter(k) in dims else DEFAULT_WIDTH
        for k in range(1, columns + 1)
    ]


def fit_rows(ws: Worksheet, first_row: int = 1, last_row: int | None = None) -> None:
    """Raise every row (from `first_row`) to the height its wrapped text needs."""
    widths = column_widths(ws, ws.max_column)
    spans = {
        (area.min_row, area.min_col): sum(widths[area.min_col - 1 : area.max_col])
        for area in ws.merged_cells.ranges
        if area.min_row == area.max_row
    }
    tall = {(a.min_row, a.min_col) for a in ws.merged_cells.ranges if a.min_row != a.max_row}
    fonts = ws.parent._fonts
    alignments = ws.parent._alignments
    for row in ws.iter_rows(min_row=first_row, max_row=last_row or ws.max_row):
        need = 0.0
        for cell in row:
            value = cell.value
            if value is None or (cell.row, cell.column) in tall:
                continue
            style = cell._style
            size = float(fonts[style.fontId].sz or 11)
            if alignments[style.alignmentId].wrap_text:
                width = spans.get((cell.row, cell.column), widths[cell.column - 1])
                need = max(need, text_height(value, width, size))
            else:
                need = max(need, _single_line(value, size))
        if need:
            dimension = ws.row_dimensions[row[0].row]
            dimension.height = max(dimension.height or 0, math.ceil(need))


def _single_line(value: Any, size: float) -> float:
    lines = str(value).count("\n") + 1
    return lines * size * LINE_FACTOR + 2 * ROW_PADDING


def fit_width(
    ws: Worksheet, landscape: bool, columns: int | None = None, heading: int | None = None
) -> None:
    """Narrow the columns until all fit across the page (their text wraps).

    A column never gets narrower than its longest unbreakable run (an ID or phone number,
    a date, a code): those stay on one line; Chinese text wraps anywhere. Columns sized by
    their body alone widen toward their heading (row `heading`) while the page has room.
    """
    count = columns or ws.max_column
    widths = column_widths(ws, count)
    floors = _floors(ws, count)
    room = PAGE_UNITS[landscape]
    if heading is not None:
        _toward_headings(ws, heading, widths, room)
    excess = sum(widths) - room
    slack = sum(max(0.0, w - f) for w, f in zip(widths, floors, strict=True))
    if excess > 0 and slack > 0:  # every column gives the same share of what it can give
        keep = max(0.0, 1 - excess / slack)
        widths = [
            w if w <= f else math.floor(f + (w - f) * keep)
            for w, f in zip(widths, floors, strict=True)
        ]
    for k, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(k)].width = width


def _toward_headings(ws: Worksheet, heading: int, widths: list[float], room: float) -> None:
    """Widen columns narrower than their heading, narrowest first, while the page has room."""
    wanted = [
        math.ceil(sum(char_points(c, 11) for c in str(cell.value or "")) / UNIT_POINTS) + 1
        for cell in ws[heading][: len(widths)]
    ]
    for k in sorted(range(len(widths)), key=lambda k: wanted[k]):
        spare = room - sum(widths)
        if wanted[k] > widths[k] and spare > 0:
            widths[k] = min(wanted[k], widths[k] + spare)


def _floors(ws: Worksheet, count: int) -> list[float]:
    """Per column, the width of its longest run of Latin characters at its font size, at
    least 5 (two Chinese characters a line)."""
    floors = [5.0] * count
    merged = {(r, c) for area in ws.merged_cells.ranges for r, c in area.cells}
    fonts = ws.parent._fonts
    for row in ws.iter_rows(max_col=count):
        for cell in row:
            if cell.value is None or (cell.row, cell.column) in merged:
                continue
            k, size = cell.column - 1, float(fonts[cell._style.fontId].sz or 11)
            floors[k] = max(floors[k], _run_units(str(cell.value), size))
    return floors


@cache
def _run_units(text: str, size: float) -> float:
    """Units of the longest run that must stay on one line: split at spaces, at CJK
    characters and before the second date of a range (2021.07.01-2024.06.30)."""
    runs = UNBROKEN.split("".join(c if char_points(c, 10) < 10 else " " for c in text))
    longest = max((len(run) for run in runs), default=0)
    return math.ceil((longest * size * LATIN_FACTOR + 2 * CELL_PADDING) / UNIT_POINTS)


def no_shrink(ws: Worksheet) -> None:
    """Print at 100 % (never "fit to page": it shrinks the text), margins that keep the footer."""
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.scale = 100
    for side, inches in MARGINS.items():
        setattr(ws.page_margins, side, inches)


def finish(
    ws: Worksheet, landscape: bool, heading: int | None = None, columns: int | None = None
) -> None:
    """Columns within the page, 100 %, rows as tall as their text: the last step of a sheet.

    With `heading` (its row), the columns were sized by their body: they widen toward the
    heading's width where the page has room, else the heading wraps.
    """
    fit_width(ws, landscape, columns, heading)
    no_shrink(ws)
    fit_rows(ws)
    for row in range(1, ws.max_row + 1):  # every height known: `page_count` adds them up
        dimension = ws.row_dimensions[row]
        dimension.height = dimension.height or DEFAULT_HEIGHT


def body_points(landscape: bool) -> float:
    """Printable height (points) between the top and bottom margins."""
    return PAGE_POINTS[landscape] - 72 * (MARGINS["top"] + MARGINS["bottom"])


def page_count(ws: Worksheet, landscape: bool, title_rows: int = 0) -> int:
    """The pages the sheet prints on: rows never split, the first `title_rows` repeated.

    Every row has its height set (`finish`), so this is the printer's own greedy fill.
    """
    heights = [ws.row_dimensions[r].height or DEFAULT_HEIGHT for r in range(1, ws.max_row + 1)]
    room = body_points(landscape) - sum(heights[:title_rows])
    pages, used = 1, 0.0
    for height in heights[title_rows:]:
        if used + height > room and used > 0:
            pages, used = pages + 1, 0.0
        used += height
    return pages


def sheet_page_numbers(ws: Worksheet, landscape: bool, title_rows: int = 0) -> None:
    """Footer "第 i 页，共 n 页" counted within this sheet (LibreOffice's &N counts every
    sheet of the workbook: the allowance summary read "共 38 页" with its detail sheet)."""
    total = page_count(ws, landscape, title_rows)
    ws.page_setup.firstPageNumber, ws.page_setup.useFirstPageNumber = 1, True
    for footer in (ws.oddFooter, ws.evenFooter):
        footer.center.text, footer.center.size = f"第 &P 页，共 {total} 页", 9
        footer.center.font = "宋体,Regular"
