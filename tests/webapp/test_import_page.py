"""The import page: a dry run of a real .xlsx writes nothing, the confirmed import writes the
valid rows; roles, CSRF, the upload token, strict mode, the other kinds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from importtools import BAD_ID, INSTANCE, catalogue_only, examiner_sheet
from sqlalchemy import func, select
from webtools import Client, seed_template

from data.sheets import write_sessions
from models import AssessmentSession, AuditEvent, Examiner
from webapp.examiners.importing import upload_root


@pytest.fixture(scope="session")
def template(tmp_path_factory):
    return seed_template(tmp_path_factory.mktemp("imports") / "template.db", catalogue_only)


def count(app, model) -> int:
    with app.app_context():
        from webapp.database import db

        return db().scalar(select(func.count()).select_from(model)) or 0


def imports_recorded(app) -> list[str]:
    with app.app_context():
        from webapp.database import db

        actions = db().scalars(select(AuditEvent.action).order_by(AuditEvent.id))
        return [a for a in actions if a.startswith("import")]


def upload(client: Client, path: Path, kind: str = "examiners", **extra):
    with path.open("rb") as stream:
        data = {"kind": kind, "file": (stream, path.name), **extra}
        return client.post("/examiners/import", data, content_type="multipart/form-data")


def token_of(page: str) -> str:
    found = re.search(r'name="token" value="([^"]+)"', page)
    assert found, "no import button"
    return found.group(1)


def test_a_dry_run_writes_nothing_and_the_import_writes_the_valid_rows(client, app, tmp_path):
    client.login("planner")
    response = upload(client, examiner_sheet(tmp_path))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "试导入报告" in page
    assert "试导入（未写入）" in page and "新增 40" in page and "问题行 1" in page
    masked = rf"{BAD_ID[:6]}\*{{8}}{BAD_ID[-4:]}"  # a planner never sees a whole ID number
    assert re.search(rf"错号，{masked}.*身份证号码 {masked} 校验码不符", page, re.S)
    assert BAD_ID not in page
    assert count(app, Examiner) == 0
    token = token_of(page)
    response = client.post("/examiners/import/confirm", {"token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "导入报告" in page and "新增 40" in page
    assert count(app, Examiner) == 40 and imports_recorded(app) == ["import_examiners"]
    assert 'name="token"' not in page and not (upload_root() / token).exists()


def test_the_report_is_in_english_for_an_english_planner(client, tmp_path) -> None:
    client.login("planner")
    client.post("/lang/en?next=/")
    page = upload(client, examiner_sheet(tmp_path)).get_data(as_text=True)
    assert (
        "dry run (nothing written)" in page
        and f"resident ID {BAD_ID[:6]}********{BAD_ID[-4:]}" in page
    )


def test_a_confirmation_needs_the_token_of_the_planners_own_upload(client, app, tmp_path):
    client.login("planner")
    upload(client, examiner_sheet(tmp_path))
    page = client.post("/examiners/import/confirm", {"token": "guessed"}).get_data(as_text=True)
    assert "上传的文件已失效" in page and count(app, Examiner) == 0
    other = Client(app.test_client())
    other.login("admin")
    page = other.post("/examiners/import/confirm", {"token": "x"}).get_data(as_text=True)
    assert "上传的文件已失效" in page and count(app, Examiner) == 0


def test_a_cancelled_upload_is_removed(client, app, tmp_path) -> None:
    client.login("planner")
    token = token_of(upload(client, examiner_sheet(tmp_path)).get_data(as_text=True))
    assert (upload_root() / token).is_dir()
    assert client.post("/examiners/import/cancel").status_code == 302
    assert not (upload_root() / token).exists()
    page = client.post("/examiners/import/confirm", {"token": token}).get_data(as_text=True)
    assert "上传的文件已失效" in page and count(app, Examiner) == 0


def test_strict_mode_refuses_the_whole_file_and_offers_no_import(client, app, tmp_path):
    client.login("planner")
    page = upload(client, examiner_sheet(tmp_path), strict="1").get_data(as_text=True)
    assert "问题行 1" in page and 'name="token"' not in page
    assert count(app, Examiner) == 0


def test_files_that_are_not_sheets_are_refused_by_name(client, tmp_path) -> None:
    client.login("planner")
    notes = tmp_path / "notes.txt"
    notes.write_text("hello", encoding="utf-8")
    assert "只能导入 .xlsx 或 .csv 文件（收到 notes.txt）" in upload(client, notes).get_data(
        as_text=True
    )
    empty = tmp_path / "empty.csv"
    empty.write_text("a,b\n1,2\n", encoding="utf-8")
    assert "找不到表头行" in upload(client, empty).get_data(as_text=True)
    page = client.post("/examiners/import", {"kind": "examiners"}).get_data(as_text=True)
    assert "请选择要导入的文件" in page


def test_sessions_and_their_candidates_import_through_the_same_page(client, app, tmp_path):
    client.login("planner")
    path = write_sessions(tmp_path / "场次.xlsx", INSTANCE)
    page = upload(client, path, kind="sessions").get_data(as_text=True)
    assert "场次试导入（未写入）" in page and "考生试导入（未写入）" in page
    assert count(app, AssessmentSession) == 0
    client.post("/examiners/import/confirm", {"token": token_of(page)})
    assert count(app, AssessmentSession) == len(INSTANCE["sessions"])


@pytest.mark.parametrize("path", ["/examiners/import"])
def test_anonymous_visitors_are_sent_to_sign_in(client, path) -> None:
    assert "/login" in client.get(path).headers["Location"]
    client.refresh_token("/login")
    for target in (path, "/examiners/import/confirm", "/examiners/import/cancel"):
        assert "/login" in client.post(target, {"token": "x"}).headers["Location"]


def test_a_viewer_may_not_import(client, app, tmp_path) -> None:
    client.login("viewer")
    assert client.get("/examiners/import").status_code == 403
    assert upload(client, examiner_sheet(tmp_path)).status_code == 403
    assert client.post("/examiners/import/confirm", {"token": "x"}).status_code == 403
    assert client.post("/examiners/import/cancel").status_code == 403
    assert "从 Excel 导入" not in client.get("/examiners").get_data(as_text=True)
    assert count(app, Examiner) == 0


@pytest.mark.parametrize("role", ["planner", "admin"])
def test_planners_and_admins_see_the_upload_form(client, role) -> None:
    client.login(role)
    page = client.get("/examiners/import").get_data(as_text=True)
    assert 'type="file"' in page and "试导入" in page


def test_an_upload_without_the_csrf_token_is_rejected(client, app, tmp_path) -> None:
    client.login("planner")
    path = examiner_sheet(tmp_path)
    with path.open("rb") as stream:
        data = {"kind": "examiners", "file": (stream, path.name)}
        response = client.client.post("/examiners/import", data=data)
    assert response.status_code == 400
    token = token_of(upload(client, path).get_data(as_text=True))
    response = client.client.post("/examiners/import/confirm", data={"token": token})
    assert response.status_code == 400 and count(app, Examiner) == 0
