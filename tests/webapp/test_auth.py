"""Signing in and out, roles, CSRF, cookies, language, error pages."""

from __future__ import annotations

import pytest
from webtools import PASSWORDS


def test_every_page_needs_a_signed_in_user(client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("role", "label"), [("admin", "管理员"), ("planner", "计划员"), ("viewer", "查看")]
)
def test_each_role_signs_in_and_sees_its_role_in_chinese(client, role, label) -> None:
    assert client.login(role).status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert f"{role}用户" in page and label in page and "退出" in page


def test_a_wrong_password_is_refused_without_saying_whether_the_name_exists(client) -> None:
    for name in ("planner", "nobody"):
        page = client.login(name, "wrong-password").get_data(as_text=True)
        assert "用户名或密码不正确" in page


def test_sign_in_is_locked_after_repeated_failures_even_with_the_right_password(client) -> None:
    for _ in range(5):
        client.login("viewer", "wrong-password")
    page = client.login("viewer", PASSWORDS["viewer"]).get_data(as_text=True)
    assert "登录失败次数过多" in page
    assert client.get("/").status_code == 302  # still not signed in


def test_a_form_without_the_csrf_token_is_rejected(client) -> None:
    client.login("planner")
    response = client.client.post("/logout")  # no token
    assert response.status_code == 400
    assert "请求未被接受" in response.get_data(as_text=True)
    assert client.post("/logout").status_code == 302


def test_session_cookie_is_http_only_and_same_site(client) -> None:
    client.refresh_token("/login")
    client.client.post(
        "/login",
        data={"username": "admin", "password": PASSWORDS["admin"], "csrf_token": client.token},
    )
    cookie = client.client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_english_is_one_click_away(client) -> None:
    client.login("planner")
    client.post("/lang/en?next=/")
    page = client.get("/").get_data(as_text=True)
    assert "Sign out" in page and "planner" in page and "退出" not in page


def test_an_unknown_page_is_a_planner_facing_404(client) -> None:
    client.login("viewer")
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)


def test_signing_in_is_recorded(client, app) -> None:
    from sqlalchemy import select

    from models import AuditEvent

    client.login("admin")
    with app.app_context():
        from webapp.database import db

        actions = db().scalars(select(AuditEvent.action)).all()
    assert "login" in actions


def test_an_oversized_upload_is_refused_with_a_reason(client) -> None:
    client.login("planner")
    big = b"x" * (21 * 1024 * 1024)
    response = client.client.post("/login", data=big, content_type="application/octet-stream")
    assert response.status_code == 413
    assert "文件过大" in response.get_data(as_text=True)
