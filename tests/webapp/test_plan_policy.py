"""The policy of one solve on the plan-a-term form, and the policy a plan version used.

The form is prefilled with the institution's policy; a stricter value is solved (the job
run by the real worker function) and the plan page states it, marked where it is not the
institution's; a looser value (than the institution's or the notice) is refused next to its
field, in the planner's language, with nothing queued; viewers and posts without the CSRF
token are turned away.
"""

from __future__ import annotations

import html

import pytest
from planningtools import TERM, seed_sample
from sqlalchemy import func, select
from webtools import Client, database

from jobs.worker import run
from models import Institution, Plan, SolveJob
from models.db import transaction
from services.planning.plans import loaded
from services.planning.policy import effective_policy, update_policy
from services.planning.solve_runs import claim
from solver.check import check
from solver.schema import Result

FORM = {"date_from": TERM[0].isoformat(), "date_to": TERM[1].isoformat(),
        "time_limit": "20", "seed": "0"}  # fmt: skip
STRICTER = {
    "policy.turnover": "2/3",
    "policy.max_consecutive_same_venue": "2",
    "policy.consecutive_rule": "both",
    "policy.leader_min_experience_days": "730",
}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory):
    """The S sample (default policy), nothing solved yet."""
    return seed_sample(tmp_path_factory.mktemp("plan-policy") / "sample.db")


def signed_in(app, role: str, lang: str | None = None) -> Client:
    client = Client(app.test_client())
    assert client.login(role).status_code == 302
    if lang:
        client.client.set_cookie("lang", lang)
    return client


def jobs(app) -> int:
    with database(app) as db:
        return db.scalar(select(func.count()).select_from(SolveJob))


def row(page: str, key: str) -> str:
    """The policy table's row of `key` (entities decoded)."""
    start = page.index(f'id="policy-{key}"')
    return html.unescape(page[start : page.index("</tr>", start)])


def set_house_policy(app, changes: dict) -> None:
    with transaction(app.extensions["panelplan.sessions"], "admin") as db:
        update_policy(db, db.scalars(select(Institution)).one(), changes)


def run_job(app, job_id: int) -> None:
    """Run the job as the scheduler's worker process does (here, in this process)."""
    factory = app.extensions["panelplan.sessions"]
    with transaction(factory, "scheduler") as db:
        assert claim(db, job_id) is not None
    assert run(factory, job_id, every=0.2) == 0


def test_the_form_is_prefilled_with_the_institution_s_policy(app) -> None:
    set_house_policy(app, {"turnover": [1, 2], "leader_min_experience_days": 400})
    page = signed_in(app, "planner").get("/plans/new").get_data(as_text=True)
    assert 'name="policy.turnover" value="1/2"' in page
    assert 'name="policy.leader_min_experience_days" type="number" step="1" value="400"' in page
    assert 'value="both">' in row(page, "consecutive_rule")
    assert "selected>3</option>" in page and "checked" in row(page, "recuse_candidate_organization")
    assert "checked" not in row(page, "allow_unfilled")
    assert "按本机构规则，本次不可更改" in row(page, "min_panel_size")
    assert "input" not in row(page, "min_panel_size")  # panel size is not edited per solve
    assert 'href="/records/policy"' in page


def test_a_stricter_policy_is_solved_and_the_plan_page_states_it(app) -> None:
    planner = signed_in(app, "planner")
    response = planner.post("/plans/new", {**FORM, **STRICTER})
    assert response.status_code == 302
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    run_job(app, job_id)
    with database(app) as db:
        job = db.get_one(SolveJob, job_id)
        inst = db.scalars(select(Institution)).one()
        assert job.parameters["policy"]["turnover"] == [2, 3]
        assert not inst.policy  # the institution's stored policy is unchanged
        plan = db.get_one(Plan, job.plan_id)
        instance, _ = loaded(plan.instance)
        result = Result.model_validate(plan.result)
        assert instance.policy.turnover == (2, 3) and instance.policy.consecutive_rule == "both"
        assert result.status == "OPTIMAL" and check(instance, result) == []
        house = instance.model_copy(update={"policy": effective_policy(inst)})
        assert check(house, result) == []
        version = plan.version
    page = planner.get(f"/plans/{version}").get_data(as_text=True)
    section = page[page.index('id="policy"') : page.index('id="downloads"')]
    assert "求解所用规则" in section and "标有 ≠" in section
    assert "2/3" in row(page, "turnover") and "本机构：1/3" in row(page, "turnover")
    assert "本机构：" not in row(page, "min_panel_size")  # not marked where it is the same
    assert "两种计法都适用" in row(page, "consecutive_rule")
    english = signed_in(app, "viewer", "en").get(f"/plans/{version}").get_data(as_text=True)
    assert "institution: 1/3" in row(english, "turnover") and "Policy used" in english
    published = planner.post(f"/plans/{version}/publish", follow_redirects=True)
    assert "已发布" in published.get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("turnover", "1/3", "不能宽于本机构规则（本机构为 1/2）"),
        ("max_consecutive_same_venue", "4", "宽于通知要求"),
        ("leader_min_experience_days", "300", "宽于通知要求"),
        ("consecutive_rule", "venue_sequence", "两种计法都适用"),
        ("recuse_candidate_organization", "0", "不能宽于本机构规则"),
        ("turnover", "half", "请写成分数"),
        ("min_panel_size", "5", "须与本机构规则相同（3）"),  # a crafted post: not on the form
    ],
)
def test_a_looser_value_is_refused_next_to_its_field_and_nothing_is_queued(
    app, field, value, reason
) -> None:
    set_house_policy(app, {"turnover": [1, 2]})
    page = signed_in(app, "planner").post("/plans/new", {**FORM, f"policy.{field}": value})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert reason in row(text, field.split(".")[0])
    assert jobs(app) == 0
    if field not in ("recuse_candidate_organization", "min_panel_size"):
        assert f'value="{value}"' in row(text, field)  # what was sent is shown again


def test_every_policy_reason_at_once_in_english(app) -> None:
    set_house_policy(app, {"turnover": [1, 2]})
    english = signed_in(app, "planner", "en")
    sent = {"policy.turnover": "1/3", "policy.max_consecutive_same_venue": "4",
            "policy.grade_top_level.examiner": "2", "time_limit": "0"}  # fmt: skip
    text = english.post("/plans/new", {**FORM, **sent}).get_data(as_text=True)
    assert "looser than the institution's policy (1/2)" in row(text, "turnover")
    assert "looser than the notice allows (1..3)" in row(text, "max_consecutive_same_venue")
    assert "examiner up to level 3" in row(text, "grade_top_level")
    assert "Nothing was queued" in text and "time limit" in text
    assert jobs(app) == 0


def test_empty_seats_may_be_allowed_for_one_solve(app) -> None:
    planner = signed_in(app, "planner")
    # The hidden "0" and the ticked box, as the browser sends them.
    response = planner.post("/plans/new", {**FORM, "policy.allow_unfilled": ["0", "1"]})
    assert response.status_code == 302
    with database(app) as db:
        job = db.scalars(select(SolveJob)).one()
        assert job.parameters["policy"]["allow_unfilled"] is True


def test_a_viewer_cannot_request_a_solve_and_a_post_needs_the_csrf_token(app) -> None:
    viewer = signed_in(app, "viewer")
    assert viewer.post("/plans/new", {**FORM, **STRICTER}).status_code == 403
    planner = signed_in(app, "planner")
    assert planner.client.post("/plans/new", data={**FORM, **STRICTER}).status_code == 400
    assert jobs(app) == 0
