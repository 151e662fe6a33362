"""Page numbers per document on a sheet that holds many documents (派遣单, examiners' sheets).

A footer's `&P / &N` counts the pages of the whole sheet: one examiner's sheet read
"共 38 页" because the workbook held 38 examiners. These sheets hold one document per
session or examiner, each from a new page (manual page breaks), so each page ends with a
line of its own, "第 i 页，共 n 页", counted within its document. The pager knows every row's
height before it is written (fixed column widths, `paper.text_height`), closes a page
before the row that would not fit, repeats the table heading on the next page, and writes
the numbers once the document's page count is known. Rows keep the heights given, so the
printed page breaks where the pager did.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.pagebreak import Break, RowBreak
from openpyxl.worksheet.worksheet import Worksheet

from .cells import put
from .layout import FONT_NAME, merge
from .paper import body_points, text_height

PAGE_LINE_FONT = Font(name=FONT_NAME, size=10.5)
PAGE_LINE_ALIGN = Alignment(horizontal="center", vertical="center")
PAGE_LINE_HEIGHT = 22.0
SLACK = 6.0  # points kept free on each page (LibreOffice rounds heights to twips)


def row_height(values: Sequence[Any], widths: Sequence[float], size: float) -> float:
    """The height a row of wrapped `values` in columns of `widths` needs."""
    return max((text_height(v, w, size) for v, w in zip(values, widths, strict=False)), default=0.0)


class Pager:
    """Lays out documents page by page on `ws`; `finish` sets the page breaks."""

    def __init__(self, ws: Worksheet, landscape: bool, columns: int) -> None:
        self.ws, self.columns = ws, columns
        self.room = body_points(landscape) - SLACK - PAGE_LINE_HEIGHT
        self.breaks: list[Break] = []
        self.used = 0.0  # this page's height so far
        self.lines: list[int] = []  # the rows of this document's page-number lines
        self.row = 1

    def start(self) -> int:
        """Begin a document on a new page; the row to write at."""
        if self.row > 1:
            self.breaks.append(Break(id=self.row - 1))
        self.used, self.lines = 0.0, []
        return self.row

    def place(self, height: float, heading: Callable[[int], float] | None = None) -> int:
        """The row where a row of `height` goes (a new page first when it does not fit;
        `heading(row)` writes the repeated heading there and returns its height)."""
        if self.used + height > self.room and self.used > 0:
            self._end_page()
            self.breaks.append(Break(id=self.row - 1))
            self.used = 0.0
            if heading is not None:
                self.used = heading(self.row)
                self.ws.row_dimensions[self.row].height = self.used
                self.row += 1
        row = self.row
        self.ws.row_dimensions[row].height = height
        self.used += height
        self.row += 1
        return row

    def end(self) -> int:
        """Close the document: its last page line and every line's "第 i 页，共 n 页"."""
        self._end_page()
        total = len(self.lines)
        for number, row in enumerate(self.lines, start=1):
            put(self.ws, row, 1, f"第 {number} 页，共 {total} 页")
        return self.row - 1

    def finish(self) -> None:
        """Set the page breaks (one list, once: appending one by one is quadratic)."""
        self.ws.row_breaks = RowBreak(brk=self.breaks)

    def _end_page(self) -> None:
        row = self.row
        cell = self.ws.cell(row=row, column=1)
        cell.font, cell.alignment = PAGE_LINE_FONT, PAGE_LINE_ALIGN
        merge(self.ws, row, 1, self.columns)
        self.ws.row_dimensions[row].height = PAGE_LINE_HEIGHT
        self.lines.append(row)
        self.row += 1
