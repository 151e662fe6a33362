"""The JSON API: roles, masking, CSRF, refusals, and its OpenAPI document."""

from __future__ import annotations

from datetime import date
from functools import cache

import pytest
from openapi_spec_validator import validate
from webtools import Client, app_on_copy, seed_template

from data.generate import generate
from services.loading import load_generated
from services.plans import solve_and_store
from solver.solve import Options


@cache
def _sample() -> dict:
    return generate("S", 0)


def _first() -> date:
    return date.fromisoformat(min(s["start"] for s in _sample()["sessions"])[:10])


def _last() -> date:
    return date.fromisoformat(max(s["start"] for s in _sample()["sessions"])[:10])


def _sample_with_a_plan(session):
    home = load_generated(session, _sample())
    options = Options(time_limit=10, workers=1, deterministic=True)
    solve_and_store(session, home, _first(), _last(), options)
    return home


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return seed_template(tmp_path_factory.mktemp("api") / "sample.db", _sample_with_a_plan)


@pytest.fixture
def api(sample, tmp_path):
    app = app_on_copy(sample, tmp_path)
    yield app
    app.extensions["panelplan.engine"].dispose()


def _client(api, role: str | None) -> Client:
    client = Client(api.test_client())
    if role:
        assert client.login(role).status_code == 302
    return client


def test_the_openapi_document_is_valid_and_lists_every_api_route(api) -> None:
    document = api.test_client().get("/api/openapi.json").get_json()
    validate(document)
    rules = {
        rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
        for rule in api.url_map.iter_rules()
        if rule.rule.startswith("/api/") and rule.rule != "/api/openapi.json"
    }
    assert rules == set(document["paths"])


@pytest.mark.parametrize(
    "path", ["/api/examiners", "/api/sessions", "/api/plans", "/api/jobs", "/api/session"]
)
def test_reading_needs_a_signed_in_user(api, path) -> None:
    assert _client(api, None).get(path).status_code == 302
    assert _client(api, "viewer").get(path).status_code == 200


def test_id_numbers_are_masked_except_for_admins(api) -> None:
    viewer = _client(api, "viewer").get("/api/examiners").get_json()["items"]
    admin = _client(api, "admin").get("/api/examiners").get_json()["items"]
    assert len(viewer) == 40
    assert all("*" in e["document_number"] for e in viewer)
    assert all("*" not in e["document_number"] for e in admin)


def test_one_examiner_and_an_unknown_one(api) -> None:
    client = _client(api, "viewer")
    code = client.get("/api/examiners?q=E00").get_json()["items"][0]["code"]
    detail = client.get(f"/api/examiners/{code}").get_json()
    assert detail["qualifications"] and detail["appointments"] and detail["certificates"]
    assert client.get("/api/examiners/NOPE").status_code == 404


def test_sessions_by_date_and_plans_with_their_panels(api) -> None:
    client = _client(api, "viewer")
    day = _first().isoformat()
    first_day = client.get(f"/api/sessions?from={day}&to={day}").get_json()["items"]
    assert first_day and all(s["start"].startswith(day) for s in first_day)
    assert client.get("/api/sessions?from=bad").status_code == 400
    versions = client.get("/api/plans").get_json()["items"]
    assert [p["version"] for p in versions] == [1]
    plan = client.get("/api/plans/1").get_json()
    assert len(plan["assignments"]) == 30 and plan["objective"]["unfilled"] == 0
    assert client.get("/api/plans/9").status_code == 404


def _post(client: Client, path: str, body: dict | None = None, token: bool = True):
    headers = {"X-CSRFToken": client.get("/api/session").get_json()["csrf_token"]} if token else {}
    return client.client.post(path, json=body or {}, headers=headers)


def test_a_planner_requests_and_cancels_a_solve_a_viewer_cannot(api) -> None:
    body = {"from": _first().isoformat(), "to": _last().isoformat(), "time_limit": 5}
    assert _post(_client(api, "viewer"), "/api/jobs", body).status_code == 403
    planner = _client(api, "planner")
    assert _post(planner, "/api/jobs", body, token=False).status_code == 400  # CSRF
    created = _post(planner, "/api/jobs", body)
    assert created.status_code == 201 and created.get_json()["status"] == "queued"
    job_id = created.get_json()["id"]
    assert planner.get(f"/api/jobs/{job_id}").get_json()["id"] == job_id
    cancelled = _post(planner, f"/api/jobs/{job_id}/cancel")
    assert cancelled.get_json()["status"] == "cancelled"
    again = _post(planner, f"/api/jobs/{job_id}/cancel")
    assert again.status_code == 422 and again.get_json()["errors"]


def test_a_request_that_could_never_be_solved_is_refused_with_reasons(api) -> None:
    planner = _client(api, "planner")
    empty = _post(planner, "/api/jobs", {"from": "2030-01-01", "to": "2030-01-31"})
    assert empty.status_code == 422
    assert any("2030" in line for line in empty.get_json()["errors"])
    assert _post(planner, "/api/jobs", {"from": "nonsense"}).status_code == 400
    assert planner.get("/api/jobs").get_json()["items"] == []
