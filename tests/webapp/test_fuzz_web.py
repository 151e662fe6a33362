"""Fuzz the web app (issue 13) on SQLite and on PostgreSQL: every form the crawl finds, query
strings of every page, route parts, the JSON API and the sign-in form, given bad values
(`tests/fuzztools.py`). No answer may be a 500, and a refused write changes no row count.
Also the issue's reported cases, one by one."""

from __future__ import annotations

import logging

import pytest
from apitools import app_on, sample_with_a_plan, signed_in
from dbtools import BACKENDS, drop_database, fresh_database, worker_url
from fuzztools import bad_value, count, rng, tally
from fuzzweb import crawl, row_counts, send
from webtools import PASSWORDS, Client

from models.db import session_factory, transaction
from services.institution.users import create_user
from services.planning.publishing import publish

START = ["/", "/dashboard", "/examiners", "/plans", "/plans/new", "/whatif", "/records/",
         "/downloads", "/plans/1", "/plans/1/edit", "/records/sessions", "/jobs/1"]  # fmt: skip


@pytest.fixture(scope="module", params=BACKENDS)
def site(request, tmp_path_factory):
    """The app on each database holding the S sample with a plan, and the crawl of it."""
    database = fresh_database(request.param, tmp_path_factory.mktemp("fuzz-web"))
    with transaction(session_factory(database.engine), "seed") as session:
        home = sample_with_a_plan(session)
        publish(session, home, 1)  # What if needs a published plan
        for role, password in PASSWORDS.items():
            create_user(session, home, role, role, password, f"{role}用户")
    app = app_on(worker_url(database))
    found = crawl(signed_in(app, "admin"), START, most=50)
    yield request.param, app, found
    app.extensions["panelplan.engine"].dispose()
    drop_database(database)


@pytest.mark.fuzz
def test_no_bad_input_gives_a_500_or_a_partial_write(site) -> None:
    backend, app, found = site
    assert len(found.pages) > 20 and len(found.forms) > 20  # the crawl saw the app
    r = rng(f"web-{backend}")
    clients = {role: signed_in(app, role) for role in ("admin", "planner", "viewer")}
    with tally(f"web ({backend}): forms, query strings, route parts, JSON API") as t:
        for _ in range(count(100)):
            role = r.choice(["admin", "admin", "planner", "viewer"])
            send(clients[role], app, r, found, t)


@pytest.mark.fuzz
def test_the_sign_in_form_refuses_bad_names_without_a_500(site) -> None:
    backend, app, _ = site
    r = rng(f"login-{backend}")
    client = Client(app.test_client())
    client.refresh_token("/login")
    with tally(f"web ({backend}): sign-in form") as t:
        for _ in range(count(15)):
            t.inputs += 1
            data = {"username": bad_value(r), "password": bad_value(r)}
            response = client.post("/login", data)
            if response.status_code >= 500 or response.status_code == 302:
                t.fail(str(data), f"HTTP {response.status_code}")


REPORTED = [  # issue 13, findings 9, 10 and 12: (path, query or form, expected status)
    ("/examiners?q=a%00b", 400),
    ("/api/examiners?q=%00", 400),
    ("/api/examiners?page=%C2%B2", 400),
    ("/api/sessions?offset=--5", 400),
    ("/api/sessions?limit=1e999", 400),
    ("/records/sessions?page=99999999999999999999999", 200),
    ("/records/sessions?level=%C2%B2", 200),
    ("/records/reviews?year=1e999", 200),
    ("/plans/99999999999", 404),
    ("/downloads/attachment/2?year=%C2%B2", 400),
    ("/downloads/attachment/1?year=99999999999999999999", 400),
]


@pytest.mark.parametrize(("path", "status"), REPORTED)
def test_reported_query_strings_are_answered_plainly(site, path, status) -> None:
    _backend, app, _ = site
    assert signed_in(app, "admin").get(path).status_code == status


@pytest.mark.parametrize("value", ["nan", "inf", "1e999", "-1", "²", str(10**30)])
def test_solve_options_are_refused_by_the_form_the_api_and_the_rerun(site, value) -> None:
    _backend, app, _ = site
    planner = signed_in(app, "planner")
    before = row_counts(app)
    form = {"date_from": "2026-01-01", "date_to": "2026-12-31", "time_limit": value, "seed": "0"}
    page = planner.post("/plans/new", form)
    assert page.status_code == 200  # the form again, with the reason: nothing queued
    said = "求解时限应大于 0 秒" if value == "-1" else f"“{value}”"
    assert said in page.get_data(as_text=True)
    seeded = planner.post("/plans/new", form | {"time_limit": "5", "seed": value})
    assert seeded.status_code == 200
    for body in ({"time_limit": value}, {"seed": value}, {"time_limit": float("nan")}):
        sent = {"from": "2026-01-01", "to": "2026-12-31"} | body
        api = planner.client.post("/api/jobs", json=sent, headers={"X-CSRFToken": planner.token})
        assert api.status_code == 400 and api.get_json()["errors"]
    rerun = planner.post("/whatif/rerun", {"examiner": "E0001", "time_limit": value})
    assert rerun.status_code == 200
    assert row_counts(app) == before


def test_nul_and_overlong_values_are_refused_at_the_edge_with_a_message(site, caplog) -> None:
    _backend, app, _ = site
    admin = signed_in(app, "admin")
    before = row_counts(app)
    caplog.set_level(logging.INFO)
    page = admin.post("/records/venues/new", {"name": "考点\x00", "organization": "单位"})
    assert page.status_code == 400
    assert "NUL" in page.get_data(as_text=True)
    long = admin.post("/records/venues/new", {"name": "考" * 10_001})
    assert long.status_code == 400
    client = Client(app.test_client())
    client.refresh_token("/login")
    for name in ("ad\x00min", "a" * 250):
        assert client.post("/login", {"username": name, "password": "x"}).status_code == 400
    api = admin.client.post(
        "/api/jobs", json={"from": "2026-01-01\x00", "to": "2026-02-01"},
        headers={"X-CSRFToken": admin.token},
    )  # fmt: skip
    assert api.status_code == 400 and "NUL" in api.get_json()["errors"][0]
    assert row_counts(app) == before
    assert "\x00" not in caplog.text


def test_engines_never_log_sql_parameters(site) -> None:
    _backend, app, _ = site
    assert app.extensions["panelplan.engine"].hide_parameters
