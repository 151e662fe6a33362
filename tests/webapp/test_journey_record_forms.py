"""A planner uses the record forms in a real browser, in Chinese: adds a venue (its owner typed
by name from the suggestions) and a session there, is told about a wrong end time, edits the
session, cancels it with a reason and restores it; then, on an examiner of the published plan,
records a period of unavailability (warned about the panels in force it falls on, with the way
to What if), removes it, and suspends the examiner with a reason.

The template is the generated S term with v1 published: S0001… are planned and staffed by v1's
panels in force; venues V01–V04.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from browser import browser_page, screenshot, sign_in
from edittools import published_template
from recordtools import one, query
from sqlalchemy import func, select
from webtools import PASSWORDS, LiveServer

from models import (
    AssessmentSession,
    AuditEvent,
    Change,
    Examiner,
    Organization,
    PanelSeat,
    Unavailability,
    Venue,
)
from models.base import ExaminerStatus, SessionStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")  # the institutions' clock the pages show


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return published_template(tmp_path_factory.mktemp("journey-record-forms") / "published.db")


def audited(app, action: str) -> list[tuple[str, dict]]:
    """(subject, details) of the audit events of `action`, oldest first."""
    rows = query(app, select(AuditEvent.subject, AuditEvent.details).where(
        AuditEvent.action == action).order_by(AuditEvent.id))  # fmt: skip
    return [(subject, details) for subject, details in rows]


def field_errors(page, field: str) -> list[str]:
    """The messages shown inside the label of the input or select called `field`."""
    label = page.locator(f"label:has([name={field}])")
    return label.locator(".field-error").all_inner_texts()


def cells(row) -> list[str]:
    return [text.strip() for text in row.locator("td").all_inner_texts()]


def test_a_planner_adds_a_venue_and_a_session_edits_cancels_and_restores_it(app) -> None:
    owners = select(Venue.organization_id)
    owner = one(app, select(Organization.name).where(Organization.id.not_in(owners))
                .order_by(Organization.name).limit(1))  # fmt: skip
    organizations = one(app, select(func.count()).select_from(Organization))
    with LiveServer(app) as server, browser_page(server.url) as page:
        sign_in(page, server.url, "planner", PASSWORDS["planner"])

        # A venue, owned by an organisation already on file, typed by its name.
        page.click("nav.menu >> text=资料与设置")
        page.click("main a:text-is('考点')")
        page.click("text=新增考点")
        suggested = page.locator("datalist#organization-names option")
        assert owner in suggested.evaluate_all("options => options.map(o => o.value)")
        assert page.get_attribute("input[name=organization]", "list") == "organization-names"
        page.fill("input[name=code]", "V09")
        page.fill("input[name=name]", "金坛考点")
        page.fill("input[name=organization]", owner)
        page.fill("input[name=address]", "金坛区东门大街 1 号")
        page.click("main form button[type=submit]")
        page.wait_for_url("**/records/venues")
        assert "已保存考点 V09 金坛考点" in page.inner_text(".flash")
        row = page.locator("main table tbody tr", has_text="V09")
        assert cells(row)[:4] == ["V09", "金坛考点", owner, "金坛区东门大街 1 号"]

        # A session there; first with its end before its start.
        page.click("nav.menu >> text=资料与设置")
        page.click("main a:text-is('场次')")
        page.click("text=新增场次")
        page.fill("input[name=code]", "S9001")
        page.select_option("select[name=venue]", "V09")
        page.select_option("select[name=occupation]", "6-18-01-01")
        page.select_option("select[name=level]", "3")
        page.fill("input[name=start]", "2026-05-04T08:30")
        page.fill("input[name=end]", "2026-05-04T07:30")
        page.fill("input[name=candidate_count]", "12")
        page.click("main form button[type=submit]")
        page.wait_for_selector("label:has(input[name=end]) .field-error")
        [error] = field_errors(page, "end")
        assert "不晚于开始时间" in error
        assert page.get_attribute("input[name=end]", "aria-invalid") == "true"
        assert field_errors(page, "start") == [] and field_errors(page, "venue") == []
        assert page.input_value("select[name=venue]") == "V09"  # what was chosen is kept
        assert page.input_value("input[name=start]") == "2026-05-04T08:30"
        page.fill("input[name=end]", "2026-05-04T11:30")
        page.click("main form button[type=submit]")
        page.wait_for_url(re.compile(r".*/records/sessions/\d+$"))
        assert "场次 S9001 已保存" in page.inner_text(".flash")
        summary = page.inner_text("main section.card p >> nth=0")
        assert summary.startswith("2026-05-04 08:30–11:30 · 金坛考点 · 车工")
        session_page = page.url

        # Its time moves to the afternoon.
        page.click("main a.button:text-is('修改')")
        assert page.input_value("select[name=venue]") == "V09"
        page.fill("input[name=start]", "2026-05-04T13:30")
        page.fill("input[name=end]", "2026-05-04T16:30")
        page.click("main form button[type=submit]")
        page.wait_for_url(session_page)
        assert "场次 S9001 已保存" in page.inner_text(".flash")
        assert "2026-05-04 13:30–16:30" in page.inner_text("main section.card")

        # Cancelled with a reason: who, when and why are on the page.
        page.fill("input[name=reason]", "考点停电")
        page.click("text=取消该场次")
        page.wait_for_selector(".flash:has-text('场次 S9001 已取消')")
        card = page.inner_text("main section.card")
        today = datetime.now(SHANGHAI).strftime("%Y-%m-%d")
        assert re.search(rf"已于 {today}[^，]* 由 planner 取消，原因：考点停电", card), card
        assert page.locator("input[name=reason]").count() == 0  # no second cancel
        screenshot(page, "session-cancelled")

        # Restored: planned again, the cancel form back.
        page.click("text=恢复场次（重新计划）")
        page.wait_for_selector(".flash:has-text('场次 S9001 已恢复为计划中')")
        assert page.locator("input[name=reason]").count() == 1
        assert "考点停电" not in page.inner_text("main section.card")

        page.click("nav.menu >> text=资料与设置")
        page.click("main a:text-is('场次')")
        page.select_option("form.grid-form select[name=venue]", label="金坛考点")
        page.click("form.grid-form >> text=筛选")
        page.wait_for_url("**/records/sessions?**")
        [row] = page.locator("main table tbody tr").all()
        shown = ["S9001", "2026-05-04 13:30", "16:30", "金坛考点", "车工", "3", "计划中", "12"]
        assert cells(row)[:8] == shown

    venue = select(Venue).where(Venue.code == "V09")
    assert one(app, venue.with_only_columns(Venue.address)) == "金坛区东门大街 1 号"
    owned_by = select(Organization.name).join(Venue, Venue.organization_id == Organization.id)
    assert one(app, owned_by.where(Venue.code == "V09")) == owner
    assert one(app, select(func.count()).select_from(Organization)) == organizations  # no new one
    [(start, end, status, code)] = query(
        app,
        select(AssessmentSession.start, AssessmentSession.end, AssessmentSession.status, Venue.code)
        .join(Venue, Venue.id == AssessmentSession.venue_id)
        .where(AssessmentSession.code == "S9001"),
    )
    assert (start, end) == (datetime(2026, 5, 4, 13, 30), datetime(2026, 5, 4, 16, 30))
    assert (status, code) == (SessionStatus.PLANNED, "V09")
    assert [s for s, _ in audited(app, "create_venue")] == ["V09"]
    assert [s for s, _ in audited(app, "create_session")] == ["S9001"]
    [(_, edited)] = audited(app, "edit_session")
    assert edited["changes"]["start"][1] == "2026-05-04T13:30:00"
    assert [d["reason"] for _, d in audited(app, "cancel_session")] == ["考点停电"]
    assert [s for s, _ in audited(app, "restore_session")] == ["S9001"]


def test_a_planner_records_and_removes_an_unavailability_then_suspends_the_examiner(app) -> None:
    [(code, name, examiner_id, session, starts)] = query(
        app,
        select(Examiner.code, Examiner.name, Examiner.id, AssessmentSession.code,
               AssessmentSession.start)
        .join(PanelSeat, PanelSeat.examiner_id == Examiner.id)
        .join(AssessmentSession, AssessmentSession.id == PanelSeat.session_id)
        .where(AssessmentSession.status == SessionStatus.PLANNED,
               Examiner.status == ExaminerStatus.ACTIVE)
        .order_by(AssessmentSession.start, Examiner.code)
        .limit(1),
    )  # fmt: skip
    day = starts.date().isoformat()
    periods = select(func.count()).where(Unavailability.examiner_id == examiner_id)
    before = one(app, periods.select_from(Unavailability))
    with LiveServer(app) as server, browser_page(server.url) as page:
        sign_in(page, server.url, "planner", PASSWORDS["planner"])
        page.goto(f"/examiners/{code}")
        section = page.locator("#unavailability")

        # Ill on the day of a session of the published plan: recorded, and the planner warned.
        section.locator("input[name=period_start]").fill(day)
        section.locator("input[name=period_end]").fill(day)
        section.locator("input[name=period_reason]").fill("因病住院")
        section.locator("text=添加时段").click()
        page.wait_for_url(f"**/examiners/{code}#unavailability")
        flashes = page.locator(".flash").all_inner_texts()
        assert flashes[0] == "不可参加时段已保存。"
        assert f"{name}（{code}）" in flashes[1] and f"{session}（{day}）" in flashes[1]
        row = section.locator("tbody tr", has_text="因病住院")
        assert cells(row)[:3] == [day, day, "因病住院"]
        warning = section.locator("tr.clash .warning")
        assert f"{session}（{day}）" in warning.inner_text()
        assert "缺员替补" in warning.inner_text()
        screenshot(page, "examiner-unavailability")

        # The link opens What if on that examiner and those days, naming the session.
        warning.locator("text=在缺员替补中替换").click()
        page.wait_for_url("**/whatif?**")
        assert page.input_value("select[name=examiner]") == code
        assert page.input_value("input[name=start]") == day
        assert page.input_value("input[name=reason]") == "因病住院"
        assert page.inner_text(f"fieldset#seat-{session} legend").startswith(f"{session} · {day}")
        page.go_back()

        # Removed again, after confirming.
        row = section.locator("tbody tr", has_text="因病住院")
        row.locator("summary:text-is('删除')").click()
        question = row.locator("details.confirm p").inner_text()
        assert question == f"删除 {day} 至 {day} 的时段？删除后该考评员在这些日期可重新被安排。"
        row.locator("text=确定删除").click()
        page.wait_for_selector(".flash:has-text('不可参加时段已删除。')")
        assert "因病住院" not in section.inner_text()
        assert section.locator("tr.clash").count() == 0
        history = page.locator("ol.history li").first.inner_text()
        assert (
            f"planner 删除 不可参加时段：开始日期 {day}；结束日期 {day}；原因 因病住院" in history
        )

        # Suspended on the edit form: a reason is asked for first.
        page.click(".heading-row a.button:text-is('修改')")
        page.select_option("select[name=status]", "suspended")
        page.click("form.grid-form button[type=submit]")
        page.wait_for_selector("label:has(input[name=status_reason]) .field-error")
        assert field_errors(page, "status_reason") == ["请写明原因"]
        page.fill("input[name=status_reason]", "因病休养")
        page.click("form.grid-form button[type=submit]")
        page.wait_for_url(f"**/examiners/{code}")
        assert f"考评人员 {code} 已保存。" in page.inner_text(".flash")
        status = page.locator("dl.fields dt:text-is('状态') + dd").inner_text()
        assert status.startswith("暂停 · 自 ") and status.endswith(
            "由 planner 操作，原因：因病休养"
        )
        assert "状态 在岗 → 暂停" in page.locator("ol.history li").first.inner_text()

    assert one(app, periods.select_from(Unavailability)) == before
    removed = select(Change.actor).where(Change.entity == "unavailability",
                                         Change.action == "delete")  # fmt: skip
    assert [actor for (actor,) in query(app, removed)] == ["planner"]
    assert one(app, select(Examiner.status).where(Examiner.code == code)) == (
        ExaminerStatus.SUSPENDED
    )
    [(_, suspended)] = audited(app, "suspend_examiner")
    assert suspended["reason"] == "因病休养"
