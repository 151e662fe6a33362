"""Telling examiners, in the browser, every step by clicking: a planner publishes a change,
opens the call list; an examiner told of several sessions opens their personal link, declines
one with a reason and takes part in the others; the dashboard shows that session and opens
the what-if prefilled with it; the timeline marks that seat ✗ and the others ✓."""

from __future__ import annotations

import pytest
from browser import browser_page, cut_choices, screenshot, sign_in
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
        # an examiner told by v1 of several sessions cannot come to one of them
        page.click("nav.menu >> text=排班方案")
        page.click("#versions >> text=v1")
        page.click("#call-list-link")
        page.wait_for_url("**/plans/1/notices")
        busy = (
            page.locator("#call-list tbody tr")
            .filter(has=page.locator("li:nth-child(2) .seat-answered.pending"))
            .first
        )
        code = busy.get_attribute("id").removeprefix("notice-")
        busy.locator("summary").click()
        link = busy.locator("a.personal-link").get_attribute("href")
        session = decline_one_in_the_examiner_s_browser(page, server.url, link)
        page.reload()
        assert "有 1 场不能参加" in page.inner_text(f"#notice-{code} td.answer")
        page.click("a.brand")
        page.wait_for_selector("#declines")
        assert "单位临时安排出差" in page.inner_text(f"#declined-{code}-{session}")
        assert page.locator(f"#decline-{code} li").count() == 1  # that session only
        assert page.inner_text("#tile-declines strong") == "1"
        screenshot(page, "dashboard-declines")
        page.click(f"#whatif-{code}-{session}")
        page.wait_for_selector("#substitutes")
        assert page.locator("#withdrawing").input_value() == code
        assert page.locator("form.withdrawal select[name=session]").input_value() == session
        assert (
            page.locator("form.withdrawal input[name=reason]").input_value() == "单位临时安排出差"
        )
        assert cut_choices(page) == []  # the session chosen reads whole at 1366 px
        screenshot(page, "whatif-from-decline")
        page.click("nav.menu >> text=排班方案")
        page.click("#versions >> text=v1")
        page.click("#term-timeline")
        page.wait_for_url("**/plans/1/timeline**")
        page.select_option("#month", "all")
        page.click("#term-filters button[type=submit]")
        page.wait_for_url("**month=all**")
        assert page.locator(f"#row-{code} .seat-answer.declined").count() == 1
        assert page.locator(f"#row-{code} .seat-answer.confirmed").count() >= 1


def decline_one_in_the_examiner_s_browser(page, base_url: str, link: str) -> str:
    """The examiner opens the link from their e-mail (not signed in), declines their first
    session with a reason and takes part in the others; the session declined."""
    context = page.context.browser.new_context(
        base_url=base_url, viewport={"width": 1366, "height": 768}
    )
    try:
        mine = context.new_page()
        mine.goto(link)  # the address as the e-mail carries it
        assert mine.locator("#notice-seats fieldset").count() >= 2
        assert mine.locator("nav.menu").count() == 0  # nobody is signed in
        mine.click("#send-answer")  # nothing chosen: asked to choose
        mine.wait_for_selector("text=请为每个场次选择“参加”或“不能参加”")
        seats = mine.locator("#notice-seats > li")
        first = seats.first.get_attribute("id").removeprefix("seat-")
        seats.first.locator("text=不能参加").first.click()
        for n in range(1, seats.count()):
            seats.nth(n).locator("label.choice", has_text="参加").first.click()
        mine.click("#send-answer")  # no reason: refused, the choices kept
        mine.wait_for_selector("#notice-problems")
        assert "的原因" in mine.inner_text("#notice-problems")
        assert mine.locator(f"input[name=seat-{first}][value=decline]").is_checked()
        mine.fill(f"input[name=reason-{first}]", "单位临时安排出差")
        screenshot(mine, "notice-personal-link")
        mine.click("#send-answer")
        mine.wait_for_selector("#notice-status")
        assert "✗ 不能参加：单位临时安排出差" in mine.inner_text(f"#seat-{first}")
        assert mine.locator(".seat-answered.confirmed").count() == seats.count() - 1
        return first
    finally:
        context.close()
