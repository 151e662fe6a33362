"""Editing a plan by hand: every route x role, CSRF, violations shown, drafts, publishing."""

from __future__ import annotations

from typing import Any

import pytest
from edittools import conflicted_seat, double_booking, institution_of, published_template
from webtools import Client, database

from models import Plan
from models.base import PlanStatus
from services.planning.cache import LoadedPlan
from services.planning.edit_checks import new_findings, seat_candidates
from services.planning.edits import LEADER, Change, apply
from services.planning.plans import find_plan
from webapp.edits import views as edit_views

ROUTES_GET = ["/plans/1/edit", "/plans/1/edit?session=S0001&seat=leader", "/plans/1/diff/1"]
ROUTES_POST = ["/plans/1/edit/save", "/plans/1/edit/publish"]


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory):
    """S loaded, solved and published as v1, with users of every role (made once)."""
    return published_template(tmp_path_factory.mktemp("edits") / "published.db")


def plan_v1(app: Any) -> tuple[Any, Any]:
    with database(app) as db:
        view = LoadedPlan.of(find_plan(db, institution_of(db), 1))
        return view.instance, view.result


def edit(client: Client, session: str, seat: str, into: str) -> Any:
    """Make one change on v1's edit page and follow to the checked page."""
    return client.get(
        f"/plans/1/edit?session={session}&seat={seat}&into={into}", follow_redirects=True
    )


def test_anonymous_users_are_sent_to_sign_in(app) -> None:
    client = Client(app.test_client())
    for path in ROUTES_GET:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.location, path


def test_a_viewer_sees_differences_but_changes_nothing(app) -> None:
    client = Client(app.test_client())
    client.login("viewer")
    assert client.get("/plans/1/diff/1").status_code == 200
    assert client.get("/plans/1/edit").status_code == 403
    for path in ROUTES_POST:
        assert client.post(path, {"change": "S0001|leader|E0001"}).status_code == 403, path


@pytest.mark.parametrize("role", ["planner", "admin"])
def test_planners_and_admins_open_every_page(app, role) -> None:
    client = Client(app.test_client())
    client.login(role)
    for path in ROUTES_GET:
        assert client.get(path).status_code == 200, path
    assert client.get("/plans/9/edit").status_code == 404
    assert client.get("/plans/1/diff/9").status_code == 404


def test_posts_without_the_csrf_token_are_refused(app, planner) -> None:
    for path in ROUTES_POST:
        response = planner.client.post(path, data={"change": "S0001|leader|E0001"})
        assert response.status_code == 400, path
    with database(app) as db:
        assert db.query(Plan).count() == 1


def test_the_candidates_show_the_checkers_verdict_with_the_rule(app, planner) -> None:
    instance, result = plan_v1(app)
    session, member, _ = conflicted_seat(instance, result, "H4")
    page = planner.get(f"/plans/1/edit?session={session}&seat={member}").get_data(as_text=True)
    verdicts = seat_candidates(instance, result, session, member, "zh")
    assert any(v.accepted for v in verdicts) and any(not v.accepted for v in verdicts)
    assert 'id="candidates"' in page and "✓" in page
    refused = next(v for v in verdicts if not v.accepted)
    assert refused.reasons[0][1] in page


def test_a_conflicted_examiner_breaks_h4_saved_as_draft_but_never_published(app, planner) -> None:
    instance, result = plan_v1(app)
    session, member, examiner = conflicted_seat(instance, result, "H4")
    page = edit(planner, session, member, examiner).get_data(as_text=True)
    assert (
        '<strong class="rule"><abbr title="H4 回避：与考生或其单位无利害关系（通知第5条）">H4</abbr></strong>'
        in page
    )
    assert "规则编号说明" in page  # the legend beside the findings
    assert "必须回避" in page or "回避" in page
    change = f"{session}|{member}|{examiner}"
    saved = planner.post("/plans/1/edit/save", {"change": change}, follow_redirects=True)
    assert "v2" in saved.get_data(as_text=True)
    assert "不能发布" in saved.get_data(as_text=True)
    refused = planner.post("/plans/2/edit/publish")
    assert refused.status_code == 200
    assert "H4" in refused.get_data(as_text=True) and 'id="refusal"' in refused.get_data(
        as_text=True
    )
    with database(app) as db:
        institution = institution_of(db)
        assert find_plan(db, institution, 2).status == PlanStatus.DRAFT
        assert find_plan(db, institution, 1).status == PlanStatus.PUBLISHED
        assert "H4" in (find_plan(db, institution, 2).note or "")


def test_a_double_booking_shows_h5_in_english(app, planner) -> None:
    planner.post("/lang/en?next=/")
    instance, result = plan_v1(app)
    session, member, examiner = double_booking(result, instance)
    page = edit(planner, session, member, examiner).get_data(as_text=True)
    assert (
        '<abbr title="H5 no two sessions at once, no more than the examiner&#39;s limit (the institution&#39;s rules (art. 6))">H5</abbr>'
        in page
    )
    assert "can be saved as a draft but never published" in page


def test_a_valid_edit_saves_a_draft_that_publishes(app, planner) -> None:
    instance, result = plan_v1(app)
    a = result.assignments[0]
    member = next(m for m in a.members if m != a.leader)
    into = next(v for v in seat_candidates(instance, result, a.session, member) if v.accepted)
    page = edit(planner, a.session, member, into.examiner).get_data(as_text=True)
    assert "检查通过" in page
    change = f"{a.session}|{member}|{into.examiner}"
    saved = planner.post("/plans/1/edit/save", {"change": change})
    assert saved.status_code == 302 and saved.location.endswith("/plans/2/diff/1")
    published = planner.post("/plans/2/edit/publish")
    assert published.status_code == 302
    with database(app) as db:
        institution = institution_of(db)
        v2 = find_plan(db, institution, 2)
        assert v2.status == PlanStatus.PUBLISHED
        assert find_plan(db, institution, 1).status == PlanStatus.SUPERSEDED
        assert into.examiner in next(
            x["members"] for x in v2.result["assignments"] if x["session"] == a.session
        )


def test_a_new_leader_from_the_panel_takes_the_lead(app, planner) -> None:
    instance, result = plan_v1(app)
    for a in result.assignments:
        verdicts = seat_candidates(instance, result, a.session, LEADER)
        inside = [v for v in verdicts if v.accepted and v.examiner in a.members]
        if inside:
            break
    else:
        pytest.fail("no member of any panel may lead instead")
    planner.post("/plans/1/edit/save", {"change": f"{a.session}|leader|{inside[0].examiner}"})
    with database(app) as db:
        v2 = find_plan(db, institution_of(db), 2)
        panel = next(x for x in v2.result["assignments"] if x["session"] == a.session)
        assert panel["leader"] == inside[0].examiner
        assert sorted(panel["members"]) == sorted(a.members)


def test_an_impossible_change_is_explained_and_nothing_is_saved(app, planner) -> None:
    _, result = plan_v1(app)
    a = result.assignments[0]
    page = planner.get(f"/plans/1/edit?session={a.session}&seat=E9999&into={a.members[0]}")
    assert page.status_code == 200 and "E9999" in page.get_data(as_text=True)
    response = planner.post("/plans/1/edit/save", {"change": "S9999|E0001|E0002"})
    assert response.status_code == 200 and "S9999" in response.get_data(as_text=True)
    assert planner.post("/plans/1/edit/save").status_code == 200  # no changes: said so
    with database(app) as db:
        assert db.query(Plan).count() == 1


def test_the_difference_page_counts_leaves_joins_and_leaders(app, planner) -> None:
    instance, result = plan_v1(app)
    a = result.assignments[0]
    into = next(v for v in seat_candidates(instance, result, a.session, a.leader) if v.accepted)
    planner.post("/plans/1/edit/save", {"change": f"{a.session}|{a.leader}|{into.examiner}"})
    page = planner.get("/plans/2/diff/1").get_data(as_text=True)
    for name, count in (("sessions", 1), ("leaves", 1), ("joins", 1), ("leaders", 1)):
        assert f'<dd id="count-{name}">{count}</dd>' in page
    assert a.leader in page and into.examiner in page
    same = planner.get("/plans/1/diff/1").get_data(as_text=True)
    assert '<dd id="count-sessions">0</dd>' in same


def test_a_long_difference_comes_in_pages(app, planner, monkeypatch) -> None:
    instance, result = plan_v1(app)
    changes = []
    for a in result.assignments[:3]:
        into = next(v for v in seat_candidates(instance, result, a.session, a.leader) if v.accepted)
        changes.append(f"{a.session}|{a.leader}|{into.examiner}")
    planner.post("/plans/1/edit/save", {"change": changes})
    monkeypatch.setattr(edit_views, "DIFF_PAGE", 2)
    first = planner.get("/plans/2/diff/1").get_data(as_text=True)
    assert '<dd id="count-sessions">3</dd>' in first and 'id="diff-next"' in first
    second = planner.get("/plans/2/diff/1?page=2").get_data(as_text=True)
    assert 'id="diff-next"' not in second
    rows = [
        page[page.index("<tbody>") : page.index("</tbody>")].count("<tr>")
        for page in (first, second)
    ]
    assert rows == [2, 1]
    assert planner.get("/plans/2/diff/1?page=99").status_code == 200  # the last page


def test_judging_a_candidate_on_part_of_the_plan_agrees_with_the_whole(app) -> None:
    instance, result = plan_v1(app)
    for a in result.assignments:
        for seat in (*a.members, LEADER):
            for v in seat_candidates(instance, result, a.session, seat, "en"):
                if v.reasons and v.reasons[0][0] in ("H2", "H3", "H4"):
                    continue  # eligibility: not the checker's part
                trial = apply(result, Change(a.session, seat, v.examiner))
                new = new_findings(instance, result, trial, "en")
                assert sorted(v.reasons) == sorted((d.rule, d.message) for d in new), v
