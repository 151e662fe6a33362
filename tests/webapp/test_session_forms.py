"""Venues and sessions by hand: the forms × roles, CSRF, each problem next to its field, duplicates
and held sessions refused, cancel and restore, the published-plan notice, audit rows.

The template is the generated S term with v1 published: S0001… are planned and staffed by v1's
panels in force, H0001… were held; venues V01–V04.
"""

from __future__ import annotations

import pytest
from edittools import published_template
from examinertools import errors_next_to, text
from recordtools import one, query
from sqlalchemy import func, select

from models import AssessmentSession, AuditEvent, Change, Venue
from models.base import SessionStatus

RANK = {"viewer": 0, "planner": 1, "admin": 2}
SESSION = {"code": "S9001", "venue": "V01", "occupation": "6-18-01-01", "level": "3",
           "start": "2026-05-04T08:30", "end": "2026-05-04T11:30", "candidate_count": "12"}  # fmt: skip
VENUE = {"code": "V09", "name": "金坛考点", "organization": "金坛职业教育中心", "address": "金坛区"}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return published_template(tmp_path_factory.mktemp("session-forms") / "published.db")


def ident(app, code: str) -> int:
    return one(app, select(AssessmentSession.id).where(AssessmentSession.code == code))


def audits(app, action: str) -> list[tuple[str, dict]]:
    rows = query(app, select(AuditEvent.subject, AuditEvent.details).where(
        AuditEvent.action == action).order_by(AuditEvent.id))  # fmt: skip
    return [(subject, details) for subject, details in rows]


def count(app, model, *where) -> int:
    return one(app, select(func.count()).select_from(model).where(*where))


def written(app) -> tuple[int, int]:
    """How many audit events (sign-ins aside) and change history rows there are."""
    return count(app, AuditEvent, AuditEvent.action != "login"), count(app, Change)


def pages(app) -> tuple[list[str], list[str]]:
    """(forms to open, actions to post) of the session S0001 and venue V01."""
    s, v = ident(app, "S0001"), one(app, select(Venue.id).where(Venue.code == "V01"))
    opened = ["/records/sessions/new", f"/records/sessions/{s}/edit", "/records/venues/new",
              f"/records/venues/{v}/edit"]  # fmt: skip
    return opened, [*opened, f"/records/sessions/{s}/cancel", f"/records/sessions/{s}/restore"]


@pytest.mark.parametrize("role", ["viewer", "planner", "admin"])
def test_the_forms_open_for_planners_and_are_forbidden_below(site, role) -> None:
    app, client = site
    client.login(role)
    opened, _ = pages(app)
    for path in opened:
        assert client.get(path).status_code == (200 if RANK[role] >= 1 else 403), (path, role)
    for path in (
        "/records/sessions",
        "/records/venues",
        f"/records/sessions/{ident(app, 'S0001')}",
    ):
        page = text(client.get(path))
        assert ("/new" in page or "/edit" in page) == (role != "viewer"), (path, role)


def test_anonymous_visitors_are_sent_to_sign_in(site) -> None:
    app, client = site
    opened, posted = pages(app)
    for path in opened:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    for path in posted:
        assert client.post(path, SESSION).status_code in (302, 400), path


def test_viewers_change_nothing_and_every_change_needs_the_csrf_token(site) -> None:
    app, client = site
    _, posted = pages(app)
    before = written(app)
    client.login("viewer")
    for path in posted:
        assert client.post(path, SESSION | {"reason": "x"}).status_code == 403, path
    client.login("planner")
    for path in posted:
        response = client.client.post(path, data=SESSION | VENUE | {"reason": "x"})
        assert response.status_code == 400 and "请求未被接受" in text(response), path
    assert written(app) == before


def test_a_venue_is_added_and_edited_each_problem_next_to_its_field(site) -> None:
    app, client = site
    client.login("planner")
    page = text(client.post("/records/venues/new", VENUE | {"name": "", "organization": " "}))
    assert errors_next_to(page, "name") == ["不能为空"]
    assert (
        errors_next_to(page, "organization") == ["不能为空"] and errors_next_to(page, "code") == []
    )
    page = text(client.post("/records/venues/new", VENUE | {"code": "V01"}))
    assert errors_next_to(page, "code") == [
        "考点编号 V01 已被考点“常州刘国钧高等职业技术学校考点”使用"
    ]
    assert count(app, Venue, Venue.code == "V09") == 0
    response = client.post("/records/venues/new", VENUE)
    assert response.status_code == 302 and response.headers["Location"].endswith("/records/venues")
    listed = text(client.get("/records/venues"))
    assert "金坛考点" in listed and "金坛职业教育中心" in listed and "已保存" in listed
    venue = one(app, select(Venue.id).where(Venue.code == "V09"))
    page = text(
        client.post(f"/records/venues/{venue}/edit", VENUE | {"name": "常州交通技师学院考点"})
    )
    assert "已有名为“常州交通技师学院考点”的考点（编号 V03）" in errors_next_to(page, "name")
    client.post(f"/records/venues/{venue}/edit", VENUE | {"address": "金坛区东门大街 1 号"})
    assert [s for s, _ in audits(app, "create_venue")] == ["V09"]
    (_, details), = audits(app, "edit_venue")  # fmt: skip
    assert details["changes"] == {"address": ["金坛区", "金坛区东门大街 1 号"]}


def test_a_new_owner_of_a_staffed_venue_is_said_to_be_rechecked(site) -> None:
    app, client = site
    client.login("planner")
    venue = one(app, select(Venue.id).where(Venue.code == "V01"))
    client.client.set_cookie("lang", "en")
    values = {"code": "V01", "name": "常州刘国钧高等职业技术学校考点", "organization": "新东家"}
    page = text(client.post(f"/records/venues/{venue}/edit", values, follow_redirects=True))
    assert "published plan v1" in page and "re-checks recusal (H4)" in page


def test_a_session_is_added_with_the_import_checks_next_to_each_field(site) -> None:
    app, client = site
    client.login("planner")
    bad = SESSION | {"code": "S0001", "venue": "", "level": "六级", "start": "2026-05-04T12:00",
                     "candidate_count": "-1", "panel_size": "2"}  # fmt: skip
    page = text(client.post("/records/sessions/new", bad))
    assert errors_next_to(page, "code")[0].startswith("场次编号 S0001 已被使用")
    assert errors_next_to(page, "venue") == ["不能为空"]
    assert "不是级别" in errors_next_to(page, "level")[0]
    assert "不晚于开始时间" in errors_next_to(page, "end")[0]
    assert errors_next_to(page, "candidate_count") == ["“-1”应为不小于 0 的整数"]
    assert errors_next_to(page, "panel_size") == ["“2”应为不小于 3 的整数"]
    assert errors_next_to(page, "start") == [] and audits(app, "create_session") == []
    response = client.post("/records/sessions/new", SESSION)
    created = ident(app, "S9001")
    assert response.headers["Location"].endswith(f"/records/sessions/{created}")
    page = text(client.get(response.headers["Location"]))
    assert "场次 S9001 已保存" in page and "2026-05-04 08:30–11:30" in page
    assert [s for s, _ in audits(app, "create_session")] == ["S9001"]
    assert count(app, Change, Change.entity == "sessions", Change.action == "insert") == 1


def test_editing_a_staffed_session_says_the_plan_is_rechecked_and_where_to_go(site) -> None:
    app, client = site
    client.login("planner")
    s = ident(app, "S0001")
    form = text(client.get(f"/records/sessions/{s}/edit"))
    assert "已发布的方案 v1" in form and 'href="/whatif"' in form and 'href="/plans/new"' in form
    assert 'value="2026-03-02T' in form
    values = {k: v for k, v in _filled(form).items()} | {"start": "2026-03-02T14:00",
                                                          "end": "2026-03-02T17:00"}  # fmt: skip
    page = text(client.post(f"/records/sessions/{s}/edit", values, follow_redirects=True))
    assert "场次 S0001 已保存" in page and "工作台的复核将按修改后的场次重新检查该方案" in page
    assert "缺员替补" in page and "2026-03-02 14:00–17:00" in page
    (subject, details), = audits(app, "edit_session")  # fmt: skip
    assert subject == "S0001" and details["changes"]["start"][1] == "2026-03-02T14:00:00"
    again = text(client.post(f"/records/sessions/{s}/edit", values, follow_redirects=True))
    assert "没有改动" in again or "Nothing changed" in again
    assert len(audits(app, "edit_session")) == 1


def _filled(form: str) -> dict[str, str]:
    """The values the edit form shows (inputs and selected options)."""
    import re

    values = dict(re.findall(r'<input name="(\w+)" type="[\w-]+" value="([^"]*)"', form))
    for name, body in re.findall(r'<select name="(\w+)">(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        values[name] = chosen.group(1) if chosen else ""
    return values


def test_a_held_session_cannot_be_edited_or_cancelled(site) -> None:
    app, client = site
    client.login("planner")
    h, before = ident(app, "H0001"), written(app)
    page = text(client.get(f"/records/sessions/{h}/edit", follow_redirects=True))
    assert "场次 H0001 已举行，不能再修改" in page and f"/records/sessions/{h}/edit" not in page
    for action in ("edit", "cancel", "restore"):
        response = client.post(f"/records/sessions/{h}/{action}", SESSION | {"reason": "x"})
        assert response.status_code == 302, action
    assert one(app, select(AssessmentSession.status).where(AssessmentSession.id == h)) == (
        SessionStatus.HELD
    )
    assert written(app) == before


def test_a_session_is_cancelled_with_a_reason_and_restored(site) -> None:
    app, client = site
    client.login("planner")
    s = ident(app, "S0002")
    page = text(client.post(f"/records/sessions/{s}/cancel", {"reason": " "}))
    assert errors_next_to(page, "reason") == ["请写明取消原因"]
    page = text(client.post(f"/records/sessions/{s}/cancel", {"reason": "考点停电"},
                            follow_redirects=True))  # fmt: skip
    assert "场次 S0002 已取消" in page and "考点停电" in page and "请通知该小组的考评人员" in page
    assert "planner" in page and f"/records/sessions/{s}/restore" in page
    status = select(AssessmentSession.status).where(AssessmentSession.id == s)
    assert one(app, status) == SessionStatus.CANCELLED
    page = text(client.post(f"/records/sessions/{s}/restore", follow_redirects=True))
    assert one(app, status) == SessionStatus.PLANNED and "重新生效" in page
    assert [d["reason"] for _, d in audits(app, "cancel_session")] == ["考点停电"]
    assert [s for s, _ in audits(app, "restore_session")] == ["S0002"]
