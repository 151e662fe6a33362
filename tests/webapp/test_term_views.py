"""The whole term at a glance: the timeline by examiner and by venue, and the month calendar."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from edittools import institution_of, published_template
from sqlalchemy import func, select
from webtools import Client, database

from models import Examiner, PanelSeat
from services.planning.cache import LoadedPlan
from services.planning.edit_checks import seat_candidates
from services.planning.plans import find_plan


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory):
    """S loaded, solved and published as v1, with users of every role (made once)."""
    return published_template(tmp_path_factory.mktemp("term") / "published.db")


def plan_of(app: Any, version: int = 1) -> LoadedPlan:
    with database(app) as db:
        return LoadedPlan.of(find_plan(db, institution_of(db), version))


def viewer(app: Any) -> Client:
    client = Client(app.test_client())
    assert client.login("viewer").status_code == 302
    return client


def seats(page: str) -> dict[str, int]:
    """Each row's seat count as the timeline shows it."""
    found = re.findall(
        r'<tr id="row-([^"]+)">\s*<th class="who">.*?</th>\s*<td class="count">(\d+)', page, re.S
    )
    return {key: int(n) for key, n in found}


def test_the_plan_page_links_to_both_term_views(app) -> None:
    page = viewer(app).get("/plans/1").get_data(as_text=True)
    assert 'href="/plans/1/timeline"' in page and 'href="/plans/1/calendar"' in page


def test_the_whole_term_by_examiner_counts_every_seat_of_the_plan(app) -> None:
    view = plan_of(app)
    expected = Counter(m for a in view.panels.values() for m in a.members)
    page = viewer(app).get("/plans/1/timeline?month=all").get_data(as_text=True)
    assert seats(page) == dict(expected)
    leads = Counter(a.leader for a in view.panels.values() if a.leader)
    busiest = max(leads, key=lambda e: leads[e])
    row = page.split(f'<tr id="row-{busiest}">')[1].split("</tr>")[0]
    assert row.count("★") == leads[busiest] + 1  # every session led, plus the count column


def test_a_month_window_shows_that_months_days_and_seats_only(app) -> None:
    view = plan_of(app)
    month = f"{view.sessions[0].start:%Y-%m}"
    inside = [s for s in view.sessions if f"{s.start:%Y-%m}" == month]
    expected = Counter(m for s in inside for m in view.panels[s.id].members)
    page = viewer(app).get(f"/plans/1/timeline?month={month}").get_data(as_text=True)
    assert seats(page) == dict(expected)
    assert page.count('<th class="day') in (28, 29, 30, 31)


def test_by_venue_every_session_appears_once_with_its_leader(app) -> None:
    view = plan_of(app)
    page = viewer(app).get("/plans/1/timeline?by=venue&month=all").get_data(as_text=True)
    shown = seats(page)
    per_venue = Counter()
    for s in view.sessions:
        per_venue[s.venue] += len(view.panels[s.id].members)
    assert shown == dict(per_venue)
    first = view.sessions[0]
    leader = view.names[view.panels[first.id].leader]
    assert f"/plans/1/sessions/{first.id}" in page and leader in page


def test_filters_narrow_to_an_occupation_a_venue_or_an_examiner(app) -> None:
    view = plan_of(app)
    client = viewer(app)
    s = view.sessions[0]
    page = client.get(f"/plans/1/timeline?month=all&venue={s.venue}").get_data(as_text=True)
    expected = Counter(
        m for x in view.sessions if x.venue == s.venue for m in view.panels[x.id].members
    )
    assert seats(page) == dict(expected)
    page = client.get(f"/plans/1/timeline?month=all&occupation={s.occupation}").get_data(
        as_text=True
    )
    expected = Counter(
        m for x in view.sessions if x.occupation == s.occupation for m in view.panels[x.id].members
    )
    assert seats(page) == dict(expected)
    member = view.panels[s.id].members[0]
    page = client.get(f"/plans/1/timeline?month=all&examiner={view.names[member]}").get_data(
        as_text=True
    )
    assert member in seats(page)
    page = client.get("/plans/1/timeline?month=all&examiner=nobody-at-all").get_data(as_text=True)
    assert seats(page) == {} and "没有符合条件的场次" in page


def test_a_draft_shows_its_changes_against_the_published_plan(app, planner) -> None:
    view = plan_of(app)
    a = next(iter(view.panels.values()))
    member = next(m for m in a.members if m != a.leader)
    into = next(
        v for v in seat_candidates(view.instance, view.result, a.session, member) if v.accepted
    )
    saved = planner.get(f"/plans/1/edit?session={a.session}&seat={member}&into={into.examiner}")
    assert saved.status_code in (200, 302)
    assert (
        planner.post(
            "/plans/1/edit/save", {"change": f"{a.session}|{member}|{into.examiner}"}
        ).status_code
        == 302
    )
    page = planner.get("/plans/2/timeline?month=all").get_data(as_text=True)
    added = page.split(f'<tr id="row-{into.examiner}">')[1].split("</tr>")[0]
    assert 'class="mark added"' in added or "mark added" in added
    removed = page.split(f'<tr id="row-{member}">')[1].split("</tr>")[0]
    assert "mark removed" in removed
    assert "已发布方案 v1" in page
    published = planner.get("/plans/1/timeline?month=all").get_data(as_text=True)
    assert "mark added" not in published and "mark removed" not in published


def test_the_month_calendar_lists_every_session_of_the_month(app) -> None:
    view = plan_of(app)
    month = f"{view.sessions[0].start:%Y-%m}"
    page = viewer(app).get(f"/plans/1/calendar?month={month}").get_data(as_text=True)
    inside = [s for s in view.sessions if f"{s.start:%Y-%m}" == month]
    assert page.count('class="mark') - page.count('<span class="mark') == len(inside)
    assert all(f"/plans/1/sessions/{s.id}" in page for s in inside)
    assert page.count("<tr>") - 1 in (4, 5, 6)  # the weeks, under the weekday heading


@pytest.mark.parametrize(
    "path", ["/plans/1/timeline?by=nobody", "/plans/9/timeline", "/plans/9/calendar"]
)
def test_unknown_views_and_plans_are_not_found(app, path) -> None:
    assert viewer(app).get(path).status_code == 404


@pytest.mark.parametrize("month", ["1999-01", "bogus", "2026-13", ""])
def test_an_unknown_month_falls_back_to_a_planned_one(app, month) -> None:
    client = viewer(app)
    assert client.get(f"/plans/1/timeline?month={month}").status_code == 200
    assert client.get(f"/plans/1/calendar?month={month}").status_code == 200


def test_the_english_timeline_reads_in_english(app) -> None:
    client = viewer(app)
    client.client.set_cookie("lang", "en")
    page = client.get("/plans/1/timeline").get_data(as_text=True)
    assert "Term timeline" in page and "By venue" in page and "Mon" in page


def test_an_examiners_page_lists_their_seats_and_load_against_the_fair_share(app) -> None:
    view = plan_of(app)
    seats_of = Counter(m for a in view.panels.values() for m in a.members)
    leads = Counter(a.leader for a in view.panels.values() if a.leader)
    code = max(seats_of, key=lambda e: (seats_of[e], e))
    page = viewer(app).get(f"/examiners/{code}").get_data(as_text=True)
    section = page.split('id="assignments"')[1].split("</section>")[0]
    past = section.split('id="seats-past"')[1].split("</table>")[0]
    with database(app) as db:  # seats in force: the published plan's and those held before
        held = db.scalar(
            select(func.count()).select_from(PanelSeat).join(Examiner).where(Examiner.code == code)
        )
    assert past.count("<tr>") - 1 == held > seats_of[code]  # the whole term lies in the past
    for s in view.sessions:
        if code in view.panels[s.id].members:
            assert f"<td>{s.start:%Y-%m-%d}</td><td>{s.start:%H:%M}–{s.end:%H:%M}</td>" in past
    assert f"{seats_of[code]} 场，其中担任组长 {leads[code]} 场" in section
    assert f"/plans/1/timeline?month=all&amp;examiner={code}" in section
