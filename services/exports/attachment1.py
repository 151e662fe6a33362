"""Attachment 1, 职业技能等级认定考评人员信息表: one form per examiner, one sheet each.

The notice's field grid (常职鉴〔2021〕22号, 附件1) on six columns, each form fitted to one
portrait A4 page:

    row 1  title (merged A:F)
    row 2  姓  名 | B | 性别 | D | 出生年月 | F
    row 3  身份证或其他有效证件号码 | B | 学历 | D | 联系电话 | F
    row 4  考评职业/级别 | B:C | 考评证书编号 | E:F
    row 5  工作单位 | B:F
    row 6  职业资格证书名称和编号 | B:C | 职称 | E:F
    row 7  从事本职业（工种）工作简历 | B:F (large box, wrapped)
    row 8  聘用单位意见 | B:F (large box, "年   月   日（盖章）" at its foot)

The notice's label "附件1" prints at the top left of the page (the page header: a form is
one page). Printed at 100 % (11 pt; "fit to page" shrank it to 8 pt): the columns fit
across portrait A4, the boxes of rows 2-6 grow with their text (three certificates take
three lines), the work-history box takes the height that is left on the page (more when
the history needs it) and the opinion box keeps room for the signature and stamp.

Pure: rows in, workbook out. The caller decides whether ID numbers are full or masked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.copier import WorksheetCopy
from openpyxl.worksheet.worksheet import Worksheet

from .cells import put, store
from .layout import BODY, CENTER, GRID, TEXT_FORMAT, TITLE, print_setup, sheet_name
from .paper import body_points, fit_rows, no_shrink, text_height

TITLE_TEXT = "职业技能等级认定考评人员信息表"
SEAL_LINE = "年    月    日（盖章）"
COLUMN_WIDTHS = (11, 21, 7, 9, 11, 13)  # A..F: 72 units, portrait A4 at 100 % (11 pt)
LABEL = "附件1"
# (row, text) of the labels; (first column, last column) of each value box, per row.
LABELS = {
    2: ((1, "姓  名"), (3, "性别"), (5, "出生年月")),
    3: ((1, "身份证或其他有效证件号码"), (3, "学历"), (5, "联系电话")),
    4: ((1, "考评职业/级别"), (4, "考评证书编号")),
    5: ((1, "工作单位"),),
    6: ((1, "职业资格证书名称和编号"), (4, "职称")),
    7: ((1, "从事本职业（工种）工作简历"),),
    8: ((1, "聘用单位意见"),),
}
VALUE_BOXES = {
    2: ((2, 2), (4, 4), (6, 6)),
    3: ((2, 2), (4, 4), (6, 6)),
    4: ((2, 3), (5, 6)),
    5: ((2, 6),),
    6: ((2, 3), (5, 6)),
    7: ((2, 6),),
    8: ((2, 6),),
}
ROW_HEIGHTS = {1: 44, 2: 36, 3: 40, 4: 40, 5: 36, 6: 40, 7: 300, 8: 150}
SPARE = 6  # points kept free at the page's foot (rounding of row heights)
SEAL_ALIGN = Alignment(horizontal="right", vertical="bottom", wrap_text=True)
TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)


@dataclass(frozen=True)
class ExaminerForm:
    """One examiner's Attachment 1 fields, ready to print (ID full or masked by the caller)."""

    name: str
    sex: str  # 男 / 女
    birth_month: date | None
    document_number: str
    education: str | None
    phone: str | None
    occupations: str  # 考评职业/级别, e.g. "车工/三级、电工/四级"
    certificate_number: str | None
    organization: str | None
    vocational_certificate: str | None
    title: str | None
    work_history: str | None


def month_text(day: date | None) -> str:
    """出生年月 as forms write it: 1968.05."""
    return f"{day:%Y.%m}" if day else ""


def build(forms: Iterable[ExaminerForm]) -> Workbook:
    """A workbook with one Attachment 1 sheet per examiner (sheet name = the name, unique)."""
    workbook = Workbook()
    template = workbook.active
    _grid(template)
    taken: set[str] = set()
    for form in forms:
        # Copying a drawn grid is ten times faster than drawing it again (merging and
        # styling cell by cell is what costs in openpyxl): 1,000 forms in about 2 s.
        ws = workbook.create_sheet(sheet_name(form.name, taken))  # named once: naming is O(n)
        WorksheetCopy(template, ws).copy_worksheet()
        fill_form(ws, form)
    if len(workbook.worksheets) > 1:
        workbook.remove(template)
    else:  # no examiner: keep the blank form (an empty workbook cannot be saved)
        template.title = TITLE_TEXT
    return workbook


def write_form(ws: Worksheet, form: ExaminerForm) -> None:
    """Draw the form's grid on `ws` and fill in `form`."""
    _grid(ws)
    fill_form(ws, form)


def fill_form(ws: Worksheet, form: ExaminerForm) -> None:
    """Fill `form` into the boxes of a drawn grid."""
    values = {
        2: (form.name, form.sex, month_text(form.birth_month)),
        3: (form.document_number, form.education, form.phone),
        4: (form.occupations, form.certificate_number),
        5: (form.organization,),
        6: (form.vocational_certificate, form.title),
        7: (form.work_history,),
        8: (SEAL_LINE,),
    }
    for row, texts in values.items():
        for (first, _), text in zip(VALUE_BOXES[row], texts, strict=True):
            store(ws.cell(row=row, column=first), text or None)
    _heights(ws, form.work_history)
    # The page header is not copied with the grid: set on each form.
    ws.oddHeader.left.text, ws.oddHeader.left.size = LABEL, 12
    ws.oddHeader.left.font = "宋体,Bold"


def _heights(ws: Worksheet, history: str | None) -> None:
    """Rows 2-6 as tall as their text; the history box fills the rest of the page."""
    for row in range(2, 7):
        ws.row_dimensions[row].height = ROW_HEIGHTS[row]
    fit_rows(ws, 2, 6)
    used = sum(ws.row_dimensions[row].height for row in (1, 2, 3, 4, 5, 6, 8))
    need = text_height(history, sum(COLUMN_WIDTHS[1:]), BODY.sz)
    ws.row_dimensions[7].height = max(need, body_points(False) - used - SPARE)


def _grid(ws: Worksheet) -> None:
    """Title, labels, merged value boxes, borders, widths, heights and the page setup."""
    for column, width in enumerate(COLUMN_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    for row, height in ROW_HEIGHTS.items():
        ws.row_dimensions[row].height = height
    last = len(COLUMN_WIDTHS)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    put(ws, 1, 1, TITLE_TEXT).font = TITLE
    ws.cell(row=1, column=1).alignment = CENTER
    for row in LABELS:
        for column in range(1, last + 1):  # every cell of a merged box needs its border
            cell = ws.cell(row=row, column=column)
            cell.border, cell.font, cell.alignment = GRID, BODY, CENTER
        for column, text in LABELS[row]:
            put(ws, row, column, text)
        for first, end in VALUE_BOXES[row]:
            if end > first:
                ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=end)
    for coordinate in ("B3", "E4"):  # ID and certificate numbers: text, every digit and X kept
        ws[coordinate].number_format = TEXT_FORMAT
    ws["B7"].alignment = TOP_LEFT
    ws["B8"].alignment = SEAL_ALIGN
    print_setup(ws, landscape=False)
    no_shrink(ws)
