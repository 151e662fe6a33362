"""A term planned through the web app end to end: request, the real dispatcher's worker,
progress, review, publish, downloads; an impossible term's diagnostics; files per role."""

from __future__ import annotations

import io
import re
import zipfile
from urllib.parse import quote

import pytest
from openpyxl import load_workbook
from planningtools import TERM, dispatch_until_done, seed_sample, solve_in_process
from sqlalchemy import select
from webtools import Client

from models import Institution, JobStatus, SolveJob
from models.base import utcnow
from services.planning.plans import store_result
from solver.schema import Diagnostic, Result
from solver.solve import Options


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory):
    return seed_sample(tmp_path_factory.mktemp("flow") / "sample.db")


def signed_in(app, role: str) -> Client:
    client = Client(app.test_client())
    assert client.login(role).status_code == 302
    return client


def workbook(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.data))


def text_of(book) -> str:
    """Every cell of every sheet, as one string."""
    return " ".join(
        str(cell) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
        for cell in row if cell
    )  # fmt: skip


def test_a_planner_plans_reviews_publishes_and_downloads(app) -> None:
    planner = signed_in(app, "planner")
    form = {"date_from": TERM[0].isoformat(), "date_to": TERM[1].isoformat(),
            "time_limit": "20", "seed": "0"}  # fmt: skip
    response = planner.post("/plans/new", form)
    assert response.status_code == 302
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    ended = dispatch_until_done(app.config["DATABASE_URL"], job_id)
    assert ended.status == JobStatus.SUCCEEDED, ended.error
    progress = planner.get(f"/jobs/{job_id}/progress").get_json()
    assert progress["done"] and progress["solver_status"] in ("OPTIMAL", "FEASIBLE")
    assert progress["plan_url"] == "/plans/1"
    review = planner.get("/plans/1?q=S00").get_data(as_text=True)  # every session code
    assert review.count("/plans/1/sessions/") == 30
    published = planner.post("/plans/1/publish", follow_redirects=True).get_data(as_text=True)
    assert "方案 v1 已发布" in published
    dispatch = planner.get("/plans/1/download/dispatch")
    assert "filename*=UTF-8''" in dispatch.headers["Content-Disposition"]
    assert "S0001" in text_of(workbook(dispatch)) and "S0030" in text_of(workbook(dispatch))
    sheet = workbook(planner.get("/plans/1/download/plan")).active
    assert sheet is not None and sheet.max_row > 30


def test_examiner_sheets_come_alone_or_zipped_with_calendars(app) -> None:
    solve_in_process(_path(app))
    viewer = signed_in(app, "viewer")
    assert workbook(viewer.get("/plans/1/download/examiners")).sheetnames
    response = viewer.get("/plans/1/download/examiners?with=ics")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert any(n.endswith(".xlsx") for n in names)
    assert sum(n.endswith(".ics") for n in names) >= 10


def _path(app):
    return app.config["DATABASE_URL"].removeprefix("sqlite:///")


def test_an_impossible_term_lists_what_to_fix_by_session(app) -> None:
    factory = app.extensions["panelplan.sessions"]
    with factory() as db:
        inst = db.scalars(select(Institution)).one()
        raw = {"sessions": [{"id": "S0001"}]}
        result = Result(status="INFEASIBLE", diagnostics=[
            Diagnostic(rule="H3", session="S0001", message="只有 2 名考评员符合条件，需要 3 名"),
            Diagnostic(rule="H6", message="轮换无法满足"),
        ])  # fmt: skip
        plan = store_result(db, inst, raw, result, Options(), *TERM)
        job = SolveJob(institution_id=inst.id, date_from=TERM[0], date_to=TERM[1],
                       parameters={"time_limit": 10}, status=JobStatus.SUCCEEDED,
                       plan_id=plan.id, created_at=utcnow(), finished_at=utcnow())  # fmt: skip
        db.add(job)
        db.commit()
        job_id = job.id
    page = signed_in(app, "viewer").get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "不存在符合规则的方案" in page and "需要处理的问题" in page
    assert "S0001" in page and "只有 2 名考评员符合条件" in page and "整个方案" in page
    assert "没有部分方案" in page


def test_the_downloads_page_and_its_files(app) -> None:
    viewer = signed_in(app, "viewer")
    page = viewer.get("/downloads").get_data(as_text=True)
    assert "身份证号已脱敏" in page
    allowance = viewer.get("/downloads/allowance?from=2026-01-01&to=2026-12-31&planned=1")
    assert workbook(allowance).sheetnames
    assert workbook(viewer.get("/downloads/invalid")).sheetnames
    assert viewer.get("/downloads/allowance?from=bad").status_code == 400
    refused = viewer.get("/downloads/allowance?from=2026-12-31&to=2026-01-01",
                         follow_redirects=True)  # fmt: skip
    assert "晚于结束日期" in refused.get_data(as_text=True)


@pytest.mark.parametrize(("role", "full"), [("viewer", False), ("planner", False), ("admin", True)])
@pytest.mark.parametrize("number", [1, 2])
def test_attachments_carry_full_id_numbers_for_admins_only(app, role, full, number) -> None:
    year = 2026
    response = signed_in(app, role).get(f"/downloads/attachment/{number}?year={year}")
    text = text_of(workbook(response))
    assert ("********" in text) is not full
    masked_name = quote("脱敏") in response.headers["Content-Disposition"]
    assert masked_name is not full


def test_an_anonymous_visitor_downloads_nothing(app) -> None:
    client = Client(app.test_client())
    for path in ("/plans/1/download/dispatch", "/downloads/invalid", "/downloads/attachment/2"):
        assert client.get(path).status_code == 302


def test_an_empty_year_is_refused_with_the_reason(app) -> None:
    page = signed_in(app, "admin").get("/downloads/attachment/2?year=1990", follow_redirects=True)
    assert "没有符合条件的考评人员" in page.get_data(as_text=True)


def test_viewers_download_phones_masked_planners_whole(app) -> None:
    solve_in_process(_path(app))
    whole, masked = re.compile(r"1\d{10}"), re.compile(r"1\d\d\*{4}\d{4}")
    for role, shown in (("viewer", masked), ("planner", whole)):
        client = signed_in(app, role)
        for path in ("/plans/1/download/dispatch", "/downloads/attachment/2?year=2026"):
            text = text_of(workbook(client.get(path)))
            hidden = whole if shown is masked else masked
            assert shown.search(text) and not hidden.search(text), (role, path)
