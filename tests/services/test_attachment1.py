"""Attachment 1 (信息表): the notice's grid, one sheet per examiner, print-ready, IDs as text."""

from __future__ import annotations

from dataclasses import replace

from formrows import FORM, reload
from openpyxl.cell.cell import MergedCell

from services.exports.attachment1 import SEAL_LINE, TITLE_TEXT, build
from services.exports.paper import body_points

MERGED = {"A1:F1", "B4:C4", "E4:F4", "B5:F5", "B6:C6", "E6:F6", "B7:F7", "B8:F8"}


def test_the_form_has_the_notices_fields_in_its_grid() -> None:
    ws = reload(build([FORM])).active
    assert ws["A1"].value == TITLE_TEXT
    labels = {
        "A2": "姓  名", "C2": "性别", "E2": "出生年月",
        "A3": "身份证或其他有效证件号码", "C3": "学历", "E3": "联系电话",
        "A4": "考评职业/级别", "D4": "考评证书编号", "A5": "工作单位",
        "A6": "职业资格证书名称和编号", "D6": "职称",
        "A7": "从事本职业（工种）工作简历", "A8": "聘用单位意见",
    }  # fmt: skip
    assert {k: ws[k].value for k in labels} == labels
    values = {
        "B2": "张三", "D2": "男", "F2": "1968.05", "B3": "32040219680512123X", "D3": "大专",
        "F3": "13900000001", "B4": "车工/三级、电工/四级", "E4": "213204005200001",
        "B5": "常州市某某机械有限公司", "B6": "车工 技师 0123456789", "E6": "高级工程师",
        "B7": FORM.work_history, "B8": SEAL_LINE,
    }  # fmt: skip
    assert {k: ws[k].value for k in values} == values
    assert {str(r) for r in ws.merged_cells.ranges} == MERGED


def test_id_and_certificate_numbers_are_text_with_every_digit() -> None:
    ws = reload(
        build([FORM, replace(FORM, name="李四", document_number="320402197001011234")])
    ).worksheets
    assert ws[0]["B3"].value == "32040219680512123X"
    assert ws[1]["B3"].value == "320402197001011234"  # 18 digits, not 3.2e17
    assert all(sheet["B3"].data_type == "s" and sheet["B3"].number_format == "@" for sheet in ws)
    assert ws[0]["E4"].number_format == "@"


def test_each_form_prints_on_one_portrait_a4_page() -> None:
    ws = reload(build([FORM])).active
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.page_setup.orientation == "portrait"
    # At 100 % (fit to page shrank the form to 8 pt); the rendered page is checked in
    # test_paper.py. The rows fill the page's height, the history box taking what is left.
    assert not ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.scale == 100
    assert ws.row_dimensions[7].height >= 200 and ws.row_dimensions[8].height >= 120
    assert sum(ws.row_dimensions[r].height for r in range(1, 9)) <= body_points(False)
    assert ws.oddHeader.left.text == "附件1"


def test_every_box_has_borders_and_the_cjk_font() -> None:
    ws = reload(build([FORM])).active
    for row in ws.iter_rows(min_row=2, max_row=8, max_col=6):
        for cell in row:
            assert cell.border.top.style == "thin" and cell.border.bottom.style == "thin"
            assert isinstance(cell, MergedCell) or cell.font.name == "宋体"
        assert row[0].border.left.style == "thin" and row[-1].border.right.style == "thin"
    assert ws["A1"].font.name == "宋体" and ws["A1"].font.bold
    assert ws["B7"].alignment.wrap_text and ws["B7"].alignment.vertical == "top"
    assert ws["B8"].alignment.vertical == "bottom"


def test_sheet_names_are_the_names_unique_and_valid() -> None:
    forms = [FORM, FORM, replace(FORM, name="王/五[*]"), replace(FORM, name="欧阳" * 20)]
    names = reload(build(forms)).sheetnames
    assert names[:2] == ["张三", "张三(2)"]
    assert names[2] == "王_五___"
    assert len(names[3]) <= 31 and len(set(names)) == 4


def test_a_long_work_history_makes_its_box_taller() -> None:
    long = "\n".join(f"{1980 + i}—{1981 + i} 常州某厂 车间主任兼技术员" for i in range(40))
    ws = reload(build([replace(FORM, work_history=long)])).active
    assert ws.row_dimensions[7].height > 400


def test_missing_values_leave_empty_boxes() -> None:
    bare = replace(FORM, education=None, title=None, work_history=None, birth_month=None)
    ws = reload(build([bare])).active
    assert ws["D3"].value is None and ws["E6"].value is None and ws["F2"].value is None
    assert ws["B8"].value == SEAL_LINE
