"""No dead ends between versions: edit from any plan, compare with the published version,
publish after a confirmation that says what changes and who is told, restore an old version."""

from __future__ import annotations

import re
from typing import Any

import pytest
from edittools import conflicted_seat, institution_of, published_template
from webtools import Client, database

from models import Plan
from models.base import PlanStatus
from services.planning.cache import LoadedPlan
from services.planning.edit_checks import seat_candidates
from services.planning.plans import find_plan


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory):
    """S loaded, solved and published as v1, with users of every role (made once)."""
    return published_template(tmp_path_factory.mktemp("versions") / "published.db")


def plan_of(app: Any, version: int = 1) -> LoadedPlan:
    with database(app) as db:
        return LoadedPlan.of(find_plan(db, institution_of(db), version))


def status_of(app: Any, version: int) -> PlanStatus:
    with database(app) as db:
        return find_plan(db, institution_of(db), version, content=False).status


def save_change(planner: Client, change: str) -> None:
    assert planner.post("/plans/1/edit/save", {"change": change}).status_code == 302


def valid_change(app: Any) -> tuple[str, str, str]:
    view = plan_of(app)
    a = next(iter(view.panels.values()))
    member = next(m for m in a.members if m != a.leader)
    into = next(
        v for v in seat_candidates(view.instance, view.result, a.session, member) if v.accepted
    )
    return a.session, member, into.examiner


def test_every_version_offers_edit_and_a_draft_its_comparison(app, planner) -> None:
    session, member, into = valid_change(app)
    save_change(planner, f"{session}|{member}|{into}")
    page = planner.get("/plans/2").get_data(as_text=True)
    assert 'href="/plans/2/edit"' in page and 'href="/plans/2/diff/1"' in page
    assert 'href="/plans/2/publish"' in page
    published = planner.get("/plans/1").get_data(as_text=True)
    assert 'href="/plans/1/edit"' in published and "/diff/" not in published
    listing = planner.get("/plans").get_data(as_text=True)
    assert '<a href="/plans/2/diff/1" id="compare-2">' in listing
    assert 'id="compare-1"' not in listing  # v1 is the published version


def test_the_confirmation_names_the_changes_and_who_must_be_told(app, planner) -> None:
    session, member, into = valid_change(app)
    save_change(planner, f"{session}|{member}|{into}")
    page = planner.get("/plans/2/publish").get_data(as_text=True)
    assert "可以发布" in page and "1 场有变动，需通知 2 名考评人员" in page
    told = page.split('id="to-tell"')[1].split("</table>")[0]
    assert member in told and into in told and told.count(session) == 2
    # each session named by when, where and what, its level in words (not "装配钳工 5")
    assert re.search(r"\d{2}:\d{2} · [^<]+ · [^<]+ [一二三四五]级", told)
    assert "disabled" not in page.split('id="publish"')[1].split(">")[0]
    assert status_of(app, 2) == PlanStatus.DRAFT  # looking publishes nothing
    response = planner.post("/plans/2/publish")
    assert response.status_code == 302 and response.location.endswith("/plans/2")
    assert status_of(app, 2) == PlanStatus.PUBLISHED
    assert status_of(app, 1) == PlanStatus.SUPERSEDED


def test_a_draft_the_checker_refuses_cannot_be_published_and_says_why(app, planner) -> None:
    view = plan_of(app)
    session, member, into = conflicted_seat(view.instance, view.result, "H4")
    save_change(planner, f"{session}|{member}|{into}")
    page = planner.get("/plans/2/publish").get_data(as_text=True)
    problems = page.split('id="publish-problems"')[1].split("</ul>")[0]
    assert session in problems and "H4" in problems
    button = page.split('id="publish"')[1].split(">")[0]
    assert "disabled" in button


def test_a_superseded_version_is_restored_as_a_new_draft(app, planner) -> None:
    session, member, into = valid_change(app)
    save_change(planner, f"{session}|{member}|{into}")
    assert planner.post("/plans/2/publish").status_code == 302
    page = planner.get("/plans/1").get_data(as_text=True)
    assert 'id="restore"' in page
    response = planner.post("/plans/1/restore")
    assert response.status_code == 302 and response.location.endswith("/plans/3")
    with database(app) as db:
        home = institution_of(db)
        v1, v3 = find_plan(db, home, 1), find_plan(db, home, 3)
        assert (
            v3.status == PlanStatus.DRAFT and v3.result["assignments"] == v1.result["assignments"]
        )
        assert v3.based_on_id == v1.id and "由 v1 恢复" in (v3.note or "")
    assert "v1 已恢复为草稿 v3" in planner.get("/plans/3").get_data(as_text=True)
    # the restored draft goes back through the confirmation and publishes
    assert "可以发布" in planner.get("/plans/3/publish").get_data(as_text=True)
    assert planner.post("/plans/3/publish").status_code == 302
    assert status_of(app, 3) == PlanStatus.PUBLISHED


def test_a_draft_is_not_restored_and_viewers_may_neither_restore_nor_confirm(app, planner) -> None:
    session, member, into = valid_change(app)
    save_change(planner, f"{session}|{member}|{into}")
    page = planner.post("/plans/2/restore", follow_redirects=True).get_data(as_text=True)
    assert "未被取代" in page
    with database(app) as db:
        assert db.query(Plan).count() == 2
    viewer = Client(app.test_client())
    viewer.login("viewer")
    assert viewer.post("/plans/1/restore").status_code == 403
    assert viewer.get("/plans/2/publish").status_code == 403
    assert viewer.get("/plans/9/publish").status_code == 403
    assert planner.get("/plans/9/publish").status_code == 404


def test_a_drafts_note_reads_in_the_readers_language(app, planner) -> None:
    session, member, into = valid_change(app)
    assert planner.post("/plans/1/edit/save", {"change": f"{session}|{member}|{into}",
                        "note": "周五电话确认"}).status_code == 302  # fmt: skip
    chinese = planner.get("/plans/2").get_data(as_text=True)
    assert f"手工修改 v1：{session} {member}→{into}；周五电话确认" in chinese
    planner.client.set_cookie("lang", "en")
    english = planner.get("/plans/2").get_data(as_text=True)
    assert f"edited v1: {session} {member}→{into}; 周五电话确认" in english
    refused = planner.post("/plans/1/restore", follow_redirects=True).get_data(as_text=True)
    assert "is not superseded" in refused  # v1 is the published version
    assert planner.post("/plans/2/publish").status_code == 302
    assert planner.post("/plans/1/restore").status_code == 302
    assert "restored from v1" in planner.get("/plans/3").get_data(as_text=True)
