"""An examiner answers seat by seat (services/notices): told of several sessions, they may
decline one and take part in the others; the dashboard then lists that one session, the plan
marks each seat with its own answer, and a later publication carries the answers given."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from test_notices import FAST, NOW, notices

from models.notices import Notice, NoticeStatus
from services.messages import Refused
from services.notices.calls import answered, call_rows, reasons
from services.notices.links import answer, waiting
from services.notices.queries import answers, call_list, declines
from services.planning.plans import solve_and_store
from services.planning.publishing import publish
from services.whatif.substitutes import replace_withdrawn
from services.whatif.withdrawals import Withdrawal

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def three_sessions(db, make):
    """Six examiners, three March sessions on three days, planned and published: v1."""
    inst = make.institution(policy={})
    occ, venue = make.occupation(name="车工"), make.venue(inst, name="第一考点")
    for n in range(6):
        make.examiner(inst, occ, email=f"e{n}@example.org")
    for day in (2, 4, 6):
        make.session(inst, venue, occ, start=datetime(2026, 3, day, 9))
    return inst, publish(db, inst, solve_and_store(db, inst, *MARCH, FAST).version)


def busiest(db, plan) -> Notice:
    """The notice of an examiner told of the most sessions (at least two)."""
    found = max(notices(db, plan).values(), key=lambda n: (len(n.seats), -n.id))
    assert len(found.seats) >= 2
    return found


def test_an_examiner_declines_one_session_and_takes_part_in_the_others(db, make):
    inst, plan = three_sessions(db, make)
    notice = busiest(db, plan)
    first, *others = sorted(waiting(notice))
    assert answer(db, notice, {first: (False, "那天单位有考试")}, NOW) == len(others)
    assert notice.status == NoticeStatus.PENDING  # the others still wait
    assert set(waiting(notice)) == set(others)
    with pytest.raises(Refused):  # an answered seat is not answered again
        answer(db, notice, {first: (True, "")}, NOW)
    assert answer(db, notice, {code: (True, "") for code in others}, NOW) == 0
    assert notice.status == NoticeStatus.DECLINED and notice.answered_at is not None
    code = notice.examiner.code
    marks = {s: v for (s, e), v in answers(db, inst, plan).items() if e == code}
    assert marks == {first: "declined"} | {c: "confirmed" for c in others}
    (decline,) = declines(db, inst, date(2026, 2, 20))
    assert [s.session for s in decline.sessions] == [first]  # the what-if names that session
    assert decline.sessions[0].reason == "那天单位有考试"
    (view,) = [v for v in call_list(db, inst, plan) if v.examiner_code == code]
    assert answered(view) == "有 1 场不能参加" and reasons(view)[0].endswith("：那天单位有考试")
    (row,) = [r for r in call_rows([view], lambda phone: phone or "") if r.code == code]
    assert sum("（✗ 不能参加）" in line for line in row.changes) == 1
    assert sum("（✓ 参加）" in line for line in row.changes) == len(others)


def test_a_partial_answer_reads_as_such_and_a_refusal_records_nothing(db, make):
    inst, plan = three_sessions(db, make)
    notice = busiest(db, plan)
    first, second, *_ = sorted(waiting(notice))
    with pytest.raises(Refused) as refused:  # one decline lacks its reason: nothing recorded
        answer(db, notice, {first: (True, ""), second: (False, "")}, NOW)
    assert (
        "2026-03-0" in refused.value.lines("zh")[0] and "第一考点" in refused.value.lines("zh")[0]
    )
    assert all(s.confirmed is None for s in notice.seats)
    answer(db, notice, {first: (True, "")}, NOW)
    (view,) = [v for v in call_list(db, inst, plan) if v.examiner_code == notice.examiner.code]
    left = len(notice.seats) - 1
    assert answered(view) == f"待答复 {left} 场（已答复 1 场）"
    assert answered(view, "en") == f"{left} not answered yet (1 answered)"


def test_a_later_publication_carries_the_answers_given_and_a_removal_is_acknowledged(db, make):
    inst, plan = three_sessions(db, make)
    notice = busiest(db, plan)
    examiner = notice.examiner
    first, second, *_ = sorted(waiting(notice))
    answer(db, notice, {second: (False, "出差")}, NOW)  # the first still waits
    # the planner moves them off the first session: v2 tells them of the removal
    seated = {s.examiner_id for s in plan.seats if s.session.code == first}
    spare = next(s.examiner for s in plan.seats if s.examiner_id not in seated)
    draft, problems = replace_withdrawn(
        db, inst, Withdrawal(examiner.code, first, None, None, "调整"), {first: spare.code}
    )
    assert not problems
    second_plan = publish(db, inst, draft.version)
    assert notice.status == NoticeStatus.SUPERSEDED
    newer = notices(db, second_plan)[examiner.id]
    by_code = {s.session.code: s for s in newer.seats}
    assert by_code[first].change.value == "removed" and by_code[first].confirmed is None
    assert (by_code[second].confirmed, by_code[second].reason) == (False, "出差")  # carried
    assert second not in waiting(newer)  # not asked again
    (decline,) = [d for d in declines(db, inst, date(2026, 2, 20)) if d.notice.id == newer.id]
    assert [s.session for s in decline.sessions] == [second]


def test_a_notice_of_a_removal_only_is_acknowledged(db, make):
    inst, plan = three_sessions(db, make)
    one_seat = next(n for n in notices(db, plan).values() if len(n.seats) == 1)
    (seat,) = one_seat.seats
    code, examiner = seat.session.code, one_seat.examiner
    seated = {s.examiner_id for s in plan.seats if s.session.code == code}
    spare = next(s.examiner for s in plan.seats if s.examiner_id not in seated)
    draft, _ = replace_withdrawn(
        db, inst, Withdrawal(examiner.code, code, None, None, "生病"), {code: spare.code}
    )
    newer = notices(db, publish(db, inst, draft.version))[examiner.id]
    assert [s.change.value for s in newer.seats] == ["removed"] and not waiting(newer)
    (view,) = [v for v in call_list(db, inst, newer.plan) if v.examiner_code == examiner.code]
    assert answered(view) == "待确认收到"
    assert answer(db, newer, {}, NOW) == 0 and newer.status == NoticeStatus.CONFIRMED
