"""The city centre's journey in a real browser: sign in, find an institution among all,
open its filing batch, read the examiners masked and download Attachment 2."""

from __future__ import annotations

from io import BytesIO

import pytest
from browser import browser_page, screenshot
from openpyxl import load_workbook
from sqlalchemy import select
from tenanttools import A_NAME, B_NAME, CITY, PASSWORD, seed_two
from webtools import LiveServer, app_on_copy, database

from models import Examiner, FilingBatch
from models.filing import FilingStatus
from services.exports.layout import mask_id


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return seed_two(tmp_path_factory.mktemp("city-journey") / "two.db")


@pytest.fixture
def app(template, tmp_path):
    app = app_on_copy(template, tmp_path)
    yield app
    app.extensions["panelplan.engine"].dispose()


def test_the_city_centre_reads_an_institutions_filing_and_downloads_it_masked(app) -> None:
    with database(app) as db:
        batch = db.scalars(
            select(FilingBatch).where(FilingBatch.status == FilingStatus.FILED)
        ).one()
        ids = [db.get_one(Examiner, e.examiner_id).document_number for e in batch.entries]
        ident = batch.id
    with LiveServer(app) as server, browser_page(server.url) as page:
        page.goto("/login")
        page.fill("input[name=username]", CITY)
        page.fill("input[name=password]", PASSWORD)
        page.click("main form button[type=submit]")
        page.wait_for_url(f"{server.url}/city/")
        assert A_NAME in page.content() and B_NAME in page.content()
        page.click(f"text={B_NAME}")
        page.wait_for_load_state()
        page.click(f"a[href='/city/batches/{ident}']")
        page.wait_for_load_state()
        shown = page.inner_text("main")
        assert all(mask_id(n) in shown and n not in shown for n in ids)
        screenshot(page, "city-centre-batch")
        with page.expect_download() as waiting:
            page.click("text=附件2")
        content = waiting.value.path().read_bytes()
    cells = " ".join(
        str(c.value)
        for row in load_workbook(BytesIO(content)).active.iter_rows()
        for c in row
        if c.value is not None
    )
    assert all(mask_id(n) in cells and n not in cells for n in ids)
