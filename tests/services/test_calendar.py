"""An examiner's sessions as iCalendar (services/exports/calendar.py), parsed back."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from exports_rows import header, sessions
from icalendar import Calendar

from services.exports.assignments import schedules
from services.exports.calendar import event_uid, examiner_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")


def parsed(status: str = "published", count: int = 4, who: int = 1) -> Calendar:
    mine = schedules(sessions(count))[who]
    return Calendar.from_ical(examiner_calendar(header(status), mine.person, mine.sessions))


def test_one_event_per_session_with_local_times_in_asia_shanghai():
    cal = parsed()
    events = cal.events
    assert [e["uid"] for e in events] == [
        "3204005-S0001-E01@panelplan",
        "3204005-S0002-E01@panelplan",
        "3204005-S0004-E01@panelplan",
    ]
    first = events[0]
    assert first.start == datetime(2026, 3, 2, 9, tzinfo=SHANGHAI)
    assert first.end == datetime(2026, 3, 2, 12, tzinfo=SHANGHAI)
    assert first["dtstart"].params["TZID"] == "Asia/Shanghai"
    assert first.start.astimezone(ZoneInfo("UTC")).hour == 1  # +08:00, no DST
    assert [tz.tz_name for tz in cal.timezones] == ["Asia/Shanghai"]
    assert cal.get_missing_tzids() == set()


def test_summary_location_description_and_sequence():
    first, second = parsed().events[:2]
    assert str(first["summary"]) == "车工 三级/高级工 考评（成员）"
    assert str(second["summary"]) == "车工 三级/高级工 考评（组长）"
    assert str(first["location"]) == "考点1，常州市天宁区1号"
    text = str(first["description"])
    assert text.splitlines() == [
        "场次 S0001　方案 v3（已发布），考生 12 人",
        "组长：考评员0 13900000000",
        "小组：考评员0、考评员1、考评员2",
    ]
    assert first["sequence"] == 3 and str(first["status"]) == "CONFIRMED"
    stamp = first.DTSTAMP
    assert stamp == datetime(2026, 2, 20, 8, 30, tzinfo=ZoneInfo("UTC"))


def test_uids_are_unique_across_examiners_and_stable_across_versions():
    plans = schedules(sessions(6))
    uids = []
    for s in plans:
        cal = Calendar.from_ical(examiner_calendar(header(), s.person, s.sessions))
        uids += [str(e["uid"]) for e in cal.events]
    assert len(uids) == len(set(uids)) == 18  # 6 sessions x 3 members
    later = header(version=4)
    again = Calendar.from_ical(examiner_calendar(later, plans[0].person, plans[0].sessions))
    assert str(again.events[0]["uid"]) == event_uid("3204005", "S0001", "E00")
    assert again.events[0]["sequence"] == 4


def test_a_draft_is_tentative_and_an_examiner_without_sessions_gets_an_empty_calendar():
    assert {str(e["status"]) for e in parsed("draft").events} == {"TENTATIVE"}
    mine = schedules(sessions(1))[0]
    empty = Calendar.from_ical(examiner_calendar(header(), mine.person, ()))
    assert empty.events == [] and str(empty["version"]) == "2.0"
    assert "考评员0 考评任务" in str(empty["x-wr-calname"])
