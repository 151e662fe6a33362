"""Ratings and the yearly performance review (R2, SPEC 7): roll-up, rule, decisions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models import Appointment, AuditEvent, PanelSeat, Rating, Review
from models.base import ExaminerStatus, SeatRole, SessionStatus
from models.discipline import ReviewOutcome
from services.discipline.actions import warn
from services.discipline.ratings import rate
from services.discipline.refusals import record_refusal
from services.discipline.review import (
    Figures,
    ReviewRule,
    decide_review,
    propose,
    review_examiner,
    review_year,
    rollup,
)
from services.messages import Refused
from solver.schema import Period, appointment_too_long

TERM = (date(2023, 1, 1), date(2025, 12, 31))  # ends in 2025: the 2025 review decides


def _held(db, make, institution, start=datetime(2025, 3, 2, 9, 0), panel=(), status=None):
    """A session (held unless told) with `panel` seated: the first examiner leads."""
    assessment = make.session(
        institution,
        make.venue(institution),
        make.occupation(),
        start=start,
        status=status or SessionStatus.HELD,
    )
    for i, examiner in enumerate(panel):
        role = SeatRole.LEADER if i == 0 else SeatRole.MEMBER
        db.add(PanelSeat(session_id=assessment.id, examiner_id=examiner.id, role=role))
    db.flush()
    return assessment


# --- ratings --------------------------------------------------------------------------------


def test_a_panel_member_of_a_held_session_is_rated_and_rerated(db, make) -> None:
    institution = make.institution()
    leader, member = make.examiner(institution), make.examiner(institution)
    assessment = _held(db, make, institution, panel=(leader, member))
    first = rate(db, assessment, member, 4, leader.code, "认真")
    again = rate(db, assessment, member, 2, "督导员王")
    assert again.id == first.id
    assert (again.score, again.rated_by, again.comment) == (2, "督导员王", None)
    assert db.scalar(select(func.count(Rating.id))) == 1


def test_only_held_sessions_and_their_panel_are_rated(db, make) -> None:
    institution = make.institution()
    leader, outsider = make.examiner(institution), make.examiner(institution)
    planned = _held(db, make, institution, panel=(leader,), status=SessionStatus.PLANNED)
    held = _held(db, make, institution, panel=(leader,))
    with pytest.raises(Refused) as refused:
        rate(db, planned, leader, 3, "督导员")
    assert "尚未举行" in refused.value.lines("zh")[0]
    with pytest.raises(Refused) as refused:
        rate(db, held, outsider, 3, "督导员")
    assert "不在场次" in refused.value.lines("zh")[0]


@pytest.mark.parametrize("score", [0, 6, 3.5, True, "4"])
def test_a_score_is_a_whole_number_from_one_to_five(db, make, score) -> None:
    institution = make.institution()
    member = make.examiner(institution)
    assessment = _held(db, make, institution, panel=(member,))
    with pytest.raises(Refused) as refused:
        rate(db, assessment, member, score, "督导员")
    assert [p.field for p in refused.value.problems] == ["score"]


def test_a_rating_names_who_rates(db, make) -> None:
    institution = make.institution()
    member = make.examiner(institution)
    with pytest.raises(Refused) as refused:
        rate(db, _held(db, make, institution, panel=(member,)), member, 5, " ")
    assert [p.field for p in refused.value.problems] == ["rated_by"]


# --- roll-up ------------------------------------------------------------------------------


def test_rollup_counts_only_the_year_and_held_sessions(db, make) -> None:
    institution = make.institution()
    examiner = make.examiner(institution, term=TERM)
    other = make.examiner(institution, term=TERM)
    for day, score in ((datetime(2025, 3, 2, 9), 4), (datetime(2025, 11, 30, 9), 3)):
        rate(
            db,
            _held(db, make, institution, start=day, panel=(other, examiner)),
            examiner,
            score,
            "组长",
        )
    rate(
        db,
        _held(db, make, institution, start=datetime(2024, 12, 30, 9), panel=(examiner,)),
        examiner,
        1,
        "x",
    )
    _held(db, make, institution, panel=(examiner,), status=SessionStatus.PLANNED)
    _held(db, make, institution, panel=(examiner,), status=SessionStatus.CANCELLED)
    _held(db, make, institution, start=datetime(2025, 5, 5, 9), panel=(examiner,))  # unrated
    record_refusal(db, examiner, date(2025, 6, 1), "无")
    record_refusal(db, examiner, date(2025, 7, 1), "病", valid_reason=True)
    record_refusal(db, examiner, date(2024, 7, 1), "去年")
    warn(db, examiner, date(2025, 8, 1), "迟到")
    warn(db, examiner, date(2024, 8, 1), "去年迟到")  # second warning: revocation pending
    figures = rollup(db, examiner, 2025)
    assert figures == Figures(
        sessions_served=3,
        ratings=2,
        mean_score=3.5,
        refusals=2,
        warnings=1,
        serious_warnings=0,
        status=ExaminerStatus.REVOCATION_PENDING,
        appointment_end=date(2025, 12, 31),
    )


# --- the rule ------------------------------------------------------------------------------


def _figures(**kw) -> Figures:
    base = dict(
        sessions_served=10,
        ratings=5,
        mean_score=4.0,
        refusals=0,
        warnings=0,
        serious_warnings=0,
        status=ExaminerStatus.ACTIVE,
        appointment_end=date(2025, 12, 31),
    )
    return Figures(**(base | kw))


@pytest.mark.parametrize(
    ("changes", "outcome", "reason"),
    [
        ({}, ReviewOutcome.RENEW, "考核合格"),
        ({"appointment_end": date(2026, 1, 1)}, ReviewOutcome.CONTINUE, "聘期至 2026-01-01"),
        ({"appointment_end": None}, ReviewOutcome.CONTINUE, "没有聘约"),
        ({"appointment_end": date(2024, 6, 30)}, ReviewOutcome.RENEW, "考核合格"),
        ({"status": ExaminerStatus.REVOKED}, ReviewOutcome.DISMISS, "资格已取消"),
        ({"status": ExaminerStatus.REVOCATION_PENDING}, ReviewOutcome.DISMISS, "待取消"),
        ({"status": ExaminerStatus.SUSPENDED}, ReviewOutcome.RENEW, "考核合格"),
        ({"warnings": 1, "serious_warnings": 1}, ReviewOutcome.DISMISS, "情节严重"),
        ({"warnings": 1}, ReviewOutcome.RENEW, "考核合格"),
        ({"warnings": 2}, ReviewOutcome.DISMISS, "警告 2 次"),
        ({"mean_score": 2.9, "ratings": 3}, ReviewOutcome.DISMISS, "平均评分 2.90（3 次评分）"),
        ({"mean_score": 2.0, "ratings": 2}, ReviewOutcome.RENEW, "考核合格"),
        ({"mean_score": 3.0, "ratings": 9}, ReviewOutcome.RENEW, "考核合格"),
        ({"mean_score": None, "ratings": 0}, ReviewOutcome.RENEW, "考核合格"),
        ({"refusals": 5, "sessions_served": 0}, ReviewOutcome.RENEW, "考核合格"),
    ],
)
def test_the_review_rule(changes, outcome, reason) -> None:
    proposal, reasons = propose(_figures(**changes), 2025)
    assert proposal == outcome
    assert any(reason in r.reason("zh") for r in reasons)
    assert all(r.reason("en") for r in reasons)


def test_the_rule_thresholds_can_be_set() -> None:
    strict = ReviewRule(max_warnings=0, min_mean=4.5, min_ratings=1)
    proposal, reasons = propose(_figures(warnings=1, mean_score=4.0, ratings=1), 2025, strict)
    assert proposal == ReviewOutcome.DISMISS
    assert len(reasons) == 2


# --- stored reviews -------------------------------------------------------------------------


def test_review_year_covers_the_examiners_appointed_that_year_once(db, make) -> None:
    institution = make.institution()
    ending = make.examiner(institution, term=TERM)
    running = make.examiner(institution, term=(date(2025, 1, 1), date(2027, 12, 31)))
    make.examiner(institution, term=(date(2026, 1, 1), date(2028, 12, 31)))  # not in 2025
    make.examiner(make.institution(), term=TERM)  # another institution
    reviews = review_year(db, institution, 2025)
    assert [r.examiner_id for r in reviews] == [ending.id, running.id]
    assert [r.proposal for r in reviews] == [ReviewOutcome.RENEW, ReviewOutcome.CONTINUE]
    warn(db, ending, date(2025, 9, 1), "收受礼品", serious=True)
    again = review_year(db, institution, 2025)
    assert [r.id for r in again] == [r.id for r in reviews]
    assert again[0].proposal == ReviewOutcome.DISMISS
    assert again[0].warnings == 1
    assert db.scalar(select(func.count(Review.id))) == 2


def test_a_low_mean_over_enough_ratings_proposes_dismissal(db, make) -> None:
    institution = make.institution()
    leader = make.examiner(institution, term=(date(2025, 1, 1), date(2027, 12, 31)))
    member = make.examiner(institution, term=TERM)
    for day, score in ((2, 2), (3, 3), (4, 3)):
        assessment = _held(
            db, make, institution, start=datetime(2025, 4, day, 9), panel=(leader, member)
        )
        rate(db, assessment, member, score, leader.code)
    review = review_examiner(db, member, 2025)
    assert (review.sessions_served, review.ratings) == (3, 3)
    assert review.mean_score == pytest.approx(8 / 3)
    assert review.proposal == ReviewOutcome.DISMISS


def test_deciding_renew_creates_the_next_appointment_with_the_same_terms(db, make) -> None:
    institution = make.institution()
    examiner = make.examiner(institution, term=TERM)
    last = examiner.appointments[0]
    last.duties, last.discipline, last.allowance_per_session = "考评", "违纪处理", Decimal("200.00")
    review = review_examiner(db, examiner, 2025)
    new = decide_review(db, review, ReviewOutcome.RENEW, "主任", date(2025, 12, 20))
    assert (new.start, new.end) == (date(2026, 1, 1), date(2028, 12, 31))
    assert (new.duties, new.discipline) == ("考评", "违纪处理")
    assert new.allowance_per_session == Decimal("200.00")
    assert not appointment_too_long(Period(start=new.start.isoformat(), end=new.end.isoformat()))
    assert (review.decision, review.decided_by, review.decided_on) == (
        ReviewOutcome.RENEW,
        "主任",
        date(2025, 12, 20),
    )
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "review_decision")).one()
    assert event.details["appointment"] == new.id
    # Recomputing keeps the decision and makes no second review.
    assert review_examiner(db, examiner, 2025).decision == ReviewOutcome.RENEW
    with pytest.raises(Refused) as refused:
        decide_review(db, review, "renew", "主任", date(2025, 12, 21))
    assert "已有决定" in refused.value.lines("zh")[0]
    assert db.scalar(select(func.count(Appointment.id))) == 2


def test_a_shorter_renewal_and_never_a_longer_one(db, make) -> None:
    institution = make.institution()
    short = make.examiner(institution, term=TERM)
    new = decide_review(db, review_examiner(db, short, 2025), "renew", "主任", date(2025, 12, 1), 1)
    assert (new.start, new.end) == (date(2026, 1, 1), date(2026, 12, 31))
    long = make.examiner(institution, term=TERM)
    review = review_examiner(db, long, 2025)
    for years in (4, 0):
        with pytest.raises(Refused) as refused:
            decide_review(db, review, "renew", "主任", date(2025, 12, 1), years)
        assert "1 至 3 年" in refused.value.lines("zh")[0]
    assert review.decision is None


def test_a_leap_day_renewal_stays_within_three_years(db, make) -> None:
    institution = make.institution()
    examiner = make.examiner(institution, term=(date(2025, 3, 1), date(2028, 2, 28)))
    new = decide_review(db, review_examiner(db, examiner, 2028), "renew", "主任", date(2028, 2, 1))
    assert (new.start, new.end) == (date(2028, 2, 29), date(2031, 2, 28))


def test_deciding_dismiss_records_it_without_an_appointment(db, make) -> None:
    institution = make.institution()
    examiner = make.examiner(institution, term=TERM)
    review = review_examiner(db, examiner, 2025)
    assert decide_review(db, review, ReviewOutcome.DISMISS, "主任", date(2025, 12, 20)) is None
    assert review.decision == ReviewOutcome.DISMISS
    assert len(examiner.appointments) == 1


def test_decisions_that_are_refused(db, make) -> None:
    institution = make.institution()
    running = make.examiner(institution, term=(date(2025, 1, 1), date(2027, 12, 31)))
    review = review_examiner(db, running, 2025)
    with pytest.raises(Refused) as refused:
        decide_review(db, review, "continue", "", date(2025, 12, 1))
    assert [p.field for p in refused.value.problems] == ["decision", "decision", "decided_by"]
    revoked = make.examiner(institution, term=TERM, status=ExaminerStatus.REVOKED)
    review = review_examiner(db, revoked, 2025)
    assert review.proposal == ReviewOutcome.DISMISS
    with pytest.raises(Refused) as refused:
        decide_review(db, review, "renew", "主任", date(2025, 12, 1))
    assert "不能续聘" in refused.value.lines("zh")[0]
    assert review.decision is None
