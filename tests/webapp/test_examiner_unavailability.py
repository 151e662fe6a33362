"""Examiner detail page: periods of unavailability (add, remove, the panels in force they fall
on) and the change history as a planner reads it, in Chinese and English.

The generated S data: E0001 sits on two held sessions (H0003, H0010); E0002 is away on
2026-03-21 (请假). The sessions S0001… are still to come; a test seats E0001 on S0001
(2026-03-02) as a published plan would.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from examinertools import (
    deletes,
    edit_form,
    errors_next_to,
    history,
    in_db,
    records,
    s_template,
    text,
)
from sqlalchemy import select

from models import AssessmentSession, Examiner, PanelSeat, Unavailability
from models.base import SeatRole

ADD = "/examiners/E0001/unavailability"
ILL = {"period_start": "2026-03-01", "period_end": "2026-03-03", "period_reason": "因病住院"}


@pytest.fixture(scope="session")
def template(tmp_path_factory):
    """The generated S data set (40 examiners) with one user per role (made once)."""
    return s_template(tmp_path_factory.mktemp("examiner-unavailability"))


def seat(app, session_code: str = "S0001", examiner_code: str = "E0001") -> None:
    """Put the examiner on the session's panel in force (as publishing does)."""

    def add(session):
        assessment = session.scalar(
            select(AssessmentSession).where(AssessmentSession.code == session_code)
        )
        examiner = session.scalar(select(Examiner).where(Examiner.code == examiner_code))
        session.add(
            PanelSeat(session_id=assessment.id, examiner_id=examiner.id, role=SeatRole.MEMBER)
        )

    in_db(app, add)


def withdrawal(app, session_code: str = "H0010") -> int:
    """A what-if withdrawal of E0001 from a session (the row `record_withdrawals` writes)."""

    def add(session):
        assessment = session.scalar(
            select(AssessmentSession).where(AssessmentSession.code == session_code)
        )
        examiner = session.scalar(select(Examiner).where(Examiner.code == "E0001"))
        row = Unavailability(
            examiner_id=examiner.id,
            start=assessment.start.date(),
            end=assessment.end.date(),
            reason="退出",
            session_id=assessment.id,
        )
        session.add(row)
        session.flush()
        return row.id

    return in_db(app, add)


def section(page: str) -> str:
    found = re.search(r'<section class="card" id="unavailability">(.*?)</section>', page, re.S)
    assert found, "no unavailability section"
    return found.group(1)


def delete_path(app) -> str:
    return f"/examiners/E0001/unavailability/{withdrawal(app)}/delete"


# --- roles -------------------------------------------------------------------------------------


def test_everyone_sees_the_periods_but_only_planners_change_them(client, app) -> None:
    client.login("viewer")
    shown = section(text(client.get("/examiners/E0002")))
    assert "2026-03-21" in shown and "请假" in shown
    assert "<form" not in shown and "/delete" not in shown


@pytest.mark.parametrize("kind", ["add", "delete"])
def test_a_viewer_changes_no_period(client, app, kind) -> None:
    path = ADD if kind == "add" else delete_path(app)
    client.login("viewer")
    before = records(app)["unavailability"]
    assert client.post(path, ILL).status_code == 403
    assert records(app)["unavailability"] == before


@pytest.mark.parametrize("kind", ["add", "delete"])
def test_a_period_change_without_the_csrf_token_is_rejected(client, app, kind) -> None:
    path = ADD if kind == "add" else delete_path(app)
    client.login("planner")
    before = records(app)["unavailability"]
    assert client.client.post(path, data=ILL).status_code == 400
    assert records(app)["unavailability"] == before


@pytest.mark.parametrize("kind", ["add", "delete"])
def test_anonymous_period_changes_are_sent_to_sign_in(client, app, kind) -> None:
    path = ADD if kind == "add" else delete_path(app)
    client.refresh_token("/login")
    response = client.post(path, ILL)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_period_of_another_examiner_is_a_404(client, app) -> None:
    client.login("planner")
    period = withdrawal(app)
    assert client.post(f"/examiners/E0002/unavailability/{period}/delete").status_code == 404
    assert period in [u[0] for u in records(app)["unavailability"]]


# --- adding ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["planner", "admin"])
def test_a_period_is_added_and_shown_with_its_history(client, app, role) -> None:
    client.login(role)
    form = {"period_start": "2026年4月1日", "period_end": "2026.4.3", "period_reason": "年假"}
    response = client.post(ADD, form)
    assert response.status_code == 302
    assert response.headers["Location"] == "/examiners/E0001#unavailability"
    [(_, start, end, reason)] = records(app)["unavailability"]
    assert (start, end, reason) == (date(2026, 4, 1), date(2026, 4, 3), "年假")
    page = text(client.get("/examiners/E0001"))
    assert "不可参加时段已保存。" in page and 'class="warning"' not in section(page)
    assert re.search(r"<td>2026-04-01</td><td>2026-04-03</td><td>年假</td>", section(page))
    assert (
        f"{role} 新增 不可参加时段：开始日期 2026-04-01；结束日期 2026-04-03；原因 年假"
        in (history(page)[0])
    )


@pytest.mark.parametrize(
    ("form", "field", "reason"),
    [
        ({"period_start": "", "period_end": "2026-03-03"}, "period_start", "不能为空"),
        ({"period_start": "2026-03-01", "period_end": ""}, "period_end", "不能为空"),
        ({"period_start": "下周一", "period_end": "2026-03-03"}, "period_start", "下周一"),
        ({"period_start": "2026-03-01", "period_end": "2026-13-01"}, "period_end", "2026-13-01"),
        (
            {"period_start": "2026-03-05", "period_end": "2026-03-01"},
            "period_end",
            "结束日期 2026-03-01 早于开始日期 2026-03-05",
        ),
        (
            {"period_start": "2026-03-01", "period_end": "2026-03-01", "period_reason": "长" * 201},
            "period_reason",
            "原因最多 200 个字",
        ),
    ],
)
def test_a_bad_period_is_explained_next_to_its_field(client, app, form, field, reason) -> None:
    client.login("planner")
    response = client.post(ADD, form)
    assert response.status_code == 200
    page = text(response)
    [shown] = errors_next_to(page, field)
    assert reason in shown
    assert records(app)["unavailability"] == []
    for name, value in form.items():  # what was typed is kept
        assert f'name="{name}"' in page and (not value or value in page)


def test_a_bad_date_is_not_also_called_missing(client, app) -> None:
    client.login("planner")
    page = text(client.post(ADD, {"period_start": "someday", "period_end": ""}))
    assert len(errors_next_to(page, "period_start")) == 1
    assert errors_next_to(page, "period_end") == ["不能为空"]


def test_the_reasons_are_in_english_for_an_english_planner(client, app) -> None:
    client.login("planner")
    client.post("/lang/en?next=/")
    page = text(client.post(ADD, {"period_start": "2026-03-05", "period_end": "2026-03-01"}))
    assert errors_next_to(page, "period_end") == [
        "the period ends on 2026-03-01, before it starts on 2026-03-05"
    ]


def test_a_period_on_a_panel_in_force_is_recorded_and_the_planner_told(client, app) -> None:
    seat(app)  # E0001 on S0001, 2026-03-02, still to come
    client.login("planner")
    response = client.post(ADD, ILL, follow_redirects=True)
    page = text(response)
    assert len(records(app)["unavailability"]) == 1  # allowed: an examiner can fall ill
    flashes = re.findall(r'<p class="flash">([^<]*)</p>', page)
    assert flashes[0] == "不可参加时段已保存。"
    assert "徐永明（E0001）" in flashes[1] and "S0001（2026-03-02）" in flashes[1]
    assert "缺员替补" in flashes[1] and "复核" in flashes[1]
    [warning] = re.findall(r'<div class="warning" role="alert">(.*?)</div>', section(page), re.S)
    assert "S0001（2026-03-02）" in warning
    link = re.search(r'href="([^"]+)">在缺员替补中替换', warning)
    assert link and link.group(1).startswith("/whatif?")
    query = link.group(1).replace("&amp;", "&")
    for part in ("examiner=E0001", "start=2026-03-01", "end=2026-03-03"):
        assert part in query
    assert client.get(query).status_code == 200  # a page the planner may open


def test_the_warning_is_in_english_for_an_english_planner(client, app) -> None:
    seat(app)
    client.login("planner")
    client.post("/lang/en?next=/")
    page = text(client.post(ADD, ILL, follow_redirects=True))
    [warning] = re.findall(r'<div class="warning" role="alert">(.*?)</div>', section(page), re.S)
    assert "S0001 (2026-03-02)" in warning and "What if" in warning


def test_held_sessions_need_no_replacement(client, app) -> None:
    client.login("planner")
    form = {"period_start": "2026-02-04", "period_end": "2026-02-04", "period_reason": "补记病假"}
    page = text(client.post(ADD, form, follow_redirects=True))
    assert 'class="warning"' not in section(page)  # H0003 was held that day
    assert len(re.findall(r'<p class="flash">', page)) == 1


def test_a_viewer_is_told_too_without_the_what_if_link(client, app) -> None:
    seat(app)
    client.login("planner")
    client.post(ADD, ILL)
    viewer = type(client)(app.test_client())
    viewer.login("viewer")
    shown = section(text(viewer.get("/examiners/E0001")))
    assert "S0001（2026-03-02）" in shown and "/whatif" not in shown


# --- removing ----------------------------------------------------------------------------------


def test_a_what_if_withdrawal_is_shown_with_its_source_and_removed(client, app) -> None:
    path = delete_path(app)
    client.login("planner")
    page = text(client.get("/examiners/E0001"))
    assert "缺员替补：退出场次 H0010" in section(page)
    assert "按此退出重排的方案保持不变" in section(page)  # confirmed first, and told
    response = client.post(path)
    assert response.status_code == 302
    assert records(app)["unavailability"] == []
    assert deletes(app, "unavailability") == [{"actor": "planner", "examiner_id": 1}]
    page = text(client.get("/examiners/E0001"))
    assert "不可参加时段已删除。" in page
    line = history(page)[0]
    assert "planner 删除 不可参加时段：开始日期 2026-02-13；结束日期 2026-02-13" in line
    assert "原因 退出；退出场次 H0010" in line
    assert "session_id" not in line and "examiner_id" not in line


# --- the change history, read by a planner -------------------------------------------------------


NEW = {
    "document_type": "resident_id",
    "document_number": "110105197503150022",
    "name": "王芳",
    "sex": "female",
    "grade": "senior",
    "organization": "常州刘国钧高等职业技术学校",
    "leader_eligible": "1",
    "status": "active",
    "max_sessions": "6",
    "occupation": "6-18-01-01",
    "top_level": "2",
}


def created(client) -> str:
    """Create 王芳 through the form; her detail page."""
    response = client.post("/examiners/new", NEW)
    assert response.status_code == 302
    return text(client.get(response.headers["Location"]))


def test_history_lines_name_fields_values_and_related_rows(client, app) -> None:
    client.login("planner")
    lines = history(created(client))
    [examiner] = [line for line in lines if "新增 考评人员信息" in line]
    for shown in (
        "姓名 王芳", "性别 女", "证件类型 居民身份证", "工作单位 常州刘国钧高等职业技术学校",
        "级别 高级考评员", "状态 在岗", "可任组长 是",
    ):  # fmt: skip
        assert shown in examiner, shown
    assert any("修改 考评人员信息：每期最多场次 ∅ → 6" in line for line in lines)
    [qualification] = [line for line in lines if "新增 考评职业资格" in line]
    assert qualification.endswith("考评职业（工种） 6-18-01-01 车工；最高考评等级 二级")
    code = re.search(r"编号 (K\d+)", examiner).group(1)
    assert client.post(f"/examiners/{code}/qualifications/{qualification_id(app, code)}/delete")
    removed = history(text(client.get(f"/examiners/{code}")))[0]
    assert "删除 考评职业资格：考评职业（工种） 6-18-01-01 车工；最高考评等级 二级" in removed
    for raw in ("_id", "max_sessions", "senior", "active", "female", "resident_id", "True"):
        assert all(raw not in line for line in [*lines, removed]), raw


def qualification_id(app, code: str) -> int:
    return records(app, code)["qualifications"]["6-18-01-01"]


def test_history_lines_are_in_english_for_an_english_planner(client, app) -> None:
    client.login("planner")
    client.post("/lang/en?next=/")
    lines = history(created(client))
    [examiner] = [line for line in lines if "added examiner" in line]
    for shown in (
        "sex female", "document type resident ID card", "grade senior examiner",
        "status active", "may lead a panel yes",
    ):  # fmt: skip
        assert shown in examiner, shown
    assert any("changed examiner: most sessions per term ∅ → 6" in line for line in lines)
    [qualification] = [line for line in lines if "added qualification" in line]
    assert qualification.endswith("occupation 6-18-01-01 车工; highest level 2")


def test_only_admins_read_whole_document_numbers_in_the_history(client, app) -> None:
    client.login("planner")
    page = created(client)
    number = NEW["document_number"]
    assert number not in page and "证件号码 110105********0022" in history(page)[-1]
    admin = type(client)(app.test_client())
    admin.login("admin")
    code = re.search(r"编号 (K\d+)", history(page)[-1]).group(1)
    assert f"证件号码 {number}" in history(text(admin.get(f"/examiners/{code}")))[-1]


def test_suspending_an_examiner_on_panels_in_force_names_the_sessions(client, app) -> None:
    client.login("planner")
    form = edit_form(app, status="suspended", status_reason="因病休养")
    page = text(client.post("/examiners/E0001/edit", form, follow_redirects=True))
    assert re.findall(r'<p class="flash">([^<]*)</p>', page) == ["考评人员 E0001 已保存。"]
    seat(app)  # E0001 on S0001, not held yet
    back = edit_form(app, status="active", status_reason="已康复")
    reply = text(client.post("/examiners/E0001/edit", back, follow_redirects=True))
    assert "状态 暂停 → 在岗" in " ".join(history(reply)), reply[:3000]
    page = text(client.post("/examiners/E0001/edit", form, follow_redirects=True))
    flashes = re.findall(r'<p class="flash">([^<]*)</p>', page)
    assert flashes[0] == "考评人员 E0001 已保存。"
    assert "已暂停" in flashes[1] and "S0001（2026-03-02）" in flashes[1]
    assert "缺员替补" in flashes[1]
    status = re.search(r'<dd id="status">(.*?)</dd>', page, re.S).group(1)
    assert "暂停" in status and "由 planner 操作，原因：因病休养" in status
    assert date.today().isoformat() in status
