"""The pages work under the Content Security Policy in a real browser (issue 13, 14).

Chromium reports every blocked inline script, inline style or foreign resource on the
console ("Refused to ... because it violates the following Content Security Policy
directive"); walking the pages, including a plan's review with its load chart, the
edit pages and the import form, must bring none.
"""

from __future__ import annotations

from typing import Any

import pytest
from browser import browser_page, screenshot, sign_in
from planningtools import seed_sample, solve_in_process
from webtools import PASSWORDS, LiveServer

PAGES = [
    "/",
    "/dashboard",
    "/examiners",
    "/examiners/new",
    "/examiners/import",
    "/examiners/E0001",
    "/plans",
    "/plans/new",
    "/plans/1",
    "/plans/1/loads",
    "/plans/1/sessions/S0001",
    "/plans/1/edit",
    "/plans/1/timeline",
    "/plans/1/calendar",
    "/plans/1/publish",
    "/jobs/1",
    "/whatif",
    "/downloads",
    "/records/",
    "/records/sessions",
    "/records/venues",
    "/records/occupations",
    "/records/policy",
    "/records/reviews",
    "/records/revocations",
    "/records/warnings",
    "/records/conflicts",
    "/records/users",
]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory):
    """The S sample with draft plan v1 solved."""
    path = seed_sample(tmp_path_factory.mktemp("csp") / "solved.db")
    solve_in_process(path)
    return path


def violations(page: Any) -> list[str]:
    """Collect the console's Content Security Policy reports of `page` from now on."""
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return found


def test_the_pages_work_under_the_content_security_policy(app) -> None:
    with LiveServer(app) as server, browser_page(server.url) as page:
        reported = violations(page)
        sign_in(page, server.url, "admin", PASSWORDS["admin"])
        for path in PAGES:
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
            page.wait_for_load_state("load")
            assert reported == [], path
        page.goto("/plans/1/loads")
        # The load chart is drawn (SVG attributes, no inline style) with a visible width.
        assert page.locator("#loads rect.bar").first.bounding_box()["width"] > 0
        screenshot(page, "plan-loads")
        page.click("form.lang button")  # a form post and its same-site redirect
        page.wait_for_load_state()
        assert "/plans/1/loads" in page.url and "Sign out" in page.content()
        assert reported == []
