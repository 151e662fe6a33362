"""The planner edits a published plan by hand and looks at a withdrawal, in a real browser."""

from __future__ import annotations

from collections import Counter

import pytest
from browser import browser_page, screenshot, sign_in
from edittools import conflicted_seat, institution_of, published_template
from webtools import PASSWORDS, LiveServer, app_on_copy

from services.planning.cache import LoadedPlan
from services.planning.edit_checks import seat_candidates
from services.planning.plans import find_plan


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory):
    return published_template(tmp_path_factory.mktemp("journey-edits") / "published.db")


def test_a_planner_sees_a_violation_saves_a_valid_edit_and_finds_substitutes(
    published, tmp_path
) -> None:
    app = app_on_copy(published, tmp_path)
    with app.extensions["panelplan.sessions"]() as db:
        plan = find_plan(db, institution_of(db), 1)
        view = LoadedPlan.of(plan)
        instance, result = view.instance, view.result
        load = Counter(m for a in plan.result["assignments"] for m in a["members"])
    session, member, conflicted = conflicted_seat(instance, result, "H4")
    valid = next(v for v in seat_candidates(instance, result, session, member) if v.accepted)
    withdrawn = min(load, key=lambda e: (-load[e], e))
    with LiveServer(app) as server, browser_page(server.url) as page:
        sign_in(page, server.url, "planner", PASSWORDS["planner"])

        page.goto("/plans/1/edit")
        page.click(f'a[data-seat="{session}-{member}"]')
        page.check(f"#into-{conflicted}")
        page.click("#check-change")
        page.wait_for_selector("#findings .rule")
        assert "H4" in page.inner_text("#findings")
        screenshot(page, "edit-violation")

        page.goto("/plans/1/edit")
        page.click(f'a[data-seat="{session}-{member}"]')
        page.check(f"#into-{valid.examiner}")
        page.click("#check-change")
        page.wait_for_selector("#findings .ok")
        page.click("#save-draft")
        page.wait_for_url("**/plans/2/diff/1")
        assert '<dd id="count-joins">1</dd>' in page.content()

        page.goto("/whatif")
        page.select_option("select[name=examiner]", withdrawn)
        page.wait_for_url("**pick=1**")  # the form comes back with their sessions only
        page.fill("input[name=reason]", "出差")
        page.click("#show-substitutes")
        page.wait_for_selector("#substitutes table.substitutes")
        assert page.locator("td.rank").first.inner_text() == "1"
        screenshot(page, "whatif-substitutes")
    app.extensions["panelplan.engine"].dispose()
