"""A new planner imports examiners the way the issue tried it, clicking from the home page:
downloads the template, fills it with a misnamed column (等级) and a wrong ID number, reads
the report (the column named once, each bad row's person with a masked ID, no import button),
fixes the file and imports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from browser import browser_page, screenshot, sign_in
from importtools import catalogue_only
from openpyxl import load_workbook
from webtools import PASSWORDS, LiveServer, app_on_copy, seed_template

from services.imports.templates import example_id

GRADE = "级别（考评员/高级考评员）"
FANG = example_id(date(1985, 5, 5), 4)  # a woman's number (even sequence)
QIANG = example_id(date(1979, 9, 9), 3)
WRONG = QIANG[:-1] + ("0" if QIANG[-1] != "0" else "1")  # the check character mistyped


@pytest.fixture
def app(tmp_path_factory, tmp_path):
    template = seed_template(tmp_path_factory.mktemp("journey-import") / "t.db", catalogue_only)
    app = app_on_copy(template, tmp_path)
    yield app
    app.extensions["panelplan.engine"].dispose()


def fill(template: Path, target: Path, heading: str, qiang: str) -> Path:
    """Two new examiners under the template's example, the grade column headed `heading`."""
    wb = load_workbook(template)
    ws = wb["考评人员"]
    headings = [c.value for c in ws[2]]
    ws.cell(row=2, column=headings.index(GRADE) + 1).value = heading
    example = {h: ws.cell(row=3, column=i + 1).value for i, h in enumerate(headings)}
    people = [(1, "王芳", "女", FANG), (2, "赵强", "男", qiang)]
    for row, (seq, name, sex, number) in enumerate(people, start=4):
        values = example | {"序号": seq, "姓名": name, "性别": sex, "身份证号码": number,
                            "证书编号": None, "出生年月": None}  # fmt: skip
        for column, h in enumerate(headings, start=1):
            ws.cell(row=row, column=column).value = values[h]
    wb.save(target)
    return target


def dry_run(page, path: Path) -> None:
    page.set_input_files("input[name=file]", str(path))
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=试导入报告")


def test_a_new_planner_downloads_the_template_reads_the_report_fixes_and_imports(
    app, tmp_path
) -> None:
    with LiveServer(app) as server, browser_page(server.url) as page:
        page.set_viewport_size({"width": 1366, "height": 768})
        sign_in(page, server.url, "planner", PASSWORDS["planner"])
        page.click("nav.menu >> text=考评人员")
        page.click("text=从 Excel 导入")
        screenshot(page, "import-page")
        with page.expect_download() as download:
            page.click("a.template >> nth=0")
        template = tmp_path / download.value.suggested_filename
        download.value.save_as(template)
        assert template.name == "考评人员导入模板.xlsx"
        dry_run(page, fill(template, tmp_path / "考评人员.xlsx", "等级", WRONG))
        report = page.inner_text("main")
        assert "未识别的列“等级”：已忽略（是否应为“级别（考评员/高级考评员）”？）" in report
        assert "文件中没有“级别（考评员/高级考评员）”列：1 行因此未能导入（第 4 行）" in report
        assert f"赵强，{WRONG[:6]}********{WRONG[-4:]}" in report and WRONG not in report
        assert "没有可以导入的行" in report and page.locator("#confirm-import").count() == 0
        screenshot(page, "import-report-problems")
        with page.expect_download() as listed:
            page.click("#download-problems")
        listed.value.save_as(tmp_path / listed.value.suggested_filename)
        problems = load_workbook(tmp_path / listed.value.suggested_filename).active
        assert listed.value.suggested_filename == "考评人员-问题清单.xlsx"
        assert any(c.value == f"赵强，{WRONG[:6]}********{WRONG[-4:]}" for c in problems["B"])
        page.click("text=导入其他文件")
        dry_run(page, fill(template, tmp_path / "考评人员（改）.xlsx", GRADE, QIANG))
        assert "新增 2" in page.inner_text("main")
        page.click("#confirm-import button")
        page.wait_for_selector("h1:has-text('导入报告')")
        assert "共 2 行；新增 2" in page.inner_text("main")
        screenshot(page, "import-done")
        page.click("main a[href$='/examiners']")
        page.wait_for_url("**/examiners")
        assert "王芳" in page.inner_text("main") and "赵强" in page.inner_text("main")
