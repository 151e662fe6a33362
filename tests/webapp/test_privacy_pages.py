"""What viewers may not recover or see, through every route that shows or searches it: the
examiner list and page, the API, the conflicts register; the institution's phone setting."""

from __future__ import annotations

import re

import pytest
from examinertools import in_db, s_template
from sqlalchemy import select
from webtools import Client

from models import Conflict, Examiner, Institution
from services.exports.layout import mask_phone

KINDS = ("亲属", "师生", "师徒", "其他利害关系")


@pytest.fixture(scope="session")
def template(tmp_path_factory):
    return s_template(tmp_path_factory.mktemp("privacy"))


def person(app, code: str = "E0007") -> tuple[str, str]:
    """The examiner's ID number and phone."""
    found = in_db(app, lambda s: s.scalar(select(Examiner).where(Examiner.code == code)))
    return found.document_number, found.phone


def signed_in(app, role: str) -> Client:
    client = Client(app.test_client())
    client.login(role)
    return client


def listed(client, query: str) -> list[str]:
    page = client.get(f"/examiners?{query}").get_data(as_text=True)
    return re.findall(r'href="/examiners/(E\d+)">E\d+<', page)


def api_codes(client, query: str) -> list[str]:
    return [e["code"] for e in client.get(f"/api/examiners?{query}").get_json()["items"]]


@pytest.mark.parametrize("role", ["viewer", "planner", "admin"])
def test_the_list_finds_hidden_id_digits_for_admins_only(client, app, role) -> None:
    client.login(role)
    number, _ = person(app)
    probes = [number[6:14], number[4:10], number[11:16], number]  # each spans hidden digits
    for probe in probes:
        assert ("E0007" in listed(client, f"q={probe}")) == (role == "admin"), probe
    assert "E0007" in listed(client, f"q={number[-4:]}")  # what everyone sees


def test_viewers_search_phones_only_in_the_digits_they_see(client, app) -> None:
    client.login("viewer")
    _, phone = person(app)
    assert "E0007" not in listed(client, f"q={phone[3:9]}")
    assert "E0007" in listed(client, f"q={phone[-4:]}")
    client.login("planner")
    assert "E0007" in listed(client, f"q={phone[3:9]}")


@pytest.mark.parametrize("wildcard", ["%25", "_", "%25%25", "__"])
def test_wildcards_match_themselves_not_everything(client, wildcard) -> None:
    client.login("admin")
    assert listed(client, f"q={wildcard}") == []
    assert api_codes(client, f"q={wildcard}") == []
    page = client.get(f"/records/conflicts?q={wildcard}").get_data(as_text=True)
    assert "共 0 条回避关系符合条件" in page


def test_viewers_see_phones_masked_until_an_admin_allows_them(app) -> None:
    _, phone = person(app, "E0001")
    viewer, admin = signed_in(app, "viewer"), signed_in(app, "admin")
    page = viewer.get("/examiners/E0001").get_data(as_text=True)
    assert phone not in page and mask_phone(phone) in page
    assert viewer.get("/api/examiners/E0001").get_json()["phone"] == mask_phone(phone)
    assert viewer.post("/records/policy/privacy", {"viewers_see_phones": "1"}).status_code == 403
    assert phone in admin.get("/examiners/E0001").get_data(as_text=True)
    assert "viewers_see_phones" in admin.get("/records/policy").get_data(as_text=True)
    response = admin.post("/records/policy/privacy", {"viewers_see_phones": "1"})
    assert response.status_code == 302
    assert in_db(app, lambda s: s.scalar(select(Institution.viewers_see_phones)))
    assert phone in viewer.get("/examiners/E0001").get_data(as_text=True)
    assert viewer.get("/api/examiners/E0001").get_json()["phone"] == phone
    admin.post("/records/policy/privacy", {})
    assert not in_db(app, lambda s: s.scalar(select(Institution.viewers_see_phones)))
    assert phone not in viewer.get("/examiners/E0001").get_data(as_text=True)


def test_viewers_see_who_has_a_conflict_not_its_kind_nor_note(app) -> None:
    def first(session):
        found = session.scalars(select(Conflict).order_by(Conflict.declared_on.desc())).first()
        found.note = "表兄弟"
        return found.examiner.code

    code = in_db(app, first)
    page = signed_in(app, "planner").get("/records/conflicts").get_data(as_text=True)
    assert any(kind in page for kind in KINDS) and "表兄弟" in page
    viewer = signed_in(app, "viewer")
    for path in ("/records/conflicts", f"/examiners/{code}"):
        page = viewer.get(path).get_data(as_text=True)
        assert code in page and "回避关系" in page
        assert not any(kind in page for kind in KINDS) and "表兄弟" not in page, path
