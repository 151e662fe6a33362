"""The one way exports write a value into a cell: text always stays text, never a formula.

A name, organisation, venue or session code comes from people outside the office (imports,
web forms). openpyxl stores any string starting with `=` as a formula, so a value such as
`=HYPERLINK("http://x","y")` would become a live link or a computation in the clerk's Excel.
Every builder writes through `put` (or `layout.write_row`, which calls `store` after
the style: a copied style would drop the prefix): a string
that Excel or a spreadsheet would read as a formula when typed (`= + - @`, tab, CR) is
stored as a string cell with Excel's "quote prefix" set, so editing the cell in Excel keeps
it text too.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def store(cell: Cell, value: Any) -> Cell:
    """Write `value` into `cell`; a formula-looking string is stored as plain text."""
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"  # openpyxl made it "f" for a leading "="
        cell.quotePrefix = True
    return cell


def put(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write `value` at (`row`, `column`) of `ws` as `store` does; the cell."""
    return store(ws.cell(row=row, column=column), value)
