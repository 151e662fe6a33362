"""Import templates: the sheets a planner fills in and a notes sheet saying what each column
takes. Pure: the columns, their explanations and the example row come in; a workbook goes out.

Each data sheet has a title row, the header row and one example row whose first cell reads
示例 (the import skips such rows, so a planner who fills the rows below it may leave it),
then empty rows whose text columns (ID numbers, phones, certificate numbers) are already
text cells, so Excel keeps every digit and the X. Columns with a short list of values get a
drop-down list. The notes sheet repeats every column with whether it is required, what it
takes and the example.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .cells import put
from .layout import BODY, BOLD, GRID, LEFT, TEXT_FORMAT, display_width, title_row

EXAMPLE_MARK = "示例"  # the first cell of the example row (the import skips these rows)
BLANK_ROWS = 200  # rows below the example already formatted for the planner
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
OPTIONAL_FILL = PatternFill("solid", fgColor="EDEDED")
EXAMPLE_FONT = Font(name=BODY.name, size=11, italic=True, color="7F7F7F")
NOTES_HEADINGS = ("列名", "是否必填", "说明", "可填写的值或格式", "示例")
NOTES_WIDTHS = (26, 10, 48, 40, 26)


@dataclass(frozen=True)
class TemplateColumn:
    """One column of a template: its heading and what the notes sheet says of it."""

    heading: str
    required: bool
    explanation: str
    allowed: str
    example: Any = None
    text: bool = False  # a text cell: long numbers keep every digit
    choices: tuple[str, ...] = ()  # a drop-down list of these values


@dataclass(frozen=True)
class TemplateSheet:
    """One sheet to fill: its name, title row and columns (the first one is 序号)."""

    name: str
    title: str
    columns: tuple[TemplateColumn, ...]


def template_workbook(sheets: Sequence[TemplateSheet], notes: Sequence[str]) -> Workbook:
    """The sheets to fill, then a 填表说明 sheet: `notes` as lines, then every column."""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        _data_sheet(wb.create_sheet(sheet.name), sheet)
    _notes_sheet(wb.create_sheet("填表说明"), sheets, notes)
    return wb


def _data_sheet(ws: Worksheet, sheet: TemplateSheet) -> None:
    count = len(sheet.columns)
    title_row(ws, 1, sheet.title, count)
    for index, column in enumerate(sheet.columns, start=1):
        head = put(ws, 2, index, column.heading)
        head.font, head.alignment, head.border = BOLD, LEFT, GRID
        head.fill = REQUIRED_FILL if column.required else OPTIONAL_FILL
        example = put(ws, 3, index, EXAMPLE_MARK if index == 1 else column.example)
        example.font, example.border = EXAMPLE_FONT, GRID
        if column.text:
            for row in range(3, 4 + BLANK_ROWS):
                ws.cell(row=row, column=index).number_format = TEXT_FORMAT
        if column.choices:
            _choices(ws, index, column.choices)
        width = max(display_width(column.heading), display_width(column.example or ""))
        ws.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 40)
    ws.freeze_panes = "B3"


def _choices(ws: Worksheet, index: int, choices: Sequence[str]) -> None:
    letter = get_column_letter(index)
    rule = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
    rule.add(f"{letter}4:{letter}{3 + BLANK_ROWS}")
    ws.add_data_validation(rule)


def _notes_sheet(ws: Worksheet, sheets: Sequence[TemplateSheet], notes: Sequence[str]) -> None:
    row = 1
    for line in notes:
        put(ws, row, 1, line).font = BOLD if row == 1 else BODY
        row += 1
    for sheet in sheets:
        row += 1
        put(ws, row, 1, f"工作表“{sheet.name}”").font = BOLD
        row += 1
        for index, heading in enumerate(NOTES_HEADINGS, start=1):
            cell = put(ws, row, index, heading)
            cell.font, cell.border = BOLD, GRID
        for column in sheet.columns[1:]:
            row += 1
            values = (column.heading, "必填" if column.required else "选填", column.explanation,
                      column.allowed, column.example)  # fmt: skip
            for index, value in enumerate(values, start=1):
                cell = put(ws, row, index, value)
                cell.alignment = Alignment(vertical="top", wrap_text=True)
                cell.border = GRID
                cell.number_format = TEXT_FORMAT if column.text and index == 5 else "General"
    for index, width in enumerate(NOTES_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
