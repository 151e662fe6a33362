"""What-if in the web app: roles, CSRF, ranked substitutes, a draft by hand, a queued rerun."""

from __future__ import annotations

import copy
import re
from collections import Counter
from typing import Any

import pytest
from edittools import institution_of, published_template
from webtools import Client, app_on_copy, database

from models import Examiner, JobKind, JobStatus, Plan, SolveJob, Unavailability
from models.base import PlanStatus
from services.planning.cache import LoadedPlan
from services.planning.edits import Change, apply
from services.planning.plans import find_plan, loaded
from services.whatif.substitutes import preview
from services.whatif.withdrawals import Withdrawal
from solver.check import check
from solver.schema import Result

ABSENCES = 16  # the S data set's own leave periods


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory):
    """S loaded, solved and published as v1, with users of every role (made once)."""
    return published_template(tmp_path_factory.mktemp("whatif") / "published.db")


def busiest(app: Any) -> str:
    """The examiner with the most seats in the published plan (ties: the smallest code)."""
    with database(app) as db:
        plan = find_plan(db, institution_of(db), 1)
        load = Counter(m for a in plan.result["assignments"] for m in a["members"])
    return min(load, key=lambda e: (-load[e], e))


def test_anonymous_users_are_sent_to_sign_in(app) -> None:
    response = Client(app.test_client()).get("/whatif")
    assert response.status_code == 302 and "/login" in response.location


def test_a_viewer_may_not_use_what_if(app) -> None:
    client = Client(app.test_client())
    client.login("viewer")
    assert client.get("/whatif").status_code == 403
    for path in ("/whatif/replace", "/whatif/rerun"):
        assert client.post(path, {"examiner": "E0001"}).status_code == 403


@pytest.mark.parametrize("role", ["planner", "admin"])
def test_planners_and_admins_see_the_form(app, role) -> None:
    client = Client(app.test_client())
    client.login(role)
    page = client.get("/whatif").get_data(as_text=True)
    assert 'name="examiner"' in page and "v1" in page


def test_posts_without_the_csrf_token_are_refused(app, planner) -> None:
    for path in ("/whatif/replace", "/whatif/rerun"):
        response = planner.client.post(path, data={"examiner": busiest(app)})
        assert response.status_code == 400
    with database(app) as db:
        assert db.query(SolveJob).count() == 0 and db.query(Unavailability).count() == ABSENCES


def test_substitutes_pass_the_checker_and_are_ranked_by_fairness(app) -> None:
    examiner = busiest(app)
    with database(app) as db:
        institution = institution_of(db)
        found = preview(db, institution, Withdrawal(examiner), "en")
        assert db.query(Unavailability).count() == ABSENCES  # looking records nothing
        result = Result.model_validate(found.published.result)
        # Withdrawn from the whole published range: unavailable from its first to its last day.
        period = {"start": str(found.published.date_from), "end": str(found.published.date_to)}
        raw = copy.deepcopy(found.published.instance)
    for e in raw["examiners"]:
        if e["id"] == examiner:
            e["unavailable"] = [*e.get("unavailable", ()), period]
    instance, _ = loaded(raw)
    load = Counter(m for a in result.assignments for m in a.members)
    leads = Counter(a.leader for a in result.assignments)
    assert [s.session for s in found.seats] == sorted(
        (a.session for a in result.assignments if examiner in a.members),
        key=lambda sid: next(s.start for s in instance.sessions if s.id == sid),
    )
    before = {(d.rule, d.session, d.examiner) for d in check(instance, result)}
    for seat in found.seats:
        assert seat.substitutes, seat.session
        for s in seat.substitutes:
            trial = apply(result, Change(seat.session, examiner, s.examiner))
            after = {(d.rule, d.session, d.examiner) for d in check(instance, trial)}
            assert after <= before, (seat.session, s.examiner, after - before)
            assert s.load_after == load[s.examiner] + 1
            assert s.leads_after == leads[s.examiner] + seat.leads
            assert "qualified for" in s.why
        ranks = [(s.load_after, s.leads_after, s.examiner) for s in seat.substitutes]
        assert ranks == sorted(ranks)
        for v in seat.refused:
            assert v.reasons and all(rule.startswith("H") for rule, _ in v.reasons)


def test_the_page_shows_the_seats_and_ranked_substitutes(app, planner) -> None:
    examiner = busiest(app)
    page = planner.get(f"/whatif?examiner={examiner}&reason=出差").get_data(as_text=True)
    assert 'id="substitutes"' in page and 'class="rank">1<' in page
    assert "考评资格" in page  # why eligible, in Chinese
    with database(app) as db:
        assert db.query(Unavailability).count() == ABSENCES
    # The form keeps what was chosen (its options are rendered once per plan).
    assert re.findall(r'<option value="([^"]+)" selected>', page) == [examiner]
    theirs = sessions_of(app, examiner)
    again = planner.get(f"/whatif?examiner={examiner}&session={theirs[1]}").get_data(as_text=True)
    assert re.findall(r'<option value="([^"]+)" selected>', again) == [examiner, theirs[1]]


def sessions_of(app: Any, examiner: str) -> list[str]:
    """The sessions where `examiner` sits in the published plan, in time order."""
    with database(app) as db:
        view = LoadedPlan.of(find_plan(db, institution_of(db), 1))
    return [s.id for s in view.sessions if examiner in view.panels[s.id].members]


def test_choosing_the_examiner_lists_only_their_sessions(app, planner) -> None:
    examiner = busiest(app)
    page = planner.get(f"/whatif?examiner={examiner}&pick=1").get_data(as_text=True)
    listed = page.split('id="withdrawn-session"')[1].split("</select>")[0]
    assert re.findall(r'<option value="(S[^"]+)"', listed) == sessions_of(app, examiner)
    assert 'id="substitutes"' not in page  # choosing the examiner alone withdraws nothing yet
    assert "whatif.js" in page


def test_a_session_without_the_examiner_needs_no_substitute_and_offers_no_rerun(
    app, planner
) -> None:
    examiner = busiest(app)
    with database(app) as db:
        view = LoadedPlan.of(find_plan(db, institution_of(db), 1))
    other = next(s.id for s in view.sessions if examiner not in view.panels[s.id].members)
    page = planner.get(f"/whatif?examiner={examiner}&session={other}").get_data(as_text=True)
    assert 'id="nothing-affected"' in page and "无需替补" in page
    assert 'id="rerun"' not in page and 'id="replace"' not in page


def test_substitutes_show_their_phone_and_load_in_words(app, planner) -> None:
    examiner = busiest(app)
    session = sessions_of(app, examiner)[0]
    page = planner.get(f"/whatif?examiner={examiner}&session={session}").get_data(as_text=True)
    table = page.split('class="substitutes"')[1].split("</table>")[0]
    first = re.search(r'id="sub-[^"]+-(E\d+)"', table).group(1)
    with database(app) as db:
        phone = db.query(Examiner).filter_by(code=first).one().phone
    assert phone and f'<td class="phone">{phone}</td>' in table
    assert re.search(r"比均衡值(多|少) \d\.\d 场|与均衡值相当", table)
    assert "(+" not in table and "替补人选按接替后任务量" in page


def test_replacing_records_the_withdrawal_and_stores_a_draft_that_publishes(app, planner) -> None:
    examiner = busiest(app)
    with database(app) as db:
        found = preview(db, institution_of(db), Withdrawal(examiner), "zh")
    choices = {f"seat-{s.session}": s.substitutes[0].examiner for s in found.seats}
    response = planner.post("/whatif/replace", {"examiner": examiner, "reason": "出差", **choices})
    assert response.status_code == 302 and response.location.endswith("/plans/2/diff/1")
    diff = planner.get("/plans/2/diff/1").get_data(as_text=True)
    assert f'<dd id="count-leaves">{len(found.seats)}</dd>' in diff
    first = found.seats[0]
    assert f"{first.start:%Y-%m-%d %H:%M} · {first.venue} · " in diff  # when and where
    with database(app) as db:
        institution = institution_of(db)
        away = db.query(Unavailability).order_by(Unavailability.id.desc()).first()
        assert db.query(Unavailability).count() == ABSENCES + 1
        assert db.get(Examiner, away.examiner_id).code == examiner and away.reason == "出差"
        draft = find_plan(db, institution, 2)
        assert draft.based_on_id == find_plan(db, institution, 1).id
        assert all(examiner not in a["members"] for a in draft.result["assignments"]
                   if a["session"] in {s.session for s in found.seats})  # fmt: skip
    assert planner.post("/plans/2/edit/publish").status_code == 302
    with database(app) as db:
        assert find_plan(db, institution_of(db), 2).status == PlanStatus.PUBLISHED


def test_rerun_queues_a_what_if_job_and_records_nothing_yet(app, planner) -> None:
    examiner = busiest(app)
    response = planner.post("/whatif/rerun", {"examiner": examiner, "time_limit": "30"})
    assert response.status_code == 302
    with database(app) as db:
        job = db.query(SolveJob).one()
        assert job.kind == JobKind.WHAT_IF and job.status == JobStatus.QUEUED
        assert job.withdrawals[0]["examiner"] == examiner
        assert job.parameters["time_limit"] == 30.0
        assert db.query(Unavailability).count() == ABSENCES  # the job records it with its plan
        assert db.query(Plan).count() == 1


def test_wrong_withdrawals_are_explained_and_nothing_is_written(app, planner) -> None:
    page = planner.get("/whatif?examiner=E9999").get_data(as_text=True)
    assert "E9999" in page and 'id="problems"' in page
    page = planner.get("/whatif?examiner=E0001&start=2026-13-01").get_data(as_text=True)
    assert "YYYY-MM-DD" in page
    response = planner.post("/whatif/replace", {"examiner": "E9999", "seat-S0001": "E0002"})
    assert response.status_code == 200 and "E9999" in response.get_data(as_text=True)
    response = planner.post("/whatif/rerun", {"examiner": busiest(app), "time_limit": "0"})
    assert response.status_code == 200
    long = {"examiner": busiest(app), "reason": "因" * 201}  # the reason is stored in 200
    for path in ("/whatif/replace", "/whatif/rerun"):
        refused = planner.post(path, long).get_data(as_text=True)
        assert "退出原因最多 200 个字（现有 201 个字）" in refused, path
    with database(app) as db:
        assert db.query(SolveJob).count() == 0 and db.query(Unavailability).count() == ABSENCES
        assert db.query(Plan).count() == 1


def test_without_a_published_plan_the_page_says_so(tmp_path) -> None:
    from webtools import seed_template

    empty = seed_template(tmp_path / "empty.db")
    app = app_on_copy(empty, tmp_path)
    client = Client(app.test_client())
    client.login("planner")
    page = client.get("/whatif").get_data(as_text=True)
    assert "还没有已发布的方案" in page
    app.extensions["panelplan.engine"].dispose()


def test_the_cached_published_plan_gives_the_same_substitutes(app) -> None:
    examiner = busiest(app)
    with database(app) as db:
        institution = institution_of(db)
        published = find_plan(db, institution, 1)
        view = LoadedPlan.of(published)
        fresh = preview(db, institution, Withdrawal(examiner), "zh")
        cached = preview(db, institution, Withdrawal(examiner), "zh", view)
    assert cached.seats == fresh.seats and cached.seats
    assert (cached.fair_share, cached.fair_leads) == (fresh.fair_share, fresh.fair_leads)
