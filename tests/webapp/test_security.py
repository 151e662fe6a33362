"""Security headers, the same-site `next`, sessions that end on sign-out (issue 13: 5, 13, 14)."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from webtools import PASSWORDS, Client, database

from models import User
from services.institution.users import set_password
from webapp.security import same_site_path

OFF_SITE = [
    "//evil.example/phish",
    "/\t/evil.example/phish",
    "/%09/evil.example/phish",  # decoded by the query string parser into the line above
    "/\\evil.example",
    "\\\\evil.example",
    "/\n/evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "evil.example",
    " /",
    "",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_next_is_refused_unless_a_path_on_this_site(target) -> None:
    assert same_site_path(unquote(target)) is None


@pytest.mark.parametrize("target", ["/", "/examiners?page=2", "/plans/1#loads", "/考评"])
def test_next_is_kept_when_a_path_on_this_site(target) -> None:
    assert same_site_path(target) == target


def test_sign_in_never_sends_the_planner_to_another_site(client) -> None:
    client.refresh_token("/login")
    data = {"username": "planner", "password": PASSWORDS["planner"], "csrf_token": client.token}
    response = client.client.post("/login?next=%2F%09%2Fevil.example%2Fphish", data=data)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    client.refresh_token("/")
    response = client.post("/lang/en?next=%2F%09%2Fevil.example%2Fphish")
    assert response.headers["Location"] == "/"
    response = client.post("/lang/zh?next=%2Fexaminers%3Fpage%3D2")
    assert response.headers["Location"] == "/examiners?page=2"


@pytest.mark.parametrize("path", ["/login", "/", "/api/session", "/static/app.css", "/nowhere"])
def test_every_response_carries_the_security_headers(planner, path) -> None:
    response = planner.get(path)
    response.close()  # a static file's response holds the file open
    headers = response.headers
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    policy = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "Strict-Transport-Security" not in headers  # only when cookies are https-only


def test_a_session_cookie_replayed_after_sign_out_is_refused(app) -> None:
    browser = Client(app.test_client())
    browser.login("planner")
    assert browser.get("/api/session").status_code == 200
    stolen = browser.client.get_cookie("session")
    assert stolen is not None
    assert browser.post("/logout").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", stolen.value)
    assert thief.get("/api/session").status_code == 302  # to sign in
    assert thief.get("/").status_code == 302  # to the sign-in page
    again = Client(app.test_client())
    assert again.login("planner").status_code == 302  # signing in again works
    assert again.get("/api/session").status_code == 200


def test_a_password_change_ends_every_session_of_that_user(app) -> None:
    planner, viewer = Client(app.test_client()), Client(app.test_client())
    planner.login("planner")
    viewer.login("viewer")
    with database(app) as db:
        user = db.query(User).filter_by(username="planner").one()
        set_password(db, user, "new-planner-pass")
        db.commit()
    assert planner.get("/api/session").status_code == 302  # to sign in
    assert viewer.get("/api/session").status_code == 200  # another user's session stays
    assert Client(app.test_client()).login("planner", "new-planner-pass").status_code == 302


def test_a_cookie_from_before_session_versions_loads_nobody(app) -> None:
    browser = Client(app.test_client())
    browser.login("planner")
    with browser.client.session_transaction() as session:
        session["_user_id"] = session["_user_id"].split(".")[0]  # the old "id" form
    assert browser.get("/api/session").status_code == 302  # to sign in
