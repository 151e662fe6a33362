"""The JSON API: roles, masking, CSRF, refusals, paging, bad parameters, and its OpenAPI
document (valid, and what the responses hold)."""

from __future__ import annotations

import pytest
from apitools import first_day, last_day, sample_with_a_plan, signed_in
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate
from webtools import Client, app_on_copy, seed_template

from data.generate import generate
from models import Institution
from models.db import transaction
from services.institution.users import create_user
from services.planning.cache import PlanCache


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return seed_template(tmp_path_factory.mktemp("api") / "sample.db", sample_with_a_plan)


@pytest.fixture
def api(sample, tmp_path):
    app = app_on_copy(sample, tmp_path)
    yield app
    app.extensions["panelplan.engine"].dispose()


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
    assert signed_in(api, None).get(path).status_code == 302
    assert signed_in(api, "viewer").get(path).status_code == 200


def test_id_numbers_are_masked_except_for_admins(api) -> None:
    viewer = signed_in(api, "viewer").get("/api/examiners").get_json()["items"]
    admin = signed_in(api, "admin").get("/api/examiners").get_json()["items"]
    assert len(viewer) == 40
    assert all("*" in e["document_number"] for e in viewer)
    assert all("*" not in e["document_number"] for e in admin)


def test_one_examiner_and_an_unknown_one(api) -> None:
    client = signed_in(api, "viewer")
    code = client.get("/api/examiners?q=E00").get_json()["items"][0]["code"]
    detail = client.get(f"/api/examiners/{code}").get_json()
    assert detail["qualifications"] and detail["appointments"] and detail["certificates"]
    assert client.get("/api/examiners/NOPE").status_code == 404


def test_sessions_by_date_and_plans_with_their_panels(api) -> None:
    client = signed_in(api, "viewer")
    day = first_day().isoformat()
    that_day = client.get(f"/api/sessions?from={day}&to={day}").get_json()["items"]
    assert that_day and all(s["start"].startswith(day) for s in that_day)
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
    body = {"from": first_day().isoformat(), "to": last_day().isoformat(), "time_limit": 5}
    assert _post(signed_in(api, "viewer"), "/api/jobs", body).status_code == 403
    planner = signed_in(api, "planner")
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
    planner = signed_in(api, "planner")
    empty = _post(planner, "/api/jobs", {"from": "2030-01-01", "to": "2030-01-31"})
    assert empty.status_code == 422
    assert any("2030" in line for line in empty.get_json()["errors"])
    assert _post(planner, "/api/jobs", {"from": "nonsense"}).status_code == 400
    assert planner.get("/api/jobs").get_json()["items"] == []


def _conforms(document: dict, path: str, body: dict) -> None:
    """`body` is what the document says a 200 from `path` holds (its schema, refs resolved)."""
    schema = document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    OAS31Validator({**schema["schema"], "components": document["components"]}).validate(body)


def test_responses_are_what_the_openapi_document_describes(api) -> None:
    document = api.test_client().get("/api/openapi.json").get_json()
    client = signed_in(api, "viewer")
    for path, url in [
        ("/api/plans/{version}", "/api/plans/1?limit=5"),
        ("/api/sessions", "/api/sessions?limit=5"),
        ("/api/examiners", "/api/examiners?q=E00"),
        ("/api/plans", "/api/plans"),
    ]:
        _conforms(document, path, client.get(url).get_json())
    described = document["paths"]["/api/plans/{version}"]["get"]["parameters"]
    limit = next(p for p in described if p["name"] == "limit")["schema"]
    assert (limit["default"], limit["maximum"]) == (200, 1000)


class StoredPlan:
    """A plan row that counts how often its JSON columns are read."""

    def __init__(self, ident: int, reads: list[str]) -> None:
        self.id, self.version, self.created_at, self.reads = ident, ident, "2026-11-28", reads

    @property
    def result(self) -> dict:
        self.reads.append(f"result {self.id}")
        return {"status": "OPTIMAL", "assignments": []}

    @property
    def instance(self) -> dict:
        self.reads.append(f"instance {self.id}")
        return generate("S", 0)


def test_plans_are_read_once_and_the_least_recent_is_let_go() -> None:
    cache, reads = PlanCache(size=2), []
    plans = {i: StoredPlan(i, reads) for i in (1, 2, 3)}
    for i in (1, 2, 1, 3, 1, 2):
        assert cache.get(plans[i], instance=False).raw_result["status"] == "OPTIMAL"
    # 2 was let go when 3 came (1 stayed in use); no instance was read for the API
    assert reads == ["result 1", "result 2", "result 3", "result 2"]
    view = cache.get(plans[2])  # a page: the instance is read once, the result kept
    assert len(view.instance.sessions) == 30 and cache.get(plans[2]) is view
    assert reads[4:] == ["instance 2"] and len(cache) == 2


def test_a_plan_read_twice_is_the_same(api) -> None:
    client = signed_in(api, "viewer")
    first, again = (client.get("/api/plans/1?limit=3").get_json() for _ in range(2))
    assert first == again and len(first["assignments"]) == 3
    assert len(api.extensions["panelplan.plans"]) == 1


def test_a_user_of_another_institution_sees_only_its_own(api) -> None:
    with transaction(api.extensions["panelplan.sessions"], "tester") as db:
        other = Institution(code="3204999", name="另一评价机构")
        db.add(other)
        db.flush()
        create_user(db, other, "other", "viewer", "other-pass-1")
    client = Client(api.test_client())
    assert client.login("other", "other-pass-1").status_code == 302
    assert client.get("/api/examiners").get_json()["items"] == []
    assert client.get("/api/plans").get_json()["items"] == []
    assert client.get("/api/plans/1").status_code == 404
    assert len(signed_in(api, "viewer").get("/api/examiners").get_json()["items"]) == 40
