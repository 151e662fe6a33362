"""The import page as a new planner meets it: templates to download, a misnamed column named
at the top, each bad row's person with a masked ID (whole for an admin), and no import button
when no row can be imported."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from importtools import BAD_ID, catalogue_only
from openpyxl import Workbook, load_workbook
from webtools import Client, seed_template


@pytest.fixture(scope="session")
def template(tmp_path_factory):
    return seed_template(tmp_path_factory.mktemp("import-report") / "template.db", catalogue_only)


def upload(client: Client, path: Path, kind: str = "examiners"):
    with path.open("rb") as stream:
        data = {"kind": kind, "file": (stream, path.name)}
        return client.post("/examiners/import", data, content_type="multipart/form-data")


def misnamed(path: Path) -> Path:
    """Two new examiners under a 等级 heading (no 级别 column) and one with a bad ID."""
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "姓名", "身份证号码", "联系电话", "等级"])
    ws.append([1, "张伟", "32040219700101051X", "13912345678", "考评员"])
    ws.append([2, "李娟", "320402197202020626", "13912345679", "考评员"])
    ws.append([3, "错号", BAD_ID, "13912345670", "考评员"])
    wb.save(path)
    return path


@pytest.mark.parametrize("kind", ["examiners", "sessions", "candidates"])
def test_each_template_downloads_from_the_import_page(planner: Client, kind: str) -> None:
    page = planner.get("/examiners/import").get_data(as_text=True)
    link = f"/examiners/import/template/{kind}"
    assert link in page
    response = planner.get(link)
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.data))
    assert wb.sheetnames[-1] == "填表说明"


def test_templates_are_for_planners_and_known_kinds(client: Client, planner: Client) -> None:
    assert planner.get("/examiners/import/template/occupations").status_code == 404
    assert planner.get("/examiners/import/template/nothing").status_code == 404
    client.login("viewer")
    assert client.get("/examiners/import/template/examiners").status_code == 403


def test_no_valid_row_means_no_import_button_and_says_why(planner: Client, tmp_path) -> None:
    page = upload(planner, misnamed(tmp_path / "e.xlsx")).get_data(as_text=True)
    assert "未识别的列“等级”：已忽略（是否应为“级别（考评员/高级考评员）”？）" in page
    assert "文件中没有“级别（考评员/高级考评员）”列：2 行因此未能导入（第 2、3 行）" in page
    assert page.count("不能为空") == 0
    assert 'id="nothing-to-import"' in page and "没有可以导入的行" in page
    assert 'id="confirm-import"' not in page and 'name="token"' not in page
    assert "<td>错号，320402********0011</td>" in page and BAD_ID not in page


def test_an_admin_reads_whole_id_numbers(client: Client, tmp_path) -> None:
    client.login("admin")
    page = upload(client, misnamed(tmp_path / "e.xlsx")).get_data(as_text=True)
    assert f"<td>错号，{BAD_ID}</td>" in page


def test_a_session_file_with_no_valid_row_has_no_import_button(planner: Client, tmp_path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["场次编号", "考点", "职业编码", "级别", "开始时间", "结束时间", "考场"])
    ws.append(["S001", "KD01", "9-99-99-99", "三级", "2030-03-02 08:30", "2030-03-02 11:30", "A"])
    wb.save(tmp_path / "s.xlsx")
    page = upload(planner, tmp_path / "s.xlsx", kind="sessions").get_data(as_text=True)
    assert "未识别的列“考场”：已忽略" in page and "没有可以导入的行" in page
    assert 'id="confirm-import"' not in page


def downloaded_problems(client: Client, tmp_path) -> list[list]:
    page = upload(client, misnamed(tmp_path / "e.xlsx")).get_data(as_text=True)
    assert 'id="download-problems"' in page
    response = client.get("/examiners/import/problems")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.data)).active
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_the_problems_download_masks_ids_for_a_planner(planner: Client, tmp_path) -> None:
    cells = downloaded_problems(planner, tmp_path)
    flat = [str(v) for row in cells for v in row if v is not None]
    assert any("未识别的列“等级”" in v for v in flat)
    assert ["行", "人员", "列", "问题"] in cells
    assert [4, "错号，320402********0011", "身份证号码"] in [row[:3] for row in cells]
    assert not any(BAD_ID in v for v in flat)


def test_the_problems_download_shows_an_admin_whole_ids(client: Client, tmp_path) -> None:
    client.login("admin")
    cells = downloaded_problems(client, tmp_path)
    assert [4, f"错号，{BAD_ID}", "身份证号码"] in [row[:3] for row in cells]


def test_the_problems_download_needs_a_pending_upload(planner: Client) -> None:
    page = planner.get("/examiners/import/problems").get_data(as_text=True)
    assert "上传的文件已失效" in page
