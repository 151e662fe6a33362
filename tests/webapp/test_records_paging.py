"""The sessions list comes in pages, with the counts of the shown sessions."""

from __future__ import annotations

import re

import pytest
from recordtools import query, records_template_path
from sqlalchemy import func, select

import webapp.records.schedule.sessions as sessions_page
from models import AssessmentSession, SessionCandidate


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return records_template_path(tmp_path_factory)


def _codes(page: str) -> list[str]:
    return re.findall(r">(S\d{4}|H\d+)</a>", page)


def test_sessions_come_in_pages_with_next_and_previous_links(client, monkeypatch) -> None:
    monkeypatch.setattr(sessions_page, "PAGE_SIZE", 10)
    client.login("viewer")
    first = client.get("/records/sessions").get_data(as_text=True)
    second = client.get("/records/sessions?page=2").get_data(as_text=True)
    assert len(_codes(first)) == 10 and len(_codes(second)) == 10
    assert not set(_codes(first)) & set(_codes(second))
    assert "下一页" in first and "上一页" not in first
    assert "上一页" in second and "第 2 页" in second


def test_the_filters_stay_on_every_page(client, monkeypatch) -> None:
    monkeypatch.setattr(sessions_page, "PAGE_SIZE", 5)
    client.login("viewer")
    page = client.get("/records/sessions?level=3").get_data(as_text=True)
    assert "level=3" in page and "page=2" in page


def test_candidate_counts_are_those_of_each_shown_session(app, client) -> None:
    client.login("viewer")
    page = client.get("/records/sessions").get_data(as_text=True)
    shown = dict(re.findall(r">(S\d{4})</a>.*?<td>(\d+)</td><td>(?:\d+|—)</td></tr>", page, re.S))
    listed = select(AssessmentSession.code, func.count(SessionCandidate.candidate_id)).join(
        SessionCandidate, SessionCandidate.session_id == AssessmentSession.id
    )
    stored = dict(query(app, listed.group_by(AssessmentSession.code)))
    # sessions without a list show their stated candidate_count instead
    assert shown and {code: int(n) for code, n in shown.items() if code in stored} == {
        code: n for code, n in stored.items() if code in shown
    }
