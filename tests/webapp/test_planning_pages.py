"""Plan a term, the job page and its progress, versions, review, publish: every route x role."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, timedelta
from zoneinfo import ZoneInfo

import pytest
from planningtools import TERM, seed_sample, solve_in_process
from sqlalchemy import func, select
from webtools import Client

from models import Plan, SolveJob
from models.base import PlanStatus

ROLES = ("viewer", "planner", "admin")


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory):
    """The S sample with one job run to its end: draft plan v1."""
    path = seed_sample(tmp_path_factory.mktemp("planning") / "solved.db")
    solve_in_process(path)
    return path


def signed_in(app, role: str) -> Client:
    client = Client(app.test_client())
    assert client.login(role).status_code == 302
    return client


def count(app, model) -> int:
    with app.extensions["panelplan.sessions"]() as db:
        return db.scalar(select(func.count()).select_from(model))


PAGES = [
    "/plans",
    "/plans/1",
    "/jobs/1",
    "/jobs/1/progress",
    "/plans/1/sessions/S0001",
    "/plans/1/loads",
    "/downloads",
]


@pytest.mark.parametrize("path", [*PAGES, "/plans/new"])
def test_every_page_sends_an_anonymous_visitor_to_sign_in(client, path) -> None:
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", PAGES)
def test_every_role_sees_the_planning_pages(app, role, path) -> None:
    assert signed_in(app, role).get(path).status_code == 200


@pytest.mark.parametrize(("role", "code"), [("viewer", 403), ("planner", 200), ("admin", 200)])
def test_only_planners_and_admins_may_open_the_plan_form(app, role, code) -> None:
    assert signed_in(app, role).get("/plans/new").status_code == code


@pytest.mark.parametrize("path", ["/plans/new", "/jobs/1/stop", "/plans/1/publish"])
def test_a_viewer_can_neither_request_nor_stop_nor_publish(app, path) -> None:
    viewer = signed_in(app, "viewer")
    form = {"date_from": TERM[0].isoformat(), "date_to": TERM[1].isoformat()}
    assert viewer.post(path, form).status_code == 403
    assert count(app, SolveJob) == 1
    with app.extensions["panelplan.sessions"]() as db:
        assert db.scalar(select(Plan.status)) == PlanStatus.DRAFT


@pytest.mark.parametrize("path", ["/plans/new", "/jobs/1/stop", "/plans/1/publish"])
def test_posts_without_the_csrf_token_are_rejected(app, path) -> None:
    planner = signed_in(app, "planner")
    response = planner.client.post(path, data={"date_from": "2026-03-02"})
    assert response.status_code == 400
    assert count(app, SolveJob) == 1


def test_unknown_jobs_plans_and_sessions_are_not_found(app) -> None:
    viewer = signed_in(app, "viewer")
    for path in ("/jobs/99", "/jobs/99/progress", "/plans/9", "/plans/1/sessions/NOPE"):
        assert viewer.get(path).status_code == 404


def test_the_form_proposes_the_planned_sessions_range_and_shows_the_policy(app) -> None:
    page = signed_in(app, "planner").get("/plans/new").get_data(as_text=True)
    assert 'value="2026-03-02"' in page and 'value="2026-04-10"' in page
    assert "每次轮换" in page or "轮换" in page
    assert "调度进程未运行" in page  # no scheduler beats in the test database


def test_a_request_queues_a_job_and_shows_its_page(app) -> None:
    planner = signed_in(app, "planner")
    form = {"date_from": "2026-03-02", "date_to": "2026-03-08", "time_limit": "5", "seed": "3"}
    response = planner.post("/plans/new", form)
    assert response.status_code == 302 and response.headers["Location"].endswith("/jobs/2")
    data = planner.get("/jobs/2/progress").get_json()
    assert data["status"] == "queued" and data["status_text"] == "排队中"
    assert data["time_limit"] == 5 and not data["done"]
    page = planner.get("/jobs/2").get_data(as_text=True)
    assert "停止" in page and "planning.js" in page
    assert "该时间段从过去的日期（2026-03-02）开始" in page  # the test term lies in the past


@pytest.mark.parametrize(
    ("form", "reason"),
    [
        ({"date_from": "2026-04-10", "date_to": "2026-03-02"}, "结束早于开始"),
        ({"date_from": "2030-01-01", "date_to": "2030-01-31"}, "没有待排的场次"),
        ({"date_from": "2026-03-02", "date_to": "2026-04-10", "time_limit": "0"}, "求解时限"),
        ({"date_from": "soon", "date_to": "2026-04-10"}, "YYYY-MM-DD"),
        ({"date_from": "2026-03-02", "date_to": "2026-04-10", "seed": "x"}, "整数"),
    ],
)
def test_a_refused_request_says_why_and_queues_nothing(app, form, reason) -> None:
    planner = signed_in(app, "planner")
    response = planner.post("/plans/new", {"time_limit": "5", "seed": "0", **form})
    assert response.status_code == 200
    assert reason in response.get_data(as_text=True)
    assert count(app, SolveJob) == 1


def test_a_refusal_reads_in_english_for_an_english_planner(app) -> None:
    planner = signed_in(app, "planner")
    planner.client.set_cookie("lang", "en")
    form = {"date_from": "2030-01-01", "date_to": "2030-01-31", "time_limit": "5", "seed": "0"}
    page = planner.post("/plans/new", form).get_data(as_text=True)
    assert "no planned session starts" in page


def test_the_ended_job_shows_its_plan_and_states_optimality(app) -> None:
    viewer = signed_in(app, "viewer")
    data = viewer.get("/jobs/1/progress").get_json()
    assert data["done"] and data["status"] == "succeeded" and data["percent"] == 100
    assert data["proven_optimal"] and data["plan_url"] == "/plans/1"
    assert data["objective"] == data["bound"] and len(data["objective"]) == 4
    page = viewer.get("/jobs/1").get_data(as_text=True)
    assert "已证明最优" in page and 'href="/plans/1"' in page
    assert 'id="job-stop"' not in page  # nothing left to stop


def test_stopping_a_queued_job_cancels_it_and_an_ended_one_says_why_not(app) -> None:
    planner = signed_in(app, "planner")
    planner.post("/plans/new", {"date_from": "2026-03-02", "date_to": "2026-03-08"})
    response = planner.post("/jobs/2/stop")
    assert response.status_code == 302
    assert planner.get("/jobs/2/progress").get_json()["status"] == "cancelled"
    page = planner.post("/jobs/1/stop", follow_redirects=True).get_data(as_text=True)
    assert "已结束" in page and "无需取消" in page


def test_the_versions_list(app) -> None:
    page = signed_in(app, "viewer").get("/plans").get_data(as_text=True)
    table = page[page.index('id="versions"') :]
    assert "v1" in table and "草稿" in table and "已证明最优" in table and "OPTIMAL" not in table
    assert "2026-03-02 ~ 2026-04-10" in table and "planner" in table
    assert "#1" in page  # recent solves
    with app.extensions["panelplan.sessions"]() as db:
        created = db.scalars(select(Plan)).one().created_at
    utc = created if created.tzinfo else created.replace(tzinfo=UTC)
    beijing = utc.astimezone(ZoneInfo("Asia/Shanghai"))  # the institutions' clock, not UTC
    assert beijing.strftime("%Y-%m-%d %H:%M") in table


def test_the_review_page_shows_panels_loads_and_how_it_was_solved(app) -> None:
    page = signed_in(app, "planner").get("/plans/1").get_data(as_text=True)
    assert "已证明最优" in page and "种子" in page
    assert len(shown(page)) == int(re.search(r"(\d+) 场</option>", page).group(1))
    loads = page[page.index('id="loads"') :]  # the chart of the week's examiners
    assert 'class="fair"' in loads
    with app.extensions["panelplan.sessions"]() as db:
        panels = {
            a["session"]: a["members"] for a in db.scalars(select(Plan)).one().result["assignments"]
        }
    sitting = {m for code in shown(page) for m in panels[code]}
    assert loads.count('class="bar"') == len(sitting)
    every = signed_in(app, "viewer").get("/plans/1/loads").get_data(as_text=True)
    assert every.count('class="bar"') >= 30 and every.count('class="bar"') > len(sitting)
    assert 'id="review-publish"' in page and 'id="edit-plan"' in page
    viewer_page = signed_in(app, "viewer").get("/plans/1").get_data(as_text=True)
    assert 'id="review-publish"' not in viewer_page and 'id="edit-plan"' not in viewer_page


def shown(page: str) -> list[str]:
    """The session codes in the plan page's table."""
    table = page[page.index('id="sessions"') : page.index('id="loads"')]
    return re.findall(r"/plans/1/sessions/(S\d+)", table)


def test_the_review_page_shows_a_week_at_a_time_and_the_weeks_hold_every_session(app) -> None:
    client = signed_in(app, "viewer")
    first = client.get("/plans/1").get_data(as_text=True)
    weeks = re.findall(r'<option value="(\d{4}-\d\d-\d\d)"', first)
    assert len(weeks) > 1 and weeks == sorted(weeks)
    with app.extensions["panelplan.sessions"]() as db:
        plan = db.scalars(select(Plan)).one()
        starts = {s["id"]: s["start"][:10] for s in plan.instance["sessions"]}
    seen = []
    for monday in weeks:
        page = client.get(f"/plans/1?week={monday}").get_data(as_text=True)
        codes = shown(page)
        sunday = (date.fromisoformat(monday) + timedelta(days=6)).isoformat()
        assert codes and all(monday <= starts[c] <= sunday for c in codes)
        seen += codes
    assert sorted(seen) == sorted(starts)  # every session once
    assert shown(client.get("/plans/1?week=not-a-date").get_data(as_text=True)) == shown(first)
    after_last = client.get("/plans/1?week=2099-01-01").get_data(as_text=True)
    assert 'id="next-week"' not in after_last and 'id="previous-week"' in after_last


def test_a_search_finds_an_examiner_s_sessions_in_the_whole_plan(app) -> None:
    with app.extensions["panelplan.sessions"]() as db:
        plan = db.scalars(select(Plan)).one()
        names = {e["id"]: e["name"] for e in plan.instance["examiners"]}
        busiest = max(
            names, key=lambda e: sum(e in a["members"] for a in plan.result["assignments"])
        )
        theirs = {a["session"] for a in plan.result["assignments"] if busiest in a["members"]}
    client = signed_in(app, "viewer")
    page = client.get("/plans/1", query_string={"q": names[busiest]}).get_data(as_text=True)
    assert set(shown(page)) >= theirs  # a shared name may add others, never lose one
    page = client.get("/plans/1", query_string={"q": busiest}).get_data(as_text=True)
    assert set(shown(page)) == theirs and f"{len(theirs)} 个场次符合" in page
    assert shown(client.get("/plans/1?q=nobody-by-this-name").get_data(as_text=True)) == []


def test_a_panel_s_evidence(app) -> None:
    page = signed_in(app, "viewer").get("/plans/1/sessions/S0001").get_data(as_text=True)
    evidence = page[page.index('id="evidence"') :]
    assert "组长" in evidence and "聘期" in page
    assert re.search(r"可考评至\s*\d\s*级", evidence)
    assert "检查未发现" in page  # the checker finds nothing wrong with a solved panel


def test_publishing_brings_the_plan_into_force_and_a_second_time_is_refused(app) -> None:
    planner = signed_in(app, "planner")
    page = planner.post("/plans/1/publish", follow_redirects=True).get_data(as_text=True)
    assert "已发布" in page and 'id="review-publish"' not in page
    with app.extensions["panelplan.sessions"]() as db:
        plan = db.scalars(select(Plan)).one()
        assert plan.status == PlanStatus.PUBLISHED and plan.published_by == "planner"
    listing = planner.get("/plans").get_data(as_text=True)
    assert "已发布" in listing
    refused = planner.post("/plans/1/publish", follow_redirects=True).get_data(as_text=True)
    assert "只有草稿可以发布" in refused


def test_the_form_offers_the_institution_s_policy_for_this_solve(app) -> None:
    page = signed_in(app, "planner").get("/plans/new").get_data(as_text=True)
    policy = page[page.index('id="policy"') : page.index("</fieldset>")]
    assert 'name="policy.turnover" value="1/3"' in policy
    assert 'name="policy.max_consecutive_same_venue"' in policy and "本次求解" in policy
    assert 'name="policy.min_panel_size"' not in policy  # the institution's, not per solve
    assert 'href="/records/policy"' in policy


def test_the_review_page_states_the_policy_the_version_was_solved_under(app) -> None:
    page = signed_in(app, "viewer").get("/plans/1").get_data(as_text=True)
    policy = page[page.index('id="policy"') : page.index('id="downloads"')]
    assert "求解所用规则" in policy and "本版本按本机构现行规则求解" in policy
    assert "每次轮换比例" in policy and "1/3" in policy and "≠" not in policy


def test_the_plan_states_its_objective_in_words(app) -> None:
    page = signed_in(app, "viewer").get("/plans/1").get_data(as_text=True)
    words = page.split('id="objective-words"')[1].split("</ul>")[0]
    assert "所有席位均已安排。" in words and "已证明不存在更均衡的方案。" in words
    with app.extensions["panelplan.sessions"]() as db:
        plan = db.scalars(select(Plan)).one()
        seats = Counter(m for a in plan.result["assignments"] for m in a["members"])
        serving = [
            e["id"]
            for e in plan.instance["examiners"]
            if e.get("status", "active") == "active" or seats[e["id"]]
        ]
    fewest = min(seats[e] for e in serving)
    assert f"每位考评人员参加 {fewest} 至 {max(seats.values())} 场" in words
    assert "求解器数据" in page and "随机种子" in page.split("<details")[1]  # kept out of sight
    english = signed_in(app, "viewer")
    english.client.set_cookie("lang", "en")
    assert "Every seat is filled." in english.get("/plans/1").get_data(as_text=True)


def test_the_evidence_names_the_previous_panel_with_date_venue_and_link(app) -> None:
    viewer = signed_in(app, "viewer")
    with app.extensions["panelplan.sessions"]() as db:
        plan = db.scalars(select(Plan)).one()
    sessions = sorted(plan.instance["sessions"], key=lambda s: (s["start"], s["id"]))
    lineages: dict[tuple[str, str], list[dict]] = {}
    for s in sessions:
        lineages.setdefault((s["venue"], s["occupation"]), []).append(s)
    first, second = next(run for run in lineages.values() if len(run) > 1)[:2]
    page = viewer.get(f"/plans/1/sessions/{second['id']}").get_data(as_text=True)
    assert f'href="/plans/1/sessions/{first["id"]}" id="previous-panel"' in page
    assert f"（{first['start'].replace('T', ' ')}，" in page
