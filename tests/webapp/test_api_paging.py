"""The API's long lists in pages (a plan's panels, sessions, examiners) and its refusal of
query parameters it cannot read: on SQLite and on PostgreSQL. Every test here only reads."""

from __future__ import annotations

import pytest
from apitools import app_on, first_day, sample_with_a_plan, signed_in
from dbtools import BACKENDS, drop_database, fresh_database, worker_url
from webtools import PASSWORDS, Client

from models.db import session_factory, transaction
from services.institution.users import create_user


@pytest.fixture(scope="module", params=BACKENDS)
def api(request, tmp_path_factory):
    """The app on a database of each kind holding the S sample, a plan and a user per role."""
    database = fresh_database(request.param, tmp_path_factory.mktemp("api-paging"))
    with transaction(session_factory(database.engine), "seed") as session:
        home = sample_with_a_plan(session)
        for role, password in PASSWORDS.items():
            create_user(session, home, role, role, password, f"{role}用户")
    app = app_on(worker_url(database))
    yield app
    app.extensions["panelplan.engine"].dispose()
    drop_database(database)


def _every_page(client: Client, path: str, key: str) -> tuple[list, list[dict]]:
    """The rows under `key` of every page, following `next` from `path`, and the pages."""
    rows: list = []
    pages: list[dict] = []
    while path:
        pages.append(client.get(path).get_json())
        rows += pages[-1][key]
        path = pages[-1]["next"]
    return rows, pages


def test_a_plans_panels_come_in_pages_that_add_up_to_the_whole_plan(api) -> None:
    client = signed_in(api, "viewer")
    whole = client.get("/api/plans/1").get_json()  # 30 panels: one page by default
    assert (whole["offset"], whole["limit"], whole["total"], whole["next"]) == (0, 200, 30, None)
    rows, pages = _every_page(client, "/api/plans/1?limit=7", "assignments")
    assert rows == whole["assignments"] and len(pages) == 5
    assert [p["offset"] for p in pages] == [0, 7, 14, 21, 28]
    assert pages[0]["next"] == "/api/plans/1?limit=7&offset=7"
    assert all(p["total"] == 30 and p["version"] == 1 for p in pages)
    assert client.get("/api/plans/1?offset=30").get_json()["assignments"] == []


def test_a_plans_panels_of_a_date_range(api) -> None:
    client = signed_in(api, "viewer")
    day = first_day().isoformat()
    sessions = client.get(f"/api/sessions?from={day}&to={day}").get_json()["items"]
    codes = {s["code"] for s in sessions}
    narrowed = client.get(f"/api/plans/1?from={day}&to={day}").get_json()
    assert codes and {a["session"] for a in narrowed["assignments"]} == codes
    assert narrowed["total"] == len(codes) and narrowed["next"] is None
    rows, _pages = _every_page(client, f"/api/plans/1?from={day}&to={day}&limit=1", "assignments")
    assert rows == narrowed["assignments"]  # `next` keeps the range
    assert client.get("/api/plans/1?from=2030-01-01").get_json()["total"] == 0


def test_sessions_come_in_pages_in_start_order(api) -> None:
    client = signed_in(api, "viewer")
    whole = client.get("/api/sessions").get_json()
    assert whole["total"] == len(whole["items"]) > 30 and whole["limit"] == 200
    rows, pages = _every_page(client, "/api/sessions?limit=20", "items")
    assert rows == whole["items"]
    assert [p["offset"] for p in pages] == list(range(0, whole["total"], 20))
    assert [s["start"] for s in rows] == sorted(s["start"] for s in rows)


def test_examiners_say_how_many_there_are_and_where_the_next_page_is(api) -> None:
    client = signed_in(api, "viewer")
    first = client.get("/api/examiners").get_json()
    assert (first["page"], first["total"], first["next"]) == (1, 40, None)
    assert client.get("/api/examiners?q=E000").get_json()["total"] == 9
    assert client.get("/api/examiners?page=2").get_json()["items"] == []


@pytest.mark.parametrize(
    ("path", "named"),
    [
        ("/api/plans/1?limit=0", "limit"),
        ("/api/plans/1?limit=1001", "limit"),
        ("/api/plans/1?offset=-1", "offset"),
        ("/api/plans/1?offset=x", "offset"),
        ("/api/plans/1?from=2026-02-30", "from"),
        ("/api/sessions?to=tomorrow", "to"),
        ("/api/sessions?limit=1e3", "limit"),
        ("/api/sessions?offset=99999999999999999999", "offset"),
        ("/api/examiners?page=0", "page"),
        ("/api/examiners?page=two", "page"),
    ],
)
def test_a_parameter_that_cannot_be_read_answers_400_saying_what_it_should_be(
    api, path, named
) -> None:
    response = signed_in(api, "viewer").get(path)
    assert response.status_code == 400
    (line,) = response.get_json()["errors"]
    assert f"参数 {named} 应为" in line


def test_every_bad_parameter_is_listed_in_the_planners_language(api) -> None:
    client = signed_in(api, "viewer")
    client.post("/lang/en?next=/")
    response = client.get("/api/plans/1?limit=5000&offset=-3&from=2026-04-01&to=2026-03-01")
    assert response.status_code == 400
    assert response.get_json()["errors"] == [
        "The range is reversed: from 2026-04-01 is after to 2026-03-01.",
        "Parameter offset must be a whole number from 0 to 1000000000.",
        "Parameter limit must be a whole number from 1 to 1000.",
    ]
    assert client.get("/api/plans/9?limit=0").status_code == 400  # parameters first, then 404
