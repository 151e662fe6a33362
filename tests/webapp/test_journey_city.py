"""Two institutions and the city centre in a real browser, each walked by clicking from the
home page (issue 16, item 6).

- The city centre signs in, finds an institution among all, opens its filing batch, reads
  the examiners masked and downloads Attachment 2 masked.
- Institution B's admin signs in, reads B's dashboard and examiners, adds a planner of B on
  the users page that lists only B's users, and is refused the city centre's pages; then
  institution A's admin signs in and finds none of B's examiners or users.
"""

from __future__ import annotations

from io import BytesIO

import pytest
from browser import browser_page, screenshot
from openpyxl import load_workbook
from sqlalchemy import func, select
from tenanttools import A_NAME, A_USERS, B_CODE, B_NAME, B_USERS, CITY, PASSWORD, seed_two
from webtools import LiveServer, app_on_copy, database

from models import Examiner, FilingBatch, Institution, User
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


def sign_in_from_home(page, base_url: str, username: str) -> None:
    """Open the home page, which asks to sign in, and sign in there."""
    page.goto("/")
    page.wait_for_url(f"{base_url}/login?next=%2F")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def sign_out(page, base_url: str) -> None:
    page.click("header form[action='/logout'] button")
    page.wait_for_url(f"{base_url}/login")


def usernames(page) -> set[str]:
    """The usernames of the users page's table."""
    return {
        cell.inner_text() for cell in page.query_selector_all("main table tbody td:first-child")
    }


def test_the_city_centre_reads_an_institutions_filing_and_downloads_it_masked(app) -> None:
    with database(app) as db:
        batch = db.scalars(
            select(FilingBatch).where(FilingBatch.status == FilingStatus.FILED)
        ).one()
        ids = [db.get_one(Examiner, e.examiner_id).document_number for e in batch.entries]
        ident = batch.id
    with LiveServer(app) as server, browser_page(server.url) as page:
        sign_in_from_home(page, server.url, CITY)
        page.wait_for_url(f"{server.url}/city/")
        assert A_NAME in page.content() and B_NAME in page.content()
        assert [a.inner_text() for a in page.query_selector_all("nav.menu a")] == ["各机构备案"]
        screenshot(page, "city-centre")
        page.click(f"text={B_NAME}")
        page.wait_for_url(f"{server.url}/city/institutions/{B_CODE}")
        screenshot(page, "city-centre-institution")
        page.click(f"a[href='/city/batches/{ident}']")
        page.wait_for_url(f"{server.url}/city/batches/{ident}")
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


def test_each_institutions_admin_sees_and_manages_only_their_own(app) -> None:
    with database(app) as db:
        b_examiners = list(
            db.scalars(
                select(Examiner.code)
                .join(Institution, Institution.id == Examiner.institution_id)
                .where(Institution.code == B_CODE)
            )
        )
    with LiveServer(app) as server, browser_page(server.url) as page:
        sign_in_from_home(page, server.url, "b-admin")
        page.wait_for_url(f"{server.url}/")
        assert "欢迎，b-admin" in page.inner_text("main")
        page.click("nav >> text=考评人员")
        page.wait_for_load_state()
        listed = page.inner_text("main")
        assert all(code in listed for code in b_examiners[:5])
        page.click("nav >> text=资料与设置")
        page.wait_for_load_state()
        page.click("main >> text=用户")
        page.wait_for_url(f"{server.url}/records/users")
        assert usernames(page) == set(B_USERS)  # none of A's users, not the city centre
        page.fill("input[name=username]", "b-planner2")
        page.fill("input[name=display_name]", "乙机构计划员")
        page.select_option("select[name=role]", "planner")
        page.fill("input[name=password]", "b-planner2-pass")
        page.click("main form.card button[type=submit]")
        page.wait_for_load_state()
        assert usernames(page) == {*B_USERS, "b-planner2"}
        screenshot(page, "institution-users")
        assert page.goto("/city/").status == 403
        page.goto("/")
        sign_out(page, server.url)
        sign_in_from_home(page, server.url, "admin")  # institution A's admin
        page.wait_for_url(f"{server.url}/")
        page.click("nav >> text=考评人员")
        page.wait_for_load_state()
        listed = page.inner_text("main")
        assert not any(code in listed for code in b_examiners)
        page.click("nav >> text=资料与设置")
        page.wait_for_load_state()
        page.click("main >> text=用户")
        page.wait_for_url(f"{server.url}/records/users")
        assert usernames(page) == set(A_USERS)
    with database(app) as db:
        added = db.scalars(select(User).where(User.username == "b-planner2")).one()
        assert added.role == "planner"
        assert added.institution_id == db.scalar(
            select(Institution.id).where(Institution.code == B_CODE)
        )
        assert db.scalar(select(func.count()).select_from(User)) == 7
