"""The conflicts page: the register and the voided results in pages with their totals, a
search of the register, and the organisation typed by name (suggestions, no long picker)."""

from __future__ import annotations

import re

import pytest
from recordtools import one, query, records_template_path
from sqlalchemy import func, select

import webapp.records.discipline.conflicts as conflicts_page
from models import (
    AssessmentSession,
    Candidate,
    Conflict,
    Examiner,
    InvalidResult,
    Organization,
    PanelSeat,
    SessionCandidate,
)
from models.base import SessionStatus


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return records_template_path(tmp_path_factory)


def _registered(page: str) -> list[str]:
    """The examiner codes of the register's rows, in order."""
    table = page.split('id="registered"')[1].split("</table>")[0]
    return re.findall(r"<tr><td>(E\d{4}) ", table)


def _voided(page: str) -> list[str]:
    """The candidate codes of the voided results shown."""
    table = page.split('id="invalid"')[1]
    return re.findall(r"<td>(C\d+) ", table)


def _count(app, model) -> int:
    return one(app, select(func.count()).select_from(model))


def test_the_register_comes_in_pages_with_its_total(client, app, monkeypatch) -> None:
    monkeypatch.setattr(conflicts_page, "PAGE_SIZE", 5)
    total = _count(app, Conflict)
    client.login("viewer")
    first = client.get("/records/conflicts").get_data(as_text=True)
    second = client.get("/records/conflicts?page=2").get_data(as_text=True)
    pages = -(-total // 5)
    assert f"共登记 {total} 条回避关系" in first and f"第 1 页，共 {pages} 页" in first
    assert len(_registered(first)) == 5 and "page=2" in first and "上一页" not in first
    assert f"第 2 页，共 {pages} 页" in second and "上一页" in second
    every = []
    for n in range(1, pages + 1):
        every += _registered(client.get(f"/records/conflicts?page={n}").get_data(as_text=True))
    codes = query(app, select(Examiner.code).join(Conflict, Conflict.examiner_id == Examiner.id))
    assert sorted(every) == sorted(code for (code,) in codes)
    past = client.get("/records/conflicts?page=99").get_data(as_text=True)
    assert f"第 {pages} 页，共 {pages} 页" in past and _registered(past)  # the last page
    assert client.get("/records/conflicts?page=nonsense").status_code == 200  # the first


def test_the_register_is_searched_by_examiner(client, app) -> None:
    code = one(app, select(Examiner.code).join(Conflict, Conflict.examiner_id == Examiner.id)
               .order_by(Examiner.code).limit(1))  # fmt: skip
    theirs = one(app, select(func.count()).select_from(Conflict).join(Examiner).where(
        Examiner.code == code))  # fmt: skip
    client.login("viewer")
    found = client.get(f"/records/conflicts?q={code}").get_data(as_text=True)
    assert _registered(found) == [code] * theirs and f"共 {theirs} 条回避关系符合条件" in found
    none = client.get("/records/conflicts?q=没有这个人").get_data(as_text=True)
    assert "没有符合条件的回避关系" in none and "显示全部" in none


def test_the_organisation_list_is_short_and_says_how_to_find_the_others(
    client, app, monkeypatch
) -> None:
    names = [name for (name,) in query(app, select(Organization.name))]
    client.login("planner")
    page = client.get("/records/conflicts").get_data(as_text=True)
    listed = re.findall(r'<option value="([^"]+)">', page.split("<datalist")[1])
    assert sorted(listed) == sorted(names) and '<select name="organization"' not in page
    monkeypatch.setattr(conflicts_page, "SUGGESTIONS", 3)
    page = client.get("/records/conflicts").get_data(as_text=True)
    listed = re.findall(r'<option value="([^"]+)">', page.split("<datalist")[1])
    assert len(listed) == 3 and f"列出 {len(names)} 个单位中的 3 个" in page


def _held_session_with_pupils(app) -> tuple[str, str, list[str]]:
    """A held session with a panel, given a candidate list of 3 pupils of one organisation:
    its examiner's code, the organisation's name and the pupils' codes."""
    session_id, examiner_id = query(app, (
        select(PanelSeat.session_id, PanelSeat.examiner_id)
        .join(AssessmentSession, AssessmentSession.id == PanelSeat.session_id)
        .where(AssessmentSession.status == SessionStatus.HELD).limit(1)))[0]  # fmt: skip
    organization, name = query(app, select(Organization.id, Organization.name).join(
        Candidate, Candidate.organization_id == Organization.id).limit(1))[0]  # fmt: skip
    pupils = query(app, select(Candidate.id, Candidate.code)
                   .where(Candidate.organization_id == organization).limit(3))  # fmt: skip
    with app.app_context():
        from webapp.database import db

        for ident, _code in pupils:
            db().add(SessionCandidate(session_id=session_id, candidate_id=ident))
        db().commit()
    examiner = one(app, select(Examiner.code).where(Examiner.id == examiner_id))
    return examiner, name, [code for _ident, code in pupils]


def test_an_organisation_is_named_and_the_results_it_voids_come_in_pages(
    client, app, monkeypatch
) -> None:
    monkeypatch.setattr(conflicts_page, "INVALID_PAGE_SIZE", 2)
    examiner, name, pupils = _held_session_with_pupils(app)
    client.login("planner")
    data = {"examiner": examiner, "kind": "interest", "declared_on": "2026-11-01"}
    before = _count(app, Conflict)
    part = client.post("/records/conflicts", {**data, "organization_name": name[1:-1]})
    text = part.get_data(as_text=True)
    assert part.status_code == 200 and f"没有名为 {name[1:-1]} 的单位" in text
    assert f"您要找的是否为：{name}" in text and f'<option value="{name}">' in text
    unknown = client.post("/records/conflicts", {**data, "organization_name": "不存在的单位"})
    assert "没有名为 不存在的单位 的单位。" in unknown.get_data(as_text=True)
    assert _count(app, Conflict) == before
    report = client.post("/records/conflicts", {**data, "organization_name": name})
    assert sorted(_voided_report(report.get_data(as_text=True))) == sorted(pupils)
    assert _count(app, InvalidResult) == 3
    first = client.get("/records/conflicts?page=1").get_data(as_text=True)
    second = client.get("/records/conflicts?page=1&invalid_page=2").get_data(as_text=True)
    assert "共 3 条成绩无效" in first and "下载全部（Excel）" in first
    assert len(_voided(first)) == 2 and len(_voided(second)) == 1
    assert sorted(_voided(first) + _voided(second)) == sorted(pupils)
    (link,) = re.findall(r'href="([^"]*invalid_page=2[^"]*)"', first)
    assert "page=1" in link.replace("invalid_page", "")  # each list keeps the other's page


def _voided_report(page: str) -> list[str]:
    return re.findall(r"<td>(C\d+) ", page)
