"""A planner plans a term in the browser: the form, live progress, review, publish, download.

The real dispatcher (`jobs.solving.dispatch_solves`) runs in a background thread, as the
scheduler would, and starts the worker in a child process.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from browser import browser_page, screenshot, sign_in
from planningtools import seed_sample
from webtools import PASSWORDS, LiveServer

from jobs.solving import dispatch_solves


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory):
    return seed_sample(tmp_path_factory.mktemp("journey") / "sample.db")


@pytest.fixture
def dispatcher(app) -> Iterator[None]:
    """Dispatch solve jobs every 0.3 s until the test ends."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(0.3):
            dispatch_solves(app.config["DATABASE_URL"])

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=10)


def test_a_planner_plans_a_term_watches_it_reviews_publishes_and_downloads(
    app, dispatcher, tmp_path
) -> None:
    with LiveServer(app) as server, browser_page(server.url) as page:
        sign_in(page, server.url, "planner", PASSWORDS["planner"])
        page.click("nav.menu >> text=排班方案")
        page.click("a.button[href='/plans/new']")
        page.wait_for_url("**/plans/new")
        assert page.input_value("input[name=date_from]") == "2026-03-02"
        page.fill("input[name=time_limit]", "20")
        screenshot(page, "plan-new")
        page.click("#plan-form button[type=submit]")
        page.wait_for_url("**/jobs/*")
        page.wait_for_selector("#job-plan", timeout=60_000)  # the page reloads once done
        assert "已完成" in page.inner_text("#job-status")
        assert page.get_attribute("#job-bar", "value") == "100"
        screenshot(page, "job-progress")
        page.click("#job-plan")
        page.wait_for_url("**/plans/1")
        first_week = page.locator("#sessions tr").count() - 1  # a week at a time
        assert 0 < first_week < 30
        screenshot(page, "plan-review")
        page.click("#next-week")
        page.wait_for_url("**/plans/1?week=*")
        assert page.locator("#previous-week").count() == 1
        page.fill("#plan-search", "S00")  # every session code: the whole plan
        page.press("#plan-search", "Enter")
        page.wait_for_url("**/plans/1?q=S00")
        assert page.locator("#sessions tr").count() == 31
        page.click("#review-publish")
        page.wait_for_url("**/plans/1/publish")
        assert "可以发布" in page.inner_text("#publish-summary")
        screenshot(page, "publish-confirmation")
        page.click("#publish")
        page.wait_for_url("**/plans/1")
        assert "方案 v1 已发布" in page.content()
        with page.expect_download() as download:
            page.click("#download-dispatch")
        target = tmp_path / download.value.suggested_filename
        download.value.save_as(target)
        assert target.name.endswith("派遣单_v1.xlsx") and target.stat().st_size > 0
