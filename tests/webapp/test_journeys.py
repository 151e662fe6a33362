"""The planner's journeys in a real browser (headless Chromium through Playwright)."""

from __future__ import annotations

from browser import browser_page, screenshot
from webtools import PASSWORDS, LiveServer


def test_a_planner_signs_in_switches_language_and_signs_out(app) -> None:
    with LiveServer(app) as server, browser_page(server.url) as page:
        page.goto("/")
        assert "/login" in page.url
        screenshot(page, "login")
        page.fill("input[name=username]", "planner")
        page.fill("input[name=password]", PASSWORDS["planner"])
        page.click("main form button[type=submit]")
        page.wait_for_url(f"{server.url}/")
        assert "欢迎" in page.content()
        page.click("form.lang button")
        page.wait_for_load_state()
        assert "Welcome" in page.content()
        page.click("text=Sign out")
        page.wait_for_url("**/login")
