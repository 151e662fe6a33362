"""The city centre (市鉴定中心): signs in, lists every institution with its filings, reads a
batch's examiners masked and downloads the filing sheets masked, and changes nothing —
every POST route and every institution page refuses it (issue 16, item 6).

Runs on SQLite and PostgreSQL: one database per backend for the module, shared by its tests
(the city centre writes nothing but its sign-ins; the one refused write is checked for that)."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from apitools import app_on
from dbtools import BACKENDS, drop_database, fresh_database, worker_url
from fuzzweb import row_counts
from openpyxl import load_workbook
from sqlalchemy import select
from tenanttools import A_NAME, B_CODE, B_NAME, CITY, PASSWORD, PLAN_TITLE, read_ids, seed
from webtools import Client, database

from models import Examiner, FilingBatch, User
from models.db import session_factory, transaction
from models.filing import FilingStatus
from services.exports.layout import mask_id, mask_phone

# Routes the city centre may use besides its own pages: signing in and out, the language,
# the start page (which sends it to its own), the API's description, static files.
OPEN_TO_CITY = {"auth.login", "auth.logout", "auth.language", "main.home", "api.openapi",
                "static"}  # fmt: skip


@pytest.fixture(scope="module", params=BACKENDS)
def two(request, tmp_path_factory):
    """The app on each database holding institutions A and B and the city centre; B's ids."""
    made = fresh_database(request.param, tmp_path_factory.mktemp("city"))
    with transaction(session_factory(made.engine), "seed") as session:
        seed(session)
    with session_factory(made.engine)() as session:
        ids = read_ids(session)
    app = app_on(worker_url(made))
    yield app, ids
    app.extensions["panelplan.engine"].dispose()
    drop_database(made)


@pytest.fixture
def app(two):
    return two[0]


@pytest.fixture
def city(app) -> Client:
    client = Client(app.test_client())
    assert client.login(CITY, PASSWORD).status_code == 302
    return client


def test_the_city_centre_starts_on_every_institution_with_its_filings(city) -> None:
    start = city.get("/")
    assert start.status_code == 302 and start.location.endswith("/city/")
    page = city.get("/city/").get_data(as_text=True)
    assert A_NAME in page and B_NAME in page
    assert re.search(rf"{B_CODE}</td><td><a [^>]+>{B_NAME}</a></td><td>1</td>", page)
    menu = re.search(r'<nav class="menu">(.*?)</nav>', page, re.S)
    assert menu and menu.group(1).count("<a ") == 1  # its own page, no institution page


def test_the_city_centre_reads_a_batch_with_ids_and_phones_masked(app, city) -> None:
    page = city.get(f"/city/institutions/{B_CODE}").get_data(as_text=True)
    assert PLAN_TITLE in page
    with database(app) as db:
        batch = db.scalars(
            select(FilingBatch).where(FilingBatch.status == FilingStatus.FILED)
        ).one()
        people = [
            (e.name, e.document_number, e.phone)
            for e in (db.get_one(Examiner, x.examiner_id) for x in batch.entries)
        ]
        ident = batch.id
    assert f'href="/city/batches/{ident}"' in page
    shown = city.get(f"/city/batches/{ident}").get_data(as_text=True)
    for name, number, phone in people:
        assert name in shown and mask_id(number) in shown and number not in shown
        if phone:
            assert mask_phone(phone) in shown and phone not in shown


@pytest.mark.parametrize("number", [1, 2])
def test_the_city_centre_downloads_the_filing_sheets_masked(app, city, number) -> None:
    with database(app) as db:
        batch = db.scalars(
            select(FilingBatch).where(FilingBatch.status == FilingStatus.FILED)
        ).one()
        whole = {db.get_one(Examiner, e.examiner_id).document_number for e in batch.entries}
        ident = batch.id
    response = city.get(f"/city/batches/{ident}/attachment{number}")
    assert response.status_code == 200
    cells = {
        str(c.value)
        for sheet in load_workbook(BytesIO(response.data)).worksheets
        for row in sheet.iter_rows()
        for c in row
        if c.value is not None
    }
    text = " ".join(cells)
    assert whole and not any(number in text for number in whole)
    assert any(mask_id(number) in text for number in whole)


def test_a_draft_is_the_institutions_own_not_the_city_centres(app, city) -> None:
    with database(app) as db:
        draft = db.scalars(
            select(FilingBatch.id).where(FilingBatch.status == FilingStatus.DRAFT)
        ).one()
    page = city.get(f"/city/institutions/{B_CODE}").get_data(as_text=True)
    assert f'href="/city/batches/{draft}"' not in page
    for path in (f"/city/batches/{draft}", f"/city/batches/{draft}/attachment2"):
        assert city.get(path).status_code == 404, path


def test_the_city_centre_gets_404_for_what_is_not_there(city) -> None:
    for path in ("/city/institutions/9999999", "/city/batches/999999",
                 "/city/batches/999999/attachment1", "/city/batches/1/attachment3"):  # fmt: skip
        assert city.get(path).status_code == 404, path


def _fill(rule, ids) -> str:
    values = {}
    for name, converter in rule._converters.items():
        items = getattr(converter, "items", None)
        values[name] = sorted(items)[0] if items else ids.get(name, 1)
    return rule.rule if not values else _build(rule, values)


def _build(rule, values) -> str:
    path = rule.rule
    for name, value in values.items():
        path = re.sub(rf"<(?:[^:<>]+:)?{name}(?:\([^)]*\))?>", str(value), path)
    return path


def test_the_city_centre_changes_nothing_and_sees_no_institution_page(app, city, two) -> None:
    b = two[1]
    ids = {"code": b.first("examiner"), "version": b.first("version"), "job_id": b.first("job"),
           "ident": b.first("batch"), "record": b.first("appointment"), "other": 1,
           "number": 1, "filename": "app.css"}  # fmt: skip
    before = row_counts(app)
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("notices."):  # an examiner's link: the token, not a role
            continue
        if rule.endpoint in OPEN_TO_CITY or rule.endpoint.startswith("city."):
            assert "POST" not in rule.methods or rule.endpoint.startswith("auth."), rule
            continue
        path = _fill(rule, ids)
        if "POST" in rule.methods:
            form = {"examiner": b.first("examiner"), "session": b.first("session_code")}
            assert city.post(path, form).status_code == 403, path
            checked += 1
        if "GET" in rule.methods:
            assert city.get(path).status_code == 403, path
            checked += 1
    after = row_counts(app)
    after.pop("audit_events"), before.pop("audit_events")  # the city centre's sign-in
    assert after == before and checked > 80


def test_a_city_centre_user_is_made_from_the_command_line_only(app) -> None:
    admin = Client(app.test_client())
    admin.login("admin", PASSWORD)
    page = admin.get("/records/users").get_data(as_text=True)
    assert 'value="city"' not in page
    response = admin.post("/records/users", {"username": "sneaky", "role": "city",
                                             "password": "long-enough-1", "display_name": "x"})  # fmt: skip
    assert response.status_code == 200
    with database(app) as db:
        assert db.scalar(select(User).where(User.username == "sneaky")) is None


def test_institution_users_cannot_open_the_city_pages(app, two) -> None:
    for username in ("admin", "b-admin", "viewer"):
        client = Client(app.test_client())
        assert client.login(username, PASSWORD).status_code == 302
        for path in ("/city/", f"/city/institutions/{B_CODE}",
                     f"/city/batches/{two[1].first('batch')}/attachment2"):  # fmt: skip
            assert client.get(path).status_code == 403, (username, path)


def test_every_page_says_whose_data_it_shows(app, city) -> None:
    # One deployment, many institutions: the header names the signed-in user's institution
    # (the city centre, for it), so nobody mistakes whose records they are reading.
    assert '<span id="workplace">市鉴定中心</span>' in city.get("/city/").get_data(as_text=True)
    for user, name in (("admin", A_NAME), ("b-admin", B_NAME)):
        client = Client(app.test_client())
        assert client.login(user, PASSWORD).status_code == 302
        page = client.get("/examiners").get_data(as_text=True)
        assert f'<span id="workplace">{name}</span>' in page
        other = B_NAME if name == A_NAME else A_NAME
        assert other not in page
