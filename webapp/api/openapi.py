"""The OpenAPI 3.1 description of /api/ (served at /api/openapi.json)."""

from __future__ import annotations

from typing import Any

STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
OBJECTIVE = {
    "type": ["object", "null"],
    "properties": {
        k: {"type": "integer"} for k in ("unfilled", "changes", "load_squares", "leader_squares")
    },
}


def _list_of(ref: str) -> dict[str, Any]:
    return {"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": ref}}}}


def _ok(schema: dict[str, Any], text: str = "OK") -> dict[str, Any]:
    return {"description": text, "content": {"application/json": {"schema": schema}}}


ERRORS = {"type": "object", "properties": {"errors": {"type": "array", "items": STRING}}}
REFUSED = {"422": _ok(ERRORS, "refused: every reason, nothing written")}
DENIED = {
    "302": {"description": "not signed in: redirect to /login"},
    "403": {"description": "role too low"},
}


def document() -> dict[str, Any]:
    """The whole document."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "panelplan API",
            "version": "1",
            "description": "考评小组排班 — examiners, sessions, plans and solve jobs. Sign in through /login "
            "(session cookie); POSTs send the CSRF token of GET /api/session as X-CSRFToken.",
        },
        "paths": _paths(),
        "components": {"schemas": _schemas()},
    }


def _paths() -> dict[str, Any]:
    code = [{"name": "code", "in": "path", "required": True, "schema": STRING}]
    version = [{"name": "version", "in": "path", "required": True, "schema": {"type": "integer"}}]
    job_id = [{"name": "job_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
    query = lambda *names: [{"name": n, "in": "query", "schema": STRING} for n in names]  # noqa: E731
    return {
        "/api/session": {"get": {"summary": "who is signed in, CSRF token", "responses": {"200": _ok({"$ref": "#/components/schemas/Session"}), **DENIED}}},
        "/api/examiners": {"get": {"summary": "examiners", "parameters": query("q", "page"), "responses": {"200": _ok(_list_of("#/components/schemas/Examiner")), **DENIED}}},
        "/api/examiners/{code}": {"get": {"summary": "one examiner", "parameters": code, "responses": {"200": _ok({"$ref": "#/components/schemas/Examiner"}), "404": {"description": "unknown"}, **DENIED}}},
        "/api/sessions": {"get": {"summary": "sessions in a date range", "parameters": query("from", "to"), "responses": {"200": _ok(_list_of("#/components/schemas/AssessmentSession")), **DENIED}}},
        "/api/plans": {"get": {"summary": "plan versions", "responses": {"200": _ok(_list_of("#/components/schemas/Plan")), **DENIED}}},
        "/api/plans/{version}": {"get": {"summary": "one plan with its panels", "parameters": version, "responses": {"200": _ok({"$ref": "#/components/schemas/Plan"}), "404": {"description": "unknown"}, **DENIED}}},
        "/api/jobs": {
            "get": {"summary": "solve jobs", "parameters": query("all"), "responses": {"200": _ok(_list_of("#/components/schemas/Job")), **DENIED}},
            "post": {
                "summary": "request a solve (planner)",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/JobRequest"}}}},
                "responses": {"201": _ok({"$ref": "#/components/schemas/Job"}, "queued"), "400": _ok(ERRORS, "malformed"), **REFUSED, **DENIED},
            },
        },
        "/api/jobs/{job_id}": {"get": {"summary": "one solve job", "parameters": job_id, "responses": {"200": _ok({"$ref": "#/components/schemas/Job"}), **REFUSED, **DENIED}}},
        "/api/jobs/{job_id}/cancel": {"post": {"summary": "cancel (keeps the best plan)", "parameters": job_id, "responses": {"200": _ok({"$ref": "#/components/schemas/Job"}), **REFUSED, **DENIED}}},
    }  # fmt: skip


def _schemas() -> dict[str, Any]:
    obj = lambda **props: {"type": "object", "properties": props}  # noqa: E731
    return {
        "Session": obj(username=STRING, role=STRING, csrf_token=STRING),
        "Examiner": obj(
            code=STRING, name=STRING, sex=STRING, grade=STRING, status=STRING,
            organization=NULLABLE_STRING, document_number={**STRING, "description": "masked unless admin"},
            leader_eligible={"type": "boolean"}, assessing_since=NULLABLE_STRING, phone=NULLABLE_STRING,
            qualifications={"type": "array", "items": obj(occupation=STRING, name=STRING, top_level={"type": "integer"})},
            appointments={"type": "array", "items": obj(start=STRING, end=STRING)},
            certificates={"type": "array", "items": obj(number=STRING, grade=STRING, valid_until=STRING)},
        ),
        "AssessmentSession": obj(
            code=STRING, venue=STRING, venue_name=STRING, occupation=STRING, occupation_name=STRING,
            level={"type": "integer"}, start=STRING, end=STRING, status=STRING, candidates={"type": ["integer", "null"]},
        ),
        "Plan": obj(
            version={"type": "integer"}, status=STRING, solver_status=STRING, objective=OBJECTIVE, bound=OBJECTIVE,
            solver_version=STRING, seed={"type": "integer"}, created_by=NULLABLE_STRING, published_at=NULLABLE_STRING,
            assignments={"type": "array", "items": obj(session=STRING, leader=NULLABLE_STRING, members={"type": "array", "items": STRING})},
            **{"from": STRING, "to": STRING},
        ),
        "Job": obj(
            id={"type": "integer"}, kind=STRING, status=STRING, status_text=STRING, level=NULLABLE_STRING,
            objective=OBJECTIVE, bound=OBJECTIVE, elapsed={"type": ["number", "null"]}, plan_id={"type": ["integer", "null"]},
            error={"type": ["array", "null"], "items": STRING}, requested_by=NULLABLE_STRING,
        ),
        "JobRequest": {
            "type": "object", "required": ["from", "to"],
            "properties": {"from": STRING, "to": STRING, "time_limit": {"type": "number"}, "seed": {"type": "integer"}, "workers": {"type": "integer"}},
        },
    }  # fmt: skip
