"""Every records route × role: who may read, who may change, CSRF on every change."""

from __future__ import annotations

import pytest
from recordtools import one, records_template_path
from sqlalchemy import func, select

from models import AuditEvent, ExaminerWarning

READ = [  # (path, minimum role)
    ("/", "viewer"),
    ("/dashboard", "viewer"),
    ("/records/", "viewer"),
    ("/records/sessions", "viewer"),
    ("/records/sessions?from=2026-02-01&to=2026-03-01&level=3&status=held&venue=1", "viewer"),
    ("/records/sessions/1", "viewer"),
    ("/records/venues", "viewer"),
    ("/records/venues/new", "planner"),
    ("/records/venues/1/edit", "planner"),
    ("/records/sessions/new", "planner"),
    ("/records/sessions/1/edit", "planner"),
    ("/records/occupations", "viewer"),
    ("/records/occupations/new", "deployment"),
    ("/records/occupations/1/edit", "deployment"),
    ("/records/conflicts", "viewer"),
    ("/records/warnings", "viewer"),
    ("/records/revocations", "viewer"),
    ("/records/refusals", "viewer"),
    ("/records/appointments", "viewer"),
    ("/records/reviews?year=2026", "viewer"),
    ("/records/training-plans", "viewer"),
    ("/records/filing-batches", "viewer"),
    ("/records/policy", "viewer"),
    ("/records/users", "admin"),
]
CHANGE = [  # (path, minimum role)
    ("/records/venues/new", "planner"),
    ("/records/venues/1/edit", "planner"),
    ("/records/sessions/new", "planner"),
    ("/records/sessions/1/edit", "planner"),
    ("/records/sessions/1/cancel", "planner"),
    ("/records/sessions/1/restore", "planner"),
    ("/records/occupations/new", "deployment"),
    ("/records/occupations/1/edit", "deployment"),
    ("/records/conflicts", "planner"),
    ("/records/warnings", "planner"),
    ("/records/refusals", "planner"),
    ("/records/reviews/compute", "planner"),
    ("/records/training-plans", "planner"),
    ("/records/training-plans/1/file", "planner"),
    ("/records/filing-batches", "planner"),
    ("/records/filing-batches/1/accept", "planner"),
    ("/dashboard/alerts/1/acknowledge", "planner"),
    ("/dashboard/alerts/1/resolve", "planner"),
    ("/records/revocations/1/decide", "admin"),
    ("/records/refusals/1/warn", "admin"),
    ("/records/refusals/1/dismiss", "admin"),
    ("/records/reviews/1/decide", "admin"),
    ("/records/users", "admin"),
    ("/records/users/1/deactivate", "admin"),
    ("/records/policy", "admin"),
]
# "deployment": a deployment admin's (the catalogue every institution shares), no role's.
RANK = {"viewer": 0, "planner": 1, "admin": 2, "deployment": 3}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return records_template_path(tmp_path_factory)


@pytest.mark.parametrize("role", ["viewer", "planner", "admin"])
def test_each_page_opens_for_its_roles_and_is_forbidden_below(site, role) -> None:
    _, client = site
    client.login(role)
    for path, minimum in READ:
        status = client.get(path).status_code
        assert status == (200 if RANK[role] >= RANK[minimum] else 403), (path, role)


def test_anonymous_visitors_are_sent_to_sign_in(site) -> None:
    _, client = site
    for path, _minimum in READ + CHANGE:
        response = client.client.get(path) if (path, _minimum) in READ else client.post(path)
        assert response.status_code in (302, 400), path
        if response.status_code == 302:
            assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["viewer", "planner", "admin"])
def test_changes_below_the_role_are_forbidden_and_write_nothing(site, role) -> None:
    app, client = site
    client.login(role)
    before = one(app, select(func.count()).select_from(AuditEvent))
    data = {"examiner": "E001", "issued_on": "2026-11-01", "reason": "x", "min_panel_size": "5"}
    for path, minimum in CHANGE:
        if RANK[role] < RANK[minimum]:
            assert client.post(path, data).status_code == 403, (path, role)
    assert one(app, select(func.count()).select_from(AuditEvent)) == before
    if role == "viewer":
        assert one(app, select(func.count()).select_from(ExaminerWarning)) == 0


def test_allowed_changes_never_fail_on_empty_forms(site) -> None:
    _, client = site
    client.login("admin")
    for path, minimum in CHANGE:
        expected = (403,) if minimum == "deployment" else (200, 302, 404)
        assert client.post(path).status_code in expected, path


def test_every_change_needs_the_csrf_token(site) -> None:
    app, client = site
    client.login("admin")
    for path, _minimum in CHANGE:
        response = client.client.post(path, data={"examiner": "E001", "reason": "x"})
        assert response.status_code == 400, path
        assert "请求未被接受" in response.get_data(as_text=True)
    assert one(app, select(func.count()).select_from(ExaminerWarning)) == 0
