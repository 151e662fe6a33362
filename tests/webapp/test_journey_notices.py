"""Telling examiners, in the browser, every step by clicking: a planner publishes a change,
opens the call list, an examiner opens their personal link and declines with a reason, the
dashboard shows the decline and opens the what-if prefilled; the plan marks the seat ✗."""

from __future__ import annotations

import pytest
from browser import browser_page, screenshot, sign_in
from edittools import coming_template
from webtools import PASSWORDS, LiveServer


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory):
    """S from tomorrow on, published as v1 (every seated examiner told), users of every role."""
    return coming_template(tmp_path_factory.mktemp("notices-journey") / "published.db")


def test_publish_call_list_decline_dashboard_and_what_if(app) -> None:
    with LiveServer(app) as server, browser_page(server.url) as page:
        page.set_viewport_size({"width": 1366, "height": 768})
        sign_in(page, server.url, "planner", PASSWORDS["planner"])
        page.click("nav.menu >> text=排班方案")
        page.click("#versions >> text=v1")
        page.click("#edit-plan")
        page.locator("a.seat[data-seat]").first.click()
        page.wait_for_url("**seat=**")
        page.locator("tr.accepted input[name=into]").first.check()
        page.click("#check-change")
        page.wait_for_selector("#findings .ok")
        page.click("#save-draft")
        page.wait_for_url("**/plans/2/diff/1")
        page.click("#review-publish")
        page.click("#publish")
        page.wait_for_url("**/plans/2")
        page.click("#call-list-link")
        page.wait_for_url("**/plans/2/notices")
        rows = page.locator("#call-list tbody tr")
        assert rows.count() == 2  # the examiner replaced and the one who came in
        newcomer = rows.filter(has_text="新增").first
        code = newcomer.get_attribute("id").removeprefix("notice-")
        assert "无邮箱：请电话通知" in page.inner_text(
            "#call-list"
        ) or "等待发送" in page.inner_text("#call-list")
        screenshot(page, "notices-call-list")
        newcomer.locator("summary").click()
        link = newcomer.locator("a.personal-link").get_attribute("href")
        decline_in_the_examiner_s_browser(page, server.url, link)
        page.click("a.brand")
        page.wait_for_selector("#declines")
        assert "单位临时安排出差" in page.inner_text(f"#decline-{code}")
        assert page.inner_text("#tile-declines strong") == "1"
        screenshot(page, "dashboard-declines")
        page.click(f"#whatif-{code}")
        page.wait_for_selector("#substitutes")
        assert page.locator("#withdrawing").input_value() == code
        assert (
            page.locator("form.withdrawal input[name=reason]").input_value() == "单位临时安排出差"
        )
        screenshot(page, "whatif-from-decline")
        page.click("nav.menu >> text=排班方案")
        page.click("#versions >> text=v2")
        page.click("#term-timeline")
        page.wait_for_url("**/plans/2/timeline**")
        page.select_option("#month", "all")
        page.click("#term-filters button[type=submit]")
        page.wait_for_url("**month=all**")
        assert page.locator(f"#row-{code} .seat-answer.declined").count() >= 1


def decline_in_the_examiner_s_browser(page, base_url: str, link: str) -> None:
    """The examiner opens the link from their e-mail (not signed in) and declines."""
    context = page.context.browser.new_context(
        base_url=base_url, viewport={"width": 1366, "height": 768}
    )
    try:
        mine = context.new_page()
        mine.goto(link)  # the address as the e-mail carries it
        assert mine.locator("#notice-seats li").count() >= 1
        assert mine.locator("nav.menu").count() == 0  # nobody is signed in
        mine.click("#decline")  # no reason: refused, asked for one
        mine.wait_for_selector("text=请说明不能参加的原因")
        mine.fill("#reason", "单位临时安排出差")
        screenshot(mine, "notice-personal-link")
        mine.click("#decline")
        mine.wait_for_selector("#notice-status")
        assert "单位临时安排出差" in mine.inner_text("#notice-status")
    finally:
        context.close()
