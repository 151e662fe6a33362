"""Periods an examiner cannot serve: recorded by hand or by What if, removed, and the panels in
force they fall on (services/people/unavailability.py; both backends)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from models import Change, Examiner, Institution, PanelSeat, Plan, Unavailability
from models.alerts import AlertKind, AlertState
from models.base import SeatRole, SessionStatus
from services.alerts.store import list_alerts
from services.messages import Refused
from services.people.history import examiner_history
from services.people.unavailability import add_period, clashes, examiner_periods, remove_period
from services.planning.plans import solve_and_store
from services.planning.publishing import publish
from services.planning.revalidation import revalidate
from services.whatif.withdrawals import Withdrawal, record_withdrawals
from solver.solve import Options

MARCH_2 = datetime(2026, 3, 2, 9, 0)
WEEK = timedelta(days=7)


@pytest.fixture
def seated(db, make):
    """An examiner on the panel in force of a session on 2 March (still to come)."""
    institution = make.institution()
    occupation = make.occupation()
    examiner = make.examiner(institution, occupation)
    venue = make.venue(institution)
    assessment = make.session(institution, venue, occupation, start=MARCH_2)
    db.add(PanelSeat(session_id=assessment.id, examiner_id=examiner.id, role=SeatRole.MEMBER))
    db.flush()
    return examiner, assessment


def _refusal(refused: pytest.ExceptionInfo[Refused], lang: str = "zh") -> list[str]:
    return refused.value.lines(lang)


def test_a_period_is_recorded_with_its_history(db, make) -> None:
    examiner = make.examiner(make.institution())
    period = add_period(db, examiner, date(2026, 4, 1), date(2026, 4, 3), "  年假 ")
    [row] = examiner.unavailability
    assert (row.start, row.end, row.reason, row.session_id) == (
        date(2026, 4, 1), date(2026, 4, 3), "年假", None
    )  # fmt: skip
    assert period.id == row.id and period.clashes == [] and period.notice(examiner) is None
    line = examiner_history(db, examiner)[0]
    assert line.text("zh").endswith(
        "tester 新增 不可参加时段：开始日期 2026-04-01；结束日期 2026-04-03；原因 年假"
    )
    assert line.text("en").endswith(
        "added unavailability: from 2026-04-01; to 2026-04-03; reason 年假"
    )


def test_a_period_of_one_day_needs_no_reason(db, make) -> None:
    examiner = make.examiner(make.institution())
    add_period(db, examiner, date(2026, 4, 1), date(2026, 4, 1))
    assert examiner.unavailability[0].reason is None


@pytest.mark.parametrize(
    ("start", "end", "reason", "fields", "zh"),
    [
        (None, date(2026, 4, 1), "", ["period_start"], "不能为空"),
        (date(2026, 4, 1), None, "", ["period_end"], "不能为空"),
        (None, None, "", ["period_start", "period_end"], "不能为空"),
        (date(2026, 4, 3), date(2026, 4, 1), "", ["period_end"], "结束日期 2026-04-01 早于开始日期 2026-04-03"),
        (date(2026, 4, 1), date(2026, 4, 1), "假" * 201, ["period_reason"], "原因最多 200 个字（现为 201 个）"),
    ],
)  # fmt: skip
def test_a_bad_period_is_refused_and_nothing_written(db, make, start, end, reason, fields, zh):
    examiner = make.examiner(make.institution())
    before = db.scalar(select(Change.id).order_by(Change.id.desc()).limit(1))
    with pytest.raises(Refused) as refused:
        add_period(db, examiner, start, end, reason)
    assert [p.field for p in refused.value.problems] == fields
    assert zh in " ".join(_refusal(refused))
    assert examiner.unavailability == []
    assert db.scalar(select(Change.id).order_by(Change.id.desc()).limit(1)) == before


def test_the_refusal_is_in_english_too(db, make) -> None:
    examiner = make.examiner(make.institution())
    with pytest.raises(Refused) as refused:
        add_period(db, examiner, date(2026, 4, 3), date(2026, 4, 1))
    assert (
        "the period ends on 2026-04-01, before it starts on 2026-04-03"
        in _refusal(refused, "en")[0]
    )


def test_a_period_on_a_panel_in_force_is_recorded_and_names_the_sessions(db, seated) -> None:
    examiner, assessment = seated
    period = add_period(db, examiner, date(2026, 3, 1), date(2026, 3, 2), "因病住院")
    assert len(examiner.unavailability) == 1  # an examiner can fall ill: never refused
    assert [s.code for s in period.clashes] == [assessment.code]
    zh, en = period.notice(examiner, "zh"), period.notice(examiner, "en")
    assert f"{examiner.name}（{examiner.code}）" in zh and f"{assessment.code}（2026-03-02）" in zh
    assert "缺员替补" in zh and "复核" in zh
    assert f"{assessment.code} (2026-03-02)" in en and "What if" in en


@pytest.mark.parametrize("status", [SessionStatus.HELD, SessionStatus.CANCELLED])
def test_held_and_cancelled_sessions_need_no_replacement(db, seated, status) -> None:
    examiner, assessment = seated
    assessment.status = status
    db.flush()
    assert add_period(db, examiner, date(2026, 3, 2), date(2026, 3, 2)).clashes == []


def test_only_the_days_of_the_period_count(db, seated, make) -> None:
    examiner, first = seated
    institution = db.get(Institution, examiner.institution_id)
    later = make.session(institution, first.venue, first.occupation, start=MARCH_2 + WEEK)
    db.add(PanelSeat(session_id=later.id, examiner_id=examiner.id, role=SeatRole.MEMBER))
    db.flush()
    assert clashes(db, examiner, date(2026, 3, 3), date(2026, 3, 8)) == []
    assert [s.code for s in clashes(db, examiner, date(2026, 3, 9), date(2026, 3, 9))] == [
        later.code
    ]
    assert len(clashes(db, examiner, date(2026, 3, 1), date(2026, 3, 31))) == 2


def test_a_what_if_withdrawal_is_listed_with_its_session_and_may_be_removed(db, seated) -> None:
    examiner, assessment = seated
    institution = db.get(Institution, examiner.institution_id)
    published = Plan(
        institution_id=institution.id, version=1, date_from=date(2026, 3, 1),
        date_to=date(2026, 3, 31), instance={"sessions": [{"id": assessment.code}]},
        result={"assignments": []}, solver_status="OPTIMAL", solver_version="test",
    )  # fmt: skip
    db.add(published)
    db.flush()
    record_withdrawals(db, institution, published, [Withdrawal(examiner.code, assessment.code)])
    add_period(db, examiner, date(2026, 4, 1), date(2026, 4, 2), "年假")
    db.refresh(examiner)
    periods = examiner_periods(db, examiner)
    assert [(p.start, p.withdrawn_from) for p in periods] == [
        (date(2026, 4, 1), None),
        (date(2026, 3, 2), assessment.code),
    ]
    assert [s.code for s in periods[1].clashes] == [assessment.code]
    withdrawal = db.get(Unavailability, periods[1].id)
    remove_period(db, withdrawal)  # only widens availability: never refused
    assert [u.reason for u in examiner.unavailability] == ["年假"]
    removed = examiner_history(db, examiner)[0]
    assert removed.action == "delete" and removed.fields["session_id"] == [assessment.id, None]
    assert removed.text("zh").endswith(
        f"删除 不可参加时段：开始日期 2026-03-02；结束日期 2026-03-02；原因 退出；退出场次 {assessment.code}"
    )


def test_the_dashboard_revalidation_flags_the_plan_and_clears_when_removed(db, make) -> None:
    institution = make.institution()
    occupation, venue = make.occupation(), make.venue(institution)
    for _ in range(5):
        make.examiner(institution, occupation)
    assessment = make.session(institution, venue, occupation, start=MARCH_2)
    options = Options(time_limit=10, workers=1, deterministic=True, seed=3)
    version = solve_and_store(db, institution, date(2026, 3, 1), date(2026, 3, 31), options).version
    plan = publish(db, institution, version)
    today, now = date(2026, 3, 1), datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    assert revalidate(db, today, now) == []
    seat = db.scalar(select(PanelSeat).where(PanelSeat.session_id == assessment.id).limit(1))
    examiner = db.get(Examiner, seat.examiner_id)
    period = add_period(db, examiner, date(2026, 3, 2), date(2026, 3, 2), "发烧")
    assert [s.code for s in period.clashes] == [assessment.code]
    (alert,) = revalidate(db, today, now)
    assert alert.kind == AlertKind.PLAN_INVALID and alert.subject_id == plan.id
    assert {(s["session"], s["examiner"]) for s in alert.params["seats"]} == {
        (assessment.code, examiner.code)
    }
    remove_period(db, db.get(Unavailability, period.id))
    assert revalidate(db, today, now) == []
    assert alert.state == AlertState.RESOLVED
    assert [a for a in list_alerts(db, institution) if a.state == AlertState.OPEN] == []
