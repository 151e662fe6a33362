"""The dashboard: what needs attention, and acknowledging / resolving alerts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from recordtools import one, records_template_path
from sqlalchemy import select

from models import Alert, Appointment, AssessmentSession, Examiner, Institution
from models.alerts import AlertKind, AlertState
from models.base import LOCAL
from services.alerts.dashboard import UNSTAFFED_WEEKS
from services.institution.scheduler_state import beat
from webapp.main import views as main_views


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return records_template_path(tmp_path_factory)


def write(app, work) -> None:
    """Run `work(session)` against the app's database and commit."""
    from webapp.database import db

    with app.app_context():
        work(db())
        db().commit()


def needs_attention(session) -> None:
    """A session next week without a panel, an appointment ending in 20 days, a bad plan."""
    institution = session.scalar(select(Institution))
    template = session.scalar(select(AssessmentSession).limit(1))
    start = datetime.now().replace(hour=8, minute=30, second=0, microsecond=0) + timedelta(days=7)
    session.add(AssessmentSession(
        institution_id=institution.id, code="NEXT-WEEK", venue_id=template.venue_id,
        occupation_id=template.occupation_id, level=template.level, start=start,
        end=start + timedelta(hours=3),
    ))  # fmt: skip
    examiner = session.scalar(select(Examiner).order_by(Examiner.code).limit(1))
    for appointment in session.scalars(
        select(Appointment).where(Appointment.examiner_id == examiner.id)
    ):
        appointment.end = min(appointment.end, start.date() + timedelta(days=13))
        appointment.start = min(appointment.start, appointment.end)
    params = {"version": 3, "sessions": ["S001"],
              "findings": [{"text": {"zh": "场次 S001 组长不合格", "en": "S001: leader not eligible"}}]}  # fmt: skip
    session.add(Alert(institution_id=institution.id, kind=AlertKind.PLAN_INVALID, subject_id=1,
                      live_key="plan_invalid:1", params=params))  # fmt: skip


def test_the_start_page_is_the_dashboard_and_says_what_needs_attention(site) -> None:
    app, client = site
    write(app, needs_attention)
    client.login("viewer")
    page = client.get("/").get_data(as_text=True)
    assert (
        page.split("<main>")[1]
        == client.get("/dashboard").get_data(as_text=True).split("<main>")[1]
    )
    assert "欢迎" in page and "未运行" in page  # no scheduler beat
    assert f"未来 {UNSTAFFED_WEEKS} 周内" in page and "NEXT-WEEK" in page
    code = one(app, select(Examiner.code).order_by(Examiner.code).limit(1))
    ending = page.split('id="expiring"')[1].split("</section>")[0]
    ended = page.split('id="expired"')[1].split("</section>")[0]
    assert code in ending + ended
    assert "已过期" not in ending and "剩余天数" in ending
    tiles = page.split('id="attention"')[1].split("<section")[0]
    assert 'href="#expiring"' in tiles and 'href="#expired"' in tiles
    assert "已发布方案 v3 不再符合规则" in page and "组长不合格" in page
    assert "知悉" not in page  # a viewer cannot acknowledge


def test_the_scheduler_shows_as_running_while_it_beats(site) -> None:
    app, client = site
    write(app, lambda s: beat(s, datetime.now(UTC), "host:1"))
    client.login("viewer")
    assert "运行中" in client.get("/dashboard").get_data(as_text=True)


def test_pending_revocations_are_listed(site) -> None:
    app, client = site
    code = one(app, select(Examiner.code).order_by(Examiner.code).limit(1))
    client.login("planner")
    client.post("/records/warnings", {"examiner": code, "issued_on": "2026-11-01",
                "reason": "严重违纪", "serious": "1"})  # fmt: skip
    section = client.get("/dashboard").get_data(as_text=True).split('id="revocations"')[1]
    assert code in section.split("</section>")[0]


def test_planners_acknowledge_and_resolve_alerts_viewers_may_not(site) -> None:
    app, client = site
    write(app, needs_attention)
    ident = one(app, select(Alert.id))
    client.login("viewer")
    assert client.post(f"/dashboard/alerts/{ident}/acknowledge").status_code == 403
    client.login("planner")
    assert client.client.post(f"/dashboard/alerts/{ident}/resolve").status_code == 400  # no CSRF
    client.post(f"/dashboard/alerts/{ident}/acknowledge")
    assert one(app, select(Alert.state)) == AlertState.ACKNOWLEDGED
    assert one(app, select(Alert.acknowledged_by)) == "planner"
    client.post(f"/dashboard/alerts/{ident}/resolve")
    assert one(app, select(Alert.state)) == AlertState.RESOLVED
    # An unknown alert, like another institution's, is not found (tests/webapp/test_tenancy_routes.py).
    assert client.post("/dashboard/alerts/999/resolve").status_code == 404


def three_alerts_and_expiries(session) -> None:
    """Every appointment ends in 20 days; three plain alerts."""
    institution = session.scalar(select(Institution))
    soon = datetime.now(LOCAL).date() + timedelta(days=20)
    for appointment in session.scalars(select(Appointment)):
        appointment.end = soon
        appointment.start = min(appointment.start, soon)
    for k in range(3):
        session.add(Alert(institution_id=institution.id, kind=AlertKind.CERTIFICATE_EXPIRING,
                          subject_id=100 + k, live_key=f"certificate_expiring:{100 + k}",
                          params={"code": f"X{k}", "name": "某", "until": str(soon), "days": 20, "number": f"N{k}"}))  # fmt: skip


def test_long_lists_show_their_first_rows_and_link_to_the_rest(site, monkeypatch) -> None:
    app, client = site
    write(app, three_alerts_and_expiries)
    monkeypatch.setattr(main_views, "SHOWN", 2)
    client.login("viewer")
    page = client.get("/dashboard").get_data(as_text=True)
    expiring = page.split('id="expiring"')[1].split("</section>")[0]
    assert expiring.count("<tr>") == 1 + 2 and 'id="expiring-more"' in expiring
    assert "ending=60" in expiring  # the examiners list with every term ending
    alerts = page.split('id="alerts"')[1].split("</section>")[0]
    assert alerts.count("<li>") == 2 and "共 3 条" in alerts
    every = client.get("/dashboard?alerts=all").get_data(as_text=True)
    assert every.split('id="alerts"')[1].split("</section>")[0].count("<li>") == 3


def test_ended_and_ending_are_told_apart(site) -> None:
    app, client = site
    write(app, three_alerts_and_expiries)  # every appointment ends in 20 days

    def end_one_long_ago(session) -> None:
        # every appointment of one examiner (a later one would join the cover up again); the
        # dashboard counts days in China, which is a day ahead from 16:00 UTC
        first = session.scalar(select(Appointment).order_by(Appointment.id).limit(1))
        mine = select(Appointment).where(Appointment.examiner_id == first.examiner_id)
        for appointment in session.scalars(mine):
            appointment.end = datetime.now(LOCAL).date() - timedelta(days=100)
            appointment.start = appointment.end - timedelta(days=300)

    write(app, end_one_long_ago)
    client.login("viewer")
    page = client.get("/dashboard").get_data(as_text=True)
    ended = page.split('id="expired"')[1].split("</section>")[0]
    assert "已过期 100 天" in ended  # certificates of the sample have ended too
    ending = page.split('id="expiring"')[1].split("</section>")[0]
    assert "已过期" not in ending and ">20<" in ending


def test_ticked_alerts_are_acknowledged_or_resolved_together(site) -> None:
    app, client = site
    write(app, three_alerts_and_expiries)
    idents = [str(i) for i in all_of(app, select(Alert.id).order_by(Alert.id))]
    client.login("planner")
    page = client.get("/dashboard").get_data(as_text=True)
    assert all(f'id="tick-{i}"' in page for i in idents)
    client.post("/dashboard/alerts/acknowledge", {"alert": idents[:2]})
    states = all_of(app, select(Alert.state).order_by(Alert.id))
    assert states == [AlertState.ACKNOWLEDGED, AlertState.ACKNOWLEDGED, AlertState.OPEN]
    refused = client.post("/dashboard/alerts/resolve", {"alert": [idents[2], "999"]},
                          follow_redirects=True)  # fmt: skip
    assert "没有编号为 999 的提醒" in refused.get_data(as_text=True)
    assert all_of(app, select(Alert.state).order_by(Alert.id))[2] == AlertState.OPEN  # none
    client.post("/dashboard/alerts/resolve", {"alert": idents})
    assert set(all_of(app, select(Alert.state))) == {AlertState.RESOLVED}
    nothing = client.post("/dashboard/alerts/resolve", {}, follow_redirects=True)
    assert "请先勾选提醒" in nothing.get_data(as_text=True)
    client.login("viewer")
    assert client.post("/dashboard/alerts/acknowledge", {"alert": idents}).status_code == 403


def all_of(app, query) -> list:
    with app.extensions["panelplan.sessions"]() as db:
        return list(db.scalars(query))
