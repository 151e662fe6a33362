"""The planner's workspace in the browser, every step by clicking from the home page: the
term timeline and month calendar, the publish confirmation, restoring a version, and a
withdrawal the day before a session."""

from __future__ import annotations

import pytest
from browser import browser_page, cut_choices, screenshot, sign_in
from edittools import published_template
from webtools import PASSWORDS, LiveServer


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory):
    """S loaded, solved and published as v1, with users of every role."""
    return published_template(tmp_path_factory.mktemp("workspace") / "published.db")


def test_a_viewer_sees_the_whole_term_by_examiner_by_venue_and_by_month(app) -> None:
    with LiveServer(app) as server, browser_page(server.url) as page:
        page.set_viewport_size({"width": 1366, "height": 768})
        sign_in(page, server.url, "viewer", PASSWORDS["viewer"])
        page.click("nav.menu >> text=排班方案")
        page.click("#versions >> text=v1")
        page.click("#term-timeline")
        page.wait_for_url("**/plans/1/timeline")
        assert page.locator("#timeline tbody tr").count() > 10
        page.select_option("#month", "all")
        page.click("#term-filters button[type=submit]")
        page.wait_for_url("**month=all**")
        screenshot(page, "term-timeline-examiners")
        first = page.locator("#timeline tbody tr").first
        name = first.locator("th.who").inner_text().split()[0]
        page.fill("#filter-examiner", name)
        page.click("#term-filters button[type=submit]")
        page.wait_for_url("**examiner=**")
        assert page.locator("#timeline tbody tr").count() == 1
        page.click("#by-venue")
        page.wait_for_url("**by=venue**")
        assert "按考点" in page.inner_text("#term-views")
        screenshot(page, "term-timeline-venues")
        page.locator("#timeline a.mark").first.click()
        page.wait_for_url("**/plans/1/sessions/*")
        assert "考评小组" in page.content() or "人" in page.inner_text("main")
        page.go_back()
        page.click("#month-calendar")
        page.wait_for_url("**/plans/1/calendar**")
        assert page.locator("#calendar a.mark").count() > 0
        screenshot(page, "term-calendar")


def test_a_planner_edits_confirms_the_publication_and_restores_the_old_version(app) -> None:
    with LiveServer(app) as server, browser_page(server.url) as page:
        sign_in(page, server.url, "planner", PASSWORDS["planner"])
        page.click("nav.menu >> text=排班方案")
        page.click("#versions >> text=v1")
        page.click("#edit-plan")
        page.wait_for_url("**/plans/1/edit")
        page.locator("a.seat[data-seat]").first.click()  # a member's seat: its candidates
        page.wait_for_url("**seat=**")
        page.locator("tr.accepted input[name=into]").first.check()
        page.click("#check-change")
        page.wait_for_selector("#findings .ok")
        page.click("#save-draft")
        page.wait_for_url("**/plans/2/diff/1")
        page.click("#review-publish")
        page.wait_for_url("**/plans/2/publish")
        summary = page.inner_text("#publish-summary")
        assert "需通知" in summary
        assert page.locator("#to-tell tr").count() >= 2
        screenshot(page, "publish-confirmation-changes")
        page.click("#publish")
        page.wait_for_url("**/plans/2")
        assert "方案 v2 已发布" in page.content()
        page.click("nav.menu >> text=排班方案")
        page.click("#versions >> text=v1")
        page.click("#restore")
        page.wait_for_url("**/plans/3")
        assert "v1 已恢复为草稿 v3" in page.content()
        assert page.locator("#compare-published").count() == 1


def test_a_planner_handles_a_withdrawal_from_the_menu(app) -> None:
    with LiveServer(app) as server, browser_page(server.url) as page:
        page.set_viewport_size({"width": 1366, "height": 768})
        sign_in(page, server.url, "planner", PASSWORDS["planner"])
        page.click("nav.menu >> text=缺员替补")
        page.wait_for_url("**/whatif")
        examiner = page.locator("#withdrawing option").nth(1).get_attribute("value")
        page.select_option("#withdrawing", examiner)  # reloads with their sessions only
        page.wait_for_url("**pick=1**")
        options = page.locator("#withdrawn-session option")
        assert options.count() >= 2
        page.select_option("#withdrawn-session", index=1)
        page.fill("input[name=reason]", "生病")
        page.click("#show-substitutes")
        page.wait_for_selector("#substitutes")
        assert page.locator(".substitutes td.phone").first.inner_text() != ""
        assert cut_choices(page) == []  # examiner and session read whole
        screenshot(page, "whatif-substitutes")
        page.click("#replace")
        page.wait_for_url("**/plans/2/diff/1")
        assert page.locator("table.diff tbody tr").count() == 1
