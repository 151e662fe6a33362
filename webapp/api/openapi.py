"""The OpenAPI 3.1 description of /api/ (served at /api/openapi.json)."""

from __future__ import annotations

from typing import Any

from .params import FARTHEST, LIMITS

STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
INTEGER = {"type": "integer"}
DATE = {"type": "string", "format": "date"}
PAGING = {
    "offset": {**INTEGER, "description": "rows skipped before this page"},
    "limit": {**INTEGER, "description": "most rows this page may hold"},
    "total": {**INTEGER, "description": "rows of the whole list (every page)"},
    "next": {
        "type": ["string", "null"],
        "description": "path of the next page (the same parameters, the next offset); "
        "null on the last page",
    },
}
OBJECTIVE = {
    "type": ["object", "null"],
    "properties": {
        k: {"type": "integer"} for k in ("unfilled", "changes", "load_squares", "leader_squares")
    },
}


def _list_of(ref: str) -> dict[str, Any]:
    return {"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": ref}}}}


def _paged(ref: str) -> dict[str, Any]:
    """A page of a list: its items, offset, limit, total and the next page's path."""
    return {
        "type": "object",
        "required": ["items", *PAGING],
        "properties": {"items": {"type": "array", "items": {"$ref": ref}}, **PAGING},
    }


def _window(rows: str) -> list[dict[str, Any]]:
    """The `offset` and `limit` parameters of a paged list of `rows`."""
    default, most = LIMITS[rows]
    return [
        {"name": "offset", "in": "query", "description": f"{rows} to skip (default 0)",
         "schema": {**INTEGER, "minimum": 0, "maximum": FARTHEST, "default": 0}},
        {"name": "limit", "in": "query", "description": f"most {rows} to return",
         "schema": {**INTEGER, "minimum": 1, "maximum": most, "default": default}},
    ]  # fmt: skip


def _dates(what: str) -> list[dict[str, Any]]:
    """The `from` and `to` parameters (ISO dates, both optional, inclusive)."""
    return [
        {"name": "from", "in": "query", "description": f"only {what} starting on or after this day", "schema": DATE},
        {"name": "to", "in": "query", "description": f"only {what} starting on or before this day", "schema": DATE},
    ]  # fmt: skip


def _ok(schema: dict[str, Any], text: str = "OK") -> dict[str, Any]:
    return {"description": text, "content": {"application/json": {"schema": schema}}}


ERRORS = {"type": "object", "properties": {"errors": {"type": "array", "items": STRING}}}
REFUSED = {"422": _ok(ERRORS, "refused: every reason, nothing written")}
BAD = {"400": _ok(ERRORS, "a query parameter could not be read: what each should be")}
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
            "version": "3",  # 3: an unknown or another institution's job is 404 (was 422)
            "description": "考评小组排班 — examiners, sessions, plans and solve jobs. Sign in through /login "
            "(session cookie); POSTs send the CSRF token of GET /api/session as X-CSRFToken. "
            "Long lists come in pages: `total` counts the whole list and `next` is the path of "
            "the next page (null on the last); follow `next` until it is null to read them all. "
            "Sessions and a plan's panels (`assignments`) take `offset` and `limit` (200 by "
            "default, at most 1000) and `from`/`to` dates; examiners come 100 a `page`. A client "
            "that read a whole plan in one response follows `next` (or asks a date range).",
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
        "/api/examiners": {"get": {"summary": "examiners, 100 a page", "parameters": [*query("q"), {"name": "page", "in": "query", "description": "page number (default 1)", "schema": {**INTEGER, "minimum": 1, "maximum": FARTHEST, "default": 1}}], "responses": {"200": _ok({"$ref": "#/components/schemas/ExaminerPage"}), **BAD, **DENIED}}},
        "/api/examiners/{code}": {"get": {"summary": "one examiner", "parameters": code, "responses": {"200": _ok({"$ref": "#/components/schemas/Examiner"}), "404": {"description": "unknown"}, **DENIED}}},
        "/api/sessions": {"get": {"summary": "sessions in a date range, by start, a page at a time", "parameters": [*_dates("sessions"), *_window("sessions")], "responses": {"200": _ok(_paged("#/components/schemas/AssessmentSession")), **BAD, **DENIED}}},
        "/api/plans": {"get": {"summary": "plan versions", "responses": {"200": _ok(_list_of("#/components/schemas/Plan")), **DENIED}}},
        "/api/plans/{version}": {"get": {"summary": "one plan with a page of its panels", "parameters": [*version, *_dates("panels of sessions"), *_window("assignments")], "responses": {"200": _ok({"$ref": "#/components/schemas/PlanDetail"}), **BAD, "404": {"description": "unknown"}, **DENIED}}},
        "/api/jobs": {
            "get": {"summary": "solve jobs", "parameters": query("all"), "responses": {"200": _ok(_list_of("#/components/schemas/Job")), **DENIED}},
            "post": {
                "summary": "request a solve (planner)",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/JobRequest"}}}},
                "responses": {"201": _ok({"$ref": "#/components/schemas/Job"}, "queued"), "400": _ok(ERRORS, "malformed"), **REFUSED, **DENIED},
            },
        },
        "/api/jobs/{job_id}": {"get": {"summary": "one solve job", "parameters": job_id, "responses": {"200": _ok({"$ref": "#/components/schemas/Job"}), "404": {"description": "unknown, or another institution's"}, **DENIED}}},
        "/api/jobs/{job_id}/cancel": {"post": {"summary": "cancel (keeps the best plan)", "parameters": job_id, "responses": {"200": _ok({"$ref": "#/components/schemas/Job"}), "404": {"description": "unknown, or another institution's"}, **REFUSED, **DENIED}}},
    }  # fmt: skip


def _schemas() -> dict[str, Any]:
    obj = lambda **props: {"type": "object", "properties": props}  # noqa: E731
    plan = dict(
        version=INTEGER, status=STRING, solver_status=STRING, objective=OBJECTIVE, bound=OBJECTIVE,
        solver_version=STRING, seed=INTEGER, created_by=NULLABLE_STRING, published_at=NULLABLE_STRING,
        **{"from": STRING, "to": STRING},
    )  # fmt: skip
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
        "ExaminerPage": {
            "type": "object", "required": ["items", "page", "total", "next"],
            "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Examiner"}}, "page": INTEGER, "total": PAGING["total"], "next": PAGING["next"]},
        },
        "Plan": obj(**plan),
        "PlanDetail": {
            "type": "object", "required": ["version", "assignments", "unfilled", "diagnostics", *PAGING],
            "properties": {
                **plan,
                "assignments": {"type": "array", "description": "this page of the panels, in the plan's order", "items": obj(session=STRING, leader=NULLABLE_STRING, members={"type": "array", "items": STRING})},
                "unfilled": {"type": "array", "description": "every empty seat of the plan (not paged)", "items": obj(session=STRING, seats=INTEGER)},
                "diagnostics": {"type": "array", "description": "the solver's findings (not paged)", "items": obj(rule=STRING, session=NULLABLE_STRING, examiner=NULLABLE_STRING, field=NULLABLE_STRING, message=STRING)},
                **PAGING, "total": {**INTEGER, "description": "panels in the range asked (every page)"},
            },
        },
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
