"""The paper copy: Attachments 1 and 2 through LibreOffice print on A4, the right way round."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from formrows import FORM, ROW
from openpyxl import load_workbook
from pdf import is_a4, page_sizes, to_pdf

from services.exports import attachment1, attachment2


def test_attachments_print_on_a4(tmp_path: Path) -> None:
    forms = [replace(FORM, name=f"考评员{i}") for i in range(4)]
    first = tmp_path / "附件1_考评人员信息表.xlsx"
    attachment1.build(forms).save(first)
    rows = [replace(ROW, name=f"考评员{i}") for i in range(90)]
    second = tmp_path / "2021年考评人员汇总表.xlsx"
    attachment2.build(2021, "常州市XX职业技能等级评价中心", rows, date(2021, 7, 20)).save(second)

    pages = page_sizes(to_pdf(first, tmp_path))
    assert all(is_a4(size, landscape=False) for size in pages)
    assert len(pages) == len(forms)  # one page each (test_paper.py checks the page itself)

    pages = page_sizes(to_pdf(second, tmp_path))
    assert all(is_a4(size, landscape=True) for size in pages)
    # 90 rows at 10 pt, two lines each (the unit wraps): about 12 a landscape page at 100 %.
    assert 6 <= len(pages) <= 10
    assert load_workbook(second).active.print_title_rows == "$4:$4"  # on every page
