"""A planner imports examiners from .xlsx in a real browser, opens one and edits the phone."""

from __future__ import annotations

import re

import pytest
from browser import browser_page, screenshot, sign_in
from importtools import catalogue_only, examiner_sheet
from webtools import PASSWORDS, LiveServer, app_on_copy, seed_template


@pytest.fixture
def app(tmp_path_factory, tmp_path):
    template = seed_template(tmp_path_factory.mktemp("journey") / "t.db", catalogue_only)
    app = app_on_copy(template, tmp_path)
    yield app
    app.extensions["panelplan.engine"].dispose()


def test_a_planner_imports_examiners_then_edits_a_phone(app, tmp_path) -> None:
    sheet = examiner_sheet(tmp_path)
    with LiveServer(app) as server, browser_page(server.url) as page:
        sign_in(page, server.url, "planner", PASSWORDS["planner"])
        page.click("nav.menu >> text=考评人员")
        page.click("text=从 Excel 导入")
        page.set_input_files("input[name=file]", str(sheet))
        page.click("main form button[type=submit]")
        page.wait_for_selector("text=试导入报告")
        assert "新增 40" in page.content() and "校验码不符" in page.content()
        screenshot(page, "import-dry-run")
        page.click("#confirm-import button")
        page.wait_for_selector("h1:has-text('导入报告')")
        assert re.search(r"考评人员导入，共 \d+ 行；新增 40", page.content())
        page.goto("/examiners")
        assert "共找到 40 名考评人员" in page.content()
        screenshot(page, "examiners")
        page.click("table.examiners tbody tr:first-child td:nth-child(2) a")
        page.click("text=修改")
        page.fill("input[name=phone]", "0519-86123456")
        page.click("form.grid-form button[type=submit]")
        page.wait_for_selector(".flash")
        history = page.inner_text("ol.history")
        assert re.search(r"planner 修改 考评人员信息：联系电话 \d{11} → 0519-86123456", history)
        screenshot(page, "examiner-detail")
