"""The occupation catalogue is every institution's: no institution's planner or admin changes
it, a deployment admin does, and each change is audited with its history (issue 13, 4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from webtools import Client, database, make_deployment_admin

from models import AuditEvent, Change, Institution, Occupation
from services.institution.users import create_user

OTHER = {"b.planner": "planner", "b.admin": "admin"}
PASSWORD = "other-pass-1"


@pytest.fixture
def two(app):
    """The template's institution A (with occupation 1) and institution B with its users."""
    with database(app) as db:
        home = db.scalars(select(Institution)).one()
        db.add(Occupation(code="6-31-01-03", name="电工", edition="2022"))
        other = Institution(code="3204099", name="另一评价机构")
        db.add(other)
        db.flush()
        for name, role in OTHER.items():
            create_user(db, other, name, role, PASSWORD)
        db.commit()
        ident = db.scalars(select(Occupation.id)).one()
        assert home.id != other.id
    return app, ident


def signed_in(app, username: str, password: str | None = None) -> Client:
    client = Client(app.test_client())
    assert client.login(username, password).status_code == 302
    return client


def stored(app, ident: int) -> tuple[str, int]:
    with database(app) as db:
        found = db.get_one(Occupation, ident)
        return found.name, found.candidates_per_examiner


@pytest.mark.parametrize("username", sorted(OTHER))
def test_another_institution_cannot_change_the_shared_catalogue(two, username) -> None:
    app, ident = two
    client = signed_in(app, username, PASSWORD)
    change = {"occupation_name": "被改名", "candidates_per_examiner": "1"}
    assert client.post(f"/records/occupations/{ident}/edit", change).status_code == 403
    new = {"occupation_code": "6-31-09-09", "occupation_name": "新工种"}
    assert client.post("/records/occupations/new", new).status_code == 403
    assert client.get(f"/records/occupations/{ident}/edit").status_code == 403
    assert stored(app, ident) == ("电工", 5)
    page = client.get("/records/occupations").get_data(as_text=True)
    assert "电工" in page and "/edit" not in page and "只有系统管理员" in page


def test_another_institution_cannot_import_into_the_catalogue(two, tmp_path: Path) -> None:
    app, ident = two
    client = signed_in(app, "b.admin", PASSWORD)
    sheet = tmp_path / "职业目录.csv"
    sheet.write_text("职业编码,职业（工种）名称,每名考评员对应考生数\n6-31-01-03,改掉,1\n")
    with sheet.open("rb") as stream:
        data = {"kind": "occupations", "file": (stream, sheet.name)}
        response = client.post("/examiners/import", data, content_type="multipart/form-data")
    assert response.status_code == 403
    assert stored(app, ident) == ("电工", 5)


def test_a_deployment_admin_changes_it_with_an_audit_event_and_history(two) -> None:
    app, ident = two
    make_deployment_admin(app, "admin")
    client = signed_in(app, "admin")
    assert "/edit" in client.get("/records/occupations").get_data(as_text=True)
    change = {"occupation_name": "电工（改）", "candidates_per_examiner": "4"}
    assert client.post(f"/records/occupations/{ident}/edit", change).status_code == 302
    assert stored(app, ident) == ("电工（改）", 4)
    with database(app) as db:
        events = db.scalars(select(AuditEvent).where(AuditEvent.subject == "6-31-01-03 (2022)"))
        found = {e.action: (e.actor, e.details) for e in events}
        history = [
            (h.action, h.actor, h.entity_id, h.changes)
            for h in db.scalars(select(Change).where(Change.entity == "occupations"))
        ]
    assert found["rename_occupation"] == ("admin", {"old": "电工", "new": "电工（改）"})
    assert found["change_occupation_ratio"] == ("admin", {"old": 5, "new": 4})
    assert [h[1:] for h in history if h[0] == "update"] == [
        ("admin", ident, {"name": ["电工", "电工（改）"], "candidates_per_examiner": [5, 4]})
    ]
