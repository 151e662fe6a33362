"""Examiner pages: status and cap per term on the form; removing records on the detail page.

E0001 of the generated S data sits on the panels in force of two held sessions (H0003 on
2026-02-04 and H0010 on 2026-02-13, occupation 6-20-01-01): the records they rely on stay.
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
    row_errors,
    s_template,
    text,
)
from sqlalchemy import select

from data.sheets import write_examiners
from models import AuditEvent, Examiner
from models.base import ExaminerStatus


@pytest.fixture(scope="session")
def template(tmp_path_factory):
    """The generated S data set (40 examiners) with one user per role (made once)."""
    return s_template(tmp_path_factory.mktemp("examiner-records"))


def routes(app) -> list[str]:
    """The new record routes on E0001, with real record ids."""
    r = records(app)
    term = r["appointments"][0][0]
    return [
        f"/examiners/E0001/qualifications/{r['qualifications']['6-18-01-01']}/delete",
        f"/examiners/E0001/appointments/{term}/delete",
        f"/examiners/E0001/appointments/{term}/end",
        f"/examiners/E0001/certificates/{r['certificates'][0]}/delete",
    ]


# --- roles ---------------------------------------------------------------------------------


@pytest.mark.parametrize("index", range(4))
def test_anonymous_posts_are_sent_to_sign_in(client, app, index) -> None:
    client.refresh_token("/login")
    response = client.post(routes(app)[index], {"end": "2026-03-01"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("index", range(4))
def test_a_viewer_can_remove_nothing(client, app, index) -> None:
    client.login("viewer")
    before = records(app)
    assert client.post(routes(app)[index], {"end": "2026-03-01"}).status_code == 403
    assert records(app) == before


@pytest.mark.parametrize("index", range(4))
def test_a_removal_without_the_csrf_token_is_rejected(client, app, index) -> None:
    client.login("planner")
    before = records(app)
    response = client.client.post(routes(app)[index], data={"end": "2026-03-01"})
    assert response.status_code == 400
    assert records(app) == before


def test_a_viewer_sees_no_removal_and_cannot_set_the_status(client, app) -> None:
    client.login("viewer")
    page = text(client.get("/examiners/E0001"))
    assert "/delete" not in page and "/end" not in page
    response = client.post("/examiners/E0001/edit", edit_form(app, max_sessions="9"))
    assert response.status_code == 403 and records(app)["max_sessions"] == 2


def test_a_record_of_another_examiner_is_a_404(client, app) -> None:
    client.login("planner")
    qualification = records(app)["qualifications"]["6-18-01-01"]
    response = client.post(f"/examiners/E0002/qualifications/{qualification}/delete")
    assert response.status_code == 404
    assert "6-18-01-01" in records(app)["qualifications"]


# --- removing records ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["planner", "admin"])
def test_a_qualification_is_removed_and_the_history_says_so(client, app, role) -> None:
    client.login(role)
    page = text(client.get("/examiners/E0001"))
    assert "确定删除" in page and "在用考评小组依赖它时不能删除" in page  # confirmed first
    response = client.post(routes(app)[0])
    assert response.status_code == 302 and response.headers["Location"] == "/examiners/E0001"
    assert "6-18-01-01" not in records(app)["qualifications"]
    assert deletes(app, "qualifications") == [{"actor": role, "examiner_id": 1}]
    page = text(client.get("/examiners/E0001"))
    assert "考评职业资格已删除" in page
    assert f"{role} 删除 考评职业资格" in history(page)[0]


def test_records_a_panel_in_force_relies_on_are_kept_with_the_reason(client, app) -> None:
    client.login("planner")
    r = records(app)
    paths = [
        f"/examiners/E0001/qualifications/{r['qualifications']['6-20-01-01']}/delete",
        f"/examiners/E0001/appointments/{r['appointments'][0][0]}/delete",
        f"/examiners/E0001/certificates/{r['certificates'][0]}/delete",
    ]
    for path in paths:
        response = client.post(path)
        assert response.status_code == 200
        [reason] = row_errors(text(response), path)
        assert "H0003（2026-02-04）、H0010（2026-02-13）" in reason
        assert "缺员替补" in reason and "暂停" in reason
    assert records(app) == r
    assert deletes(app, "qualifications") == deletes(app, "appointments") == []


def test_the_refusal_is_in_english_for_an_english_planner(client, app) -> None:
    client.login("planner")
    client.post("/lang/en?next=/")
    path = f"/examiners/E0001/certificates/{records(app)['certificates'][0]}/delete"
    [reason] = row_errors(text(client.post(path)), path)
    assert "H0003 (2026-02-04), H0010 (2026-02-13)" in reason and "What if" in reason


def test_a_term_ends_early_but_not_before_its_last_panel_in_force(client, app) -> None:
    client.login("planner")
    path = routes(app)[2]
    [reason] = row_errors(text(client.post(path, {"end": "2026-02-10"})), path)
    assert "聘期不能改为 2026-02-10 结束" in reason and "H0010（2026-02-13）" in reason
    assert "H0003" not in reason
    response = client.post(path, {"end": "2026-03-01"})
    assert response.status_code == 302
    assert records(app)["appointments"][0][2] == date(2026, 3, 1)
    page = text(client.get("/examiners/E0001"))
    assert "聘期结束日已修改" in page and "修改 聘约" in page and "→ 2026-03-01" in page


def test_re_adding_a_term_with_an_earlier_end_is_checked_the_same_way(client, app) -> None:
    client.login("planner")
    before = records(app)
    term = {"appointment_start": "2023-08-12", "appointment_end": "2026-02-10"}
    page = text(client.post("/examiners/E0001/appointments", term))
    assert "聘期不能改为 2026-02-10 结束" in page and "H0010（2026-02-13）" in page
    assert records(app) == before
    term["appointment_end"] = "2026-03-31"
    assert client.post("/examiners/E0001/appointments", term).status_code == 302
    assert records(app)["appointments"][0][2] == date(2026, 3, 31)


@pytest.mark.parametrize(
    ("end", "reason"),
    [
        ("", "不能为空"),
        ("someday", "someday"),
        ("2020-01-01", "早于聘期开始"),
        ("2027-01-01", "超过 3 年"),
    ],
)
def test_a_bad_last_day_is_explained_next_to_it(client, app, end, reason) -> None:
    client.login("planner")
    before = records(app)
    path = routes(app)[2]
    response = client.post(path, {"end": end})
    assert response.status_code == 200
    assert reason in " ".join(row_errors(text(response), path))
    assert records(app) == before


def test_an_appointment_added_by_mistake_is_removed(client, app) -> None:
    client.login("planner")
    [(before, _, _)] = records(app)["appointments"]
    term = {"appointment_start": "2026-08-12", "appointment_end": "2027-08-11"}
    assert client.post("/examiners/E0001/appointments", term).status_code == 302
    added = records(app)["appointments"][-1][0]
    response = client.post(f"/examiners/E0001/appointments/{added}/delete")
    assert response.status_code == 302
    assert [a[0] for a in records(app)["appointments"]] == [before]
    assert deletes(app, "appointments") == [{"actor": "planner", "examiner_id": 1}]


def test_a_certificate_no_panel_relies_on_is_removed(client, app) -> None:
    client.login("planner")

    def seatless(session):
        from models import PanelSeat

        seated = set(session.scalars(select(PanelSeat.examiner_id)))
        examiners = session.scalars(select(Examiner).order_by(Examiner.code))
        e = next(e for e in examiners if e.id not in seated and e.certificates)
        return e.code, e.certificates[0].id

    code, certificate = in_db(app, seatless)
    response = client.post(f"/examiners/{code}/certificates/{certificate}/delete")
    assert response.status_code == 302
    assert certificate not in records(app, code)["certificates"]
    assert len(deletes(app, "certificates")) == 1


# --- status and cap per term on the form ----------------------------------------------------


def test_the_cap_per_term_is_saved_and_cleared(client, app) -> None:
    client.login("planner")
    assert 'name="max_sessions"' in text(client.get("/examiners/E0001/edit"))
    assert client.post("/examiners/E0001/edit", edit_form(app, max_sessions="5")).status_code == 302
    assert records(app)["max_sessions"] == 5
    page = text(client.get("/examiners/E0001"))
    assert "2 → 5" in page
    client.post("/examiners/E0001/edit", edit_form(app, max_sessions=""))
    assert records(app)["max_sessions"] is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [("0", "应为 1 至 999 之间的整数"), ("1000", "1 至 999"), ("三", "不是整数")],
)
def test_a_bad_cap_is_explained_next_to_it(client, app, value, reason) -> None:
    client.login("planner")
    response = client.post("/examiners/E0001/edit", edit_form(app, max_sessions=value))
    assert response.status_code == 200
    assert reason in errors_next_to(text(response), "max_sessions")[0]
    assert records(app)["max_sessions"] == 2


def test_suspending_needs_a_reason_and_is_recorded(client, app) -> None:
    client.login("planner")
    page = text(client.post("/examiners/E0001/edit", edit_form(app, status="suspended")))
    assert errors_next_to(page, "status_reason") == ["请写明原因"]
    assert records(app)["status"] == ExaminerStatus.ACTIVE
    form = edit_form(app, status="suspended", status_reason="因病休养")
    assert client.post("/examiners/E0001/edit", form).status_code == 302
    assert records(app)["status"] == ExaminerStatus.SUSPENDED
    suspended = select(AuditEvent.details).where(AuditEvent.action == "suspend_examiner")
    audited = in_db(app, lambda session: session.scalar(suspended))
    assert audited["reason"] == "因病休养"
    assert "状态 在岗 → 暂停" in history(text(client.get("/examiners/E0001")))[0]
    form = edit_form(app, status="active", status_reason="已康复")
    assert client.post("/examiners/E0001/edit", form).status_code == 302
    assert records(app)["status"] == ExaminerStatus.ACTIVE


def test_revocation_cannot_be_set_on_the_form(client, app) -> None:
    client.login("planner")
    page = text(client.get("/examiners/E0001/edit"))
    assert 'value="revoked"' not in page and 'value="suspended"' in page
    form = edit_form(app, status="revoked", status_reason="严重违纪")
    response = client.post("/examiners/E0001/edit", form)
    assert "须经发证单位审批" in errors_next_to(text(response), "status")[0]
    assert records(app)["status"] == ExaminerStatus.ACTIVE


def test_a_pending_revocation_shows_the_status_without_a_choice(client, app) -> None:
    def pending(session):
        e = session.scalar(select(Examiner).where(Examiner.code == "E0001"))
        e.status = ExaminerStatus.REVOCATION_PENDING

    in_db(app, pending)
    client.login("planner")
    page = text(client.get("/examiners/E0001/edit"))
    assert 'name="status"' not in page and "只能由取消资格的审批决定改变" in page
    assert (
        client.post("/examiners/E0001/edit", edit_form(app, phone="13905190000")).status_code == 302
    )
    response = client.post(
        "/examiners/E0001/edit", edit_form(app, status="active", status_reason="误会")
    )
    assert "“待取消资格”" in text(response)
    assert records(app)["status"] == ExaminerStatus.REVOCATION_PENDING


def test_a_new_examiner_may_start_suspended_with_a_cap(client, app) -> None:
    client.login("planner")
    page = text(client.get("/examiners/new"))
    assert re.search(r'<option value="active" selected>', page)
    values = {
        "document_type": "resident_id",
        "document_number": "110105197503150022",
        "name": "王芳",
        "sex": "female",
        "grade": "examiner",
        "status": "suspended",
        "status_reason": "待岗前培训",
        "max_sessions": "6",
    }
    response = client.post("/examiners/new", values)
    assert response.status_code == 302
    code = response.headers["Location"].rsplit("/", 1)[1]
    created = records(app, code)
    assert created["status"] == ExaminerStatus.SUSPENDED and created["max_sessions"] == 6


def test_the_reasons_are_in_english_for_an_english_planner(client, app) -> None:
    client.login("planner")
    client.post("/lang/en?next=/")
    form = edit_form(app, max_sessions="0", status="suspended")
    page = text(client.post("/examiners/E0001/edit", form))
    assert "from 1 to 999" in errors_next_to(page, "max_sessions")[0]
    assert errors_next_to(page, "status_reason") == ["a reason is required"]


def test_a_re_import_never_shortens_a_term_under_a_panel_in_force(client, app, tmp_path) -> None:
    def sheet(session):
        e = session.scalar(select(Examiner).where(Examiner.code == "E0001"))
        row = {
            "姓名": e.name, "性别": "男" if e.sex.value == "male" else "女",
            "身份证号码": e.document_number, "考评职业（工种）": "车工",
            "级别（考评员/高级考评员）": "高级考评员",
            "聘期开始": date(2023, 8, 12), "聘期结束": date(2026, 2, 10),
        }  # fmt: skip
        instance = {"institution": {"code": "3204005", "name": "常州测试评价机构"}}
        return write_examiners(tmp_path / "考评人员.xlsx", instance, rows=[row])

    path = in_db(app, sheet)
    client.login("planner")
    with path.open("rb") as stream:
        data = {"kind": "examiners", "file": (stream, path.name)}
        response = client.post("/examiners/import", data, content_type="multipart/form-data")
    page = text(response)  # the dry run tells the planner why
    assert "2023-08-12 起的聘期不能改为 2026-02-10 结束" in page
    assert "H0010（2026-02-13）" in page and "H0003" not in page
    token = re.search(r'name="token" value="([^"]+)"', page)
    if token:  # should the file be offered at all, importing it still keeps the term
        client.post("/examiners/import/confirm", {"token": token.group(1)})
    assert records(app)["appointments"][0][1:] == (date(2023, 8, 12), date(2026, 8, 11))
