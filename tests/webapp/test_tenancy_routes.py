"""Every route, tried by institution A's admin with institution B's ids (issue 16, item 6).

The routes come from `app.url_map`, so a new route is covered by itself: each id part of a
route is filled with B's ids of the kind the route reads (`KINDS`), every `any(...)` part
with each of its choices; a route that takes no institution's id is listed in `NOT_TRIED`
with the reason. A route neither filled nor listed fails the test.

- GET: B's ids answer 403 or 404; a page or file without ids (lists, searches, downloads,
  asked also with B's codes in the query) shows none of B's names or codes (a download is
  read inside its zip).
- POST: B's ids in the route answer 403 or 404; with B's ids and codes in the form, nothing
  of B changes — every row of B, in every table, is compared before and after.

Institution A holds no row of its own (`tenanttools`), so any of B's ids that A's pages find
is a leak. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from typing import Any
from urllib.parse import urlencode

import pytest
from apitools import app_on
from dbtools import BACKENDS, drop_database, fresh_database, worker_url
from sqlalchemy import select
from tenantrows import rows_of
from tenanttools import B_CODE, PASSWORD, Ids, read_ids, seed
from webtools import Client
from werkzeug.routing import Rule

from models import Institution
from models.db import session_factory, transaction

# Which of B's ids fills a route part: by part name, or by (endpoint prefix, part name).
KINDS: dict[str, str] = {
    "version": "version",
    "other": "version",
    "job_id": "job",
    "examiners.*:code": "examiner",
    "api.examiner:code": "examiner",
    "planning.evidence:code": "session_code",
    "records.session_*:ident": "session",
    "records.venue_*:ident": "venue",
    "records.training_plan_*:ident": "training_plan",
    "records.batch_*:ident": "batch",
    "records.refusal_*:ident": "refusal",
    "records.review_*:ident": "review",
    "records.revocation_*:ident": "revocation",
    "records.user_*:ident": "user",
    "main.alert_*:ident": "alert",
    "examiners.*appointment:record": "appointment",
    "examiners.end_term:record": "appointment",
    "examiners.*certificate:record": "certificate",
    "examiners.*qualification:record": "qualification",
    "examiners.*unavailability:record": "unavailability",
}
# Route parts that are not ids: the values to try.
FIXED: dict[str, list[Any]] = {"number": [1, 2]}
NOT_TRIED = {
    "static": "the app's own files: no institution's data",
    "auth.login": "signing in: no id",
    "auth.logout": "signing out: no id",
    "auth.language": "the language cookie: no id",
    "api.openapi": "the API's description, the same for every institution",
    "records.occupation_edit": "the shared catalogue, every institution's; its writers are "
    "deployment admins (tests/webapp/test_catalogue_access.py)",
    "notices.personal": "an examiner's personal link: no sign-in, the signed token alone opens "
    "it; forged, altered, expired and other notices' tokens in tests/webapp/test_notice_pages.py",
    "notices.reply": "the answer on an examiner's personal link (as notices.personal)",
    "city.index": "the city centre's page: 403 for every institution user (test_city_centre)",
    "city.institution": "the city centre's page (test_city_centre)",
    "city.batch": "the city centre's page (test_city_centre)",
    "city.attachment": "the city centre's download (test_city_centre)",
}
WIDE = {"from": "2000-01-01", "to": "2099-12-31", "year": "2025"}


@pytest.fixture(scope="module", params=BACKENDS)
def two(request, tmp_path_factory):
    """The app on each database holding A and B; B's ids."""
    database = fresh_database(request.param, tmp_path_factory.mktemp("tenancy"))
    with transaction(session_factory(database.engine), "seed") as session:
        seed(session)
    with session_factory(database.engine)() as session:
        ids = read_ids(session)
    app = app_on(worker_url(database))
    yield app, ids
    app.extensions["panelplan.engine"].dispose()
    drop_database(database)


def kind_of(endpoint: str, part: str) -> str | None:
    """The kind of B's id that fills `part` of `endpoint`'s route."""
    for key, kind in KINDS.items():
        pattern, _colon, name = key.rpartition(":")
        if name == part and (not pattern or re.fullmatch(pattern.replace("*", ".*"), endpoint)):
            return kind
        if not _colon and key == part:
            return kind
    return None


def fillings(rule: Rule, ids: Ids) -> list[dict[str, Any]] | None:
    """Every way to fill the rule's parts with B's ids (None: a part nobody knows)."""
    choices: dict[str, list[Any]] = {}
    for part, converter in rule._converters.items():
        kind = kind_of(rule.endpoint, part)
        if kind is not None:
            choices[part] = ids.ids[kind][:2]
        elif part in FIXED:
            choices[part] = FIXED[part]
        elif getattr(converter, "items", None):
            choices[part] = sorted(converter.items)
        else:
            return None
    return [dict(zip(choices, values, strict=True)) for values in
            itertools.product(*choices.values())]  # fmt: skip


def path_of(rule: Rule, values: dict[str, Any]) -> str:
    path = rule.rule
    for part, value in values.items():
        path = re.sub(rf"<(?:[^:<>]+:)?{part}(?:\([^)]*\))?>", str(value), path)
    return path


def has_ids(rule: Rule) -> bool:
    """True when a route part names a row of an institution (not just a choice or a number)."""
    return any(kind_of(rule.endpoint, part) for part in rule._converters)


def routes(app) -> list[Rule]:
    """Every route but the listed ones; fails on a route that can be neither."""
    unknown, tried = [], []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in NOT_TRIED:
            continue
        (tried if fillings(rule, Ids(ids={k: [0] for k in set(KINDS.values())})) is not None
         else unknown).append(rule)  # fmt: skip
    assert not unknown, f"fill or list these routes in KINDS or NOT_TRIED: {unknown}"
    return tried


def text_of(response) -> str:
    """What a person could read in the answer: the page, or every file inside a download."""
    data = response.get_data()
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return data.decode("utf-8", "replace")


def leaked(response, ids: Ids, sent: set[str]) -> set[str]:
    """B's names and codes in the answer (but what the request itself carried)."""
    text = text_of(response)
    return {t for t in ids.texts if t in text and not any(t in s for s in sent)}


def query_of(ids: Ids) -> dict[str, str]:
    """A query naming B's rows the way pages are asked (searches, what-if, edit changes)."""
    examiner, session = str(ids.first("examiner")), str(ids.first("session_code"))
    change = f"{session}|{ids.ids['examiner'][1]}|{examiner}"
    return {**WIDE, "q": examiner, "examiner": examiner, "session": session, "change": change}


def form_of(ids: Ids, token: str) -> dict[str, Any]:
    """A form naming B's rows in every field a page reads ids or codes from."""
    codes = " ".join(str(c) for c in ids.ids["examiner"][:3])
    return {**query_of(ids), "csrf_token": token, "examiners": codes, "plan": ids.first(
        "training_plan"), "venue": ids.first("venue"), "alert": [str(a) for a in
        ids.ids["alert"]], "candidate": "C0001", "reason": "x", "decision": "approve",
        "kind": "relative", "since": "2026-01-01", "start": "2026-05-01", "end": "2026-05-02",
        "time_limit": "5", "seed": "0", "note": "x"}  # fmt: skip


def b_rows(app) -> dict[str, list[tuple[str, ...]]]:
    session = app.extensions["panelplan.sessions"]()
    try:
        b = session.scalars(select(Institution).where(Institution.code == B_CODE)).one()
        return rows_of(session, b.id)
    finally:
        session.rollback()
        session.close()


def test_every_get_route_with_b_ids_is_not_found_and_shows_nothing_of_b(two) -> None:
    app, ids = two
    a = signed_in_a(app)
    tried = 0
    for rule in routes(app):
        if "GET" not in rule.methods:
            continue
        for values in fillings(rule, ids) or []:
            path = path_of(rule, values)
            response = a.get(path)
            if has_ids(rule):
                assert response.status_code in (403, 404), path
            named = {str(v) for v in values.values()}  # a 404 may say what was asked for
            assert not leaked(response, ids, named), (path, leaked(response, ids, named))
            asked = query_of(ids)
            response = a.get(f"{path}?{urlencode(asked)}")
            assert response.status_code < 500, path
            found = leaked(response, ids, named | set(asked.values()))
            assert not found, (path, found)
            tried += 1
    assert tried > 50


def test_every_post_route_with_b_ids_is_refused_and_changes_nothing_of_b(two) -> None:
    app, ids = two
    a = signed_in_a(app)
    before = b_rows(app)
    posts = [r for r in routes(app) if "POST" in r.methods]
    tried = 0
    for rule in sorted(posts, key=lambda r: not has_ids(r)):  # id routes first: A stays empty
        for values in fillings(rule, ids) or []:
            path = path_of(rule, values)
            form = form_of(ids, a.token)
            response = a.client.post(path, data=form)
            if has_ids(rule):
                assert response.status_code in (403, 404), path
            assert response.status_code < 500, path
            sent = {str(v) for v in [*form.values(), *values.values()] if not isinstance(v, list)}
            sent |= set(form["examiners"].split())
            assert not leaked(response, ids, sent), (path, leaked(response, ids, sent))
            assert b_rows(app) == before, path
            tried += 1
    assert tried > 40


def test_the_api_with_b_ids_is_not_found_and_a_job_posted_changes_nothing_of_b(two) -> None:
    app, ids = two
    a = signed_in_a(app)
    before = b_rows(app)
    headers = {"X-CSRFToken": a.token}
    body = {"from": "2000-01-01", "to": "2099-12-31", "time_limit": 5, "seed": 0}
    assert a.client.post("/api/jobs", json=body, headers=headers).status_code == 422
    for job in ids.ids["job"]:
        assert a.client.post(f"/api/jobs/{job}/cancel", headers=headers).status_code == 404
    assert a.get("/api/jobs?all=1").get_json()["items"] == []
    assert b_rows(app) == before


def signed_in_a(app) -> Client:
    client = Client(app.test_client())
    assert client.login("admin", PASSWORD).status_code == 302
    return client


def test_no_route_is_both_tried_and_listed(two) -> None:
    app, _ids = two
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert set(NOT_TRIED) <= endpoints, set(NOT_TRIED) - endpoints
    assert not any(has_ids(rule) for rule in app.url_map.iter_rules()
                   if rule.endpoint in NOT_TRIED)  # fmt: skip


def test_a_new_route_neither_filled_nor_listed_fails_the_check(tmp_path) -> None:
    from webapp import create_app
    from webapp.config import TestConfig

    app = create_app(TestConfig(f"sqlite:///{tmp_path / 'empty.db'}"))
    app.add_url_rule("/widgets/<int:widget>", "widgets.show", lambda widget: "")
    with pytest.raises(AssertionError, match=r"widgets\.show"):
        routes(app)
    app.extensions["panelplan.engine"].dispose()
