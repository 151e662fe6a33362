"""The problems of an import's dry run as a workbook, to fix the file with the list beside it.

Pure: the summary, the column problems and one row per row problem (row, person, column,
problem) come in, already in the reader's language and with ID numbers as the reader may see
them (masked for everyone but admins: `services.institution.privacy`); every value is
written through `cells.put`, since names and cells come from the uploaded file.
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from .cells import put
from .layout import BOLD, GRID, TEXT_FORMAT

WIDTHS = (8, 30, 26, 80)


def problems_workbook(
    headings: Sequence[str],
    summaries: Sequence[str],
    column_lines: Sequence[str],
    rows: Sequence[tuple[int | None, str, str, str]],
) -> Workbook:
    """One sheet: the summaries, the column problems, then a table under `headings`."""
    wb = Workbook()
    ws = wb.active
    ws.title = "问题清单"
    line = 1
    for number, text in enumerate([*summaries, *column_lines]):
        cell = put(ws, line, 1, text)
        if number < len(summaries):
            cell.font = BOLD
        line += 1
    line += 1
    for index, heading in enumerate(headings, start=1):
        cell = put(ws, line, index, heading)
        cell.font, cell.border = BOLD, GRID
    for values in rows:
        line += 1
        for index, value in enumerate(values, start=1):
            cell = put(ws, line, index, value)
            cell.border = GRID
            if index == 2:
                cell.number_format = TEXT_FORMAT
    for index, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = ws.cell(row=line - len(rows) + 1, column=1) if rows else None
    return wb
