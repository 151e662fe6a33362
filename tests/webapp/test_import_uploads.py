"""Hostile uploads on the import page: overlong and odd file names, a decompression bomb, a
file that is not a workbook — each refused with its name and reason, nothing written, no
upload left behind."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from importtools import catalogue_only, examiner_sheet
from sqlalchemy import func, select
from webtools import Client, seed_template

from models import Examiner
from webapp.examiners import importing
from webapp.examiners.importing import NAME_BYTES, upload_name


@pytest.fixture(scope="session")
def template(tmp_path_factory):
    return seed_template(tmp_path_factory.mktemp("uploads") / "template.db", catalogue_only)


@pytest.fixture
def folders(monkeypatch, tmp_path) -> Path:
    """A private upload root for the test (the real one is shared by every process)."""
    root = tmp_path / "uploads"
    monkeypatch.setattr(importing, "upload_root", lambda: root)
    return root


def examiners(app) -> int:
    with app.app_context():
        from webapp.database import db

        return db().scalar(select(func.count()).select_from(Examiner)) or 0


def send(client: Client, data: bytes, name: str):
    form = {"kind": "examiners", "file": (io.BytesIO(data), name)}
    return client.post("/examiners/import", form, content_type="multipart/form-data")


def test_an_overlong_file_name_is_shortened_not_a_server_error(client, app, folders, tmp_path):
    client.login("planner")
    name = "考" * 300 + ".xlsx"  # 305 characters, 905 bytes
    response = send(client, examiner_sheet(tmp_path).read_bytes(), name)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "试导入（未写入）" in page
    [kept] = [p for folder in folders.iterdir() for p in folder.iterdir()]
    assert kept.suffix == ".xlsx" and len(kept.name.encode()) <= NAME_BYTES
    assert kept.name in page and examiners(app) == 0


def test_upload_names_lose_folders_and_control_characters() -> None:
    assert upload_name("C:\\Users\\王\\考评人员.xlsx") == "考评人员.xlsx"
    assert upload_name("../../etc/x.csv") == "x.csv"
    assert upload_name("a\x00b\n.xlsx") == "ab.xlsx"
    assert upload_name("..") == "" and upload_name("") == ""
    assert upload_name("x." + "y" * 400).endswith("y") and len(upload_name("x." + "y" * 400)) == 150


def test_a_bomb_is_refused_quickly_naming_the_file_and_nothing_stays(client, app, folders):
    client.login("planner")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "<row/>" * 3_000_000)
    started = time.monotonic()
    page = send(client, buffer.getvalue(), "炸弹.xlsx").get_data(as_text=True)
    assert time.monotonic() - started < 10
    assert "炸弹.xlsx" in page and "压缩比异常" in page and 'name="token"' not in page
    assert list(folders.iterdir()) == [] and examiners(app) == 0


def test_a_file_that_is_not_a_workbook_says_so_in_the_planners_language(client, folders):
    client.login("planner")
    page = send(client, b"PK\x03\x04 not really", "名单.xlsx").get_data(as_text=True)
    assert "无法读取文件 名单.xlsx：不是有效的 .xlsx 工作簿" in page
    assert "BadZipFile" not in page and list(folders.iterdir()) == []
    client.post("/lang/en?next=/")
    page = send(client, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "old.xlsx").get_data(
        as_text=True
    )
    assert "cannot read old.xlsx: it is an old .xls or a password-protected workbook" in page
