"""Notices to examiners (services/notices): made on publish with the facts of what changed,
superseded by a newer one, mailed with REQUEST/CANCEL calendars, answered once through a
signed personal link that opens nothing else."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select
from test_notify import free_port, inbox, settings  # noqa: F401 - the SMTP sink fixture

from models import PanelSeat, Plan, PlanSeat
from models.base import local_time
from models.notices import Notice, NoticeStatus
from services.messages import Refused
from services.notices.links import SALT, LinkRefused, answer, link_maker, open_notice, token
from services.notices.mail import send_due
from services.notices.queries import answers, call_list, declines
from services.planning.plans import solve_and_store
from services.planning.publishing import publish
from services.whatif.substitutes import replace_withdrawn
from services.whatif.withdrawals import Withdrawal
from solver.solve import Options

FAST = Options(time_limit=10, workers=1, deterministic=True, seed=3)
MARCH = (date(2026, 3, 1), date(2026, 3, 31))
NOW = datetime(2026, 2, 20, 8, 0, tzinfo=UTC)
SECRET = "test-secret"


def term(make, examiners: int = 6, email: bool = True):
    """An institution with examiners (every other one with e-mail) and two March sessions."""
    inst = make.institution(policy={})
    occ, venue = make.occupation(name="车工"), make.venue(inst, name="第一考点")
    people = [
        make.examiner(inst, occ, email=f"e{n}@example.org" if email and n % 2 == 0 else None)
        for n in range(examiners)
    ]
    staged = [make.session(inst, venue, occ, start=datetime(2026, 3, 2 + k, 9)) for k in range(2)]
    return inst, people, staged


def notices(db, plan: Plan) -> dict[int, Notice]:
    found = db.scalars(select(Notice).where(Notice.plan_id == plan.id)).all()
    return {n.examiner_id: n for n in found}


def facts(notice: Notice) -> set[tuple[int, str]]:
    return {(s.session_id, s.change.value) for s in notice.seats}


def withdraw_one(db, inst, plan: Plan):
    """Replace one seated examiner on the first session by someone not seated there: v2."""
    seat = db.scalars(
        select(PlanSeat).where(PlanSeat.plan_id == plan.id).order_by(PlanSeat.id)
    ).first()
    on = {s.examiner_id for s in plan.seats if s.session_id == seat.session_id}
    spare = next(s.examiner for s in plan.seats if s.examiner_id not in on)
    draft, found = replace_withdrawn(
        db, inst, Withdrawal(seat.examiner.code, seat.session.code, None, None, "生病"),
        {seat.session.code: spare.code},
    )  # fmt: skip
    assert not found
    return seat, spare, publish(db, inst, draft.version)


def test_a_first_publication_tells_everyone_seated(db, make):
    inst, _, _ = term(make)
    plan = publish(db, inst, solve_and_store(db, inst, *MARCH, FAST).version)
    made = notices(db, plan)
    seated = {s.examiner_id for s in plan.seats}
    assert set(made) == seated and seated
    for examiner, notice in made.items():
        mine = {(s.session_id, "added") for s in plan.seats if s.examiner_id == examiner}
        assert facts(notice) == mine and notice.status == NoticeStatus.PENDING
        assert notice.expires_at > NOW


def test_a_republication_tells_only_those_whose_seats_changed(db, make):
    inst, _, _ = term(make)
    first = publish(db, inst, solve_and_store(db, inst, *MARCH, FAST).version)
    before = notices(db, first)
    seat, spare, second = withdraw_one(db, inst, first)
    made = notices(db, second)
    assert set(made) == {seat.examiner_id, spare.id}
    assert facts(made[seat.examiner_id]) >= {(seat.session_id, "removed")}
    assert (seat.session_id, "added") in facts(made[spare.id])
    # the pending notices of the two are superseded; their other facts carried
    assert before[seat.examiner_id].status == NoticeStatus.SUPERSEDED
    kept = {f for f in facts(before[seat.examiner_id]) if f[0] != seat.session_id}
    assert kept <= facts(made[seat.examiner_id])
    untouched = set(before) - {seat.examiner_id, spare.id}
    assert untouched and all(before[e].status == NoticeStatus.PENDING for e in untouched)


def test_pending_notices_are_mailed_with_request_and_cancel_calendars(db, make, inbox):  # noqa: F811
    handler, port = inbox
    inst, _, _ = term(make)
    first = publish(db, inst, solve_and_store(db, inst, *MARCH, FAST).version)
    seat, _, second = withdraw_one(db, inst, first)
    links = link_maker(SECRET, "https://plan.example.org/")
    sent, failed = send_due(db, settings(port), links, NOW)
    mailed = [
        n
        for n in db.scalars(select(Notice))
        if n.examiner.email and n.status == NoticeStatus.PENDING
    ]
    assert (sent, failed) == (len(mailed), 0) and sent == len(handler.received)
    assert sent > 1 and len(handler.sessions) == 1  # one SMTP connection for the whole run
    assert all(local_time(n.sent_at) == NOW for n in mailed)
    assert all(n.sent_at is None for n in db.scalars(select(Notice)) if not n.examiner.email)
    assert send_due(db, settings(port), links, NOW) == (0, 0)  # once
    withdrawn = seat.examiner
    if withdrawn.email:
        (mail,) = [m for m in handler.received if m["To"] == withdrawn.email]
        body = mail.get_body(("plain",)).get_content()
        assert "取消：" in body and "第一考点" in body and "https://plan.example.org/n/" in body
        parts = {p.get_filename(): p for p in mail.iter_attachments()}
        cancel = Calendar.from_ical(parts["取消的考评任务.ics"].get_payload(decode=True))
        assert cancel["METHOD"] == "CANCEL"
        (event,) = cancel.walk("VEVENT")
        assert str(event["UID"]) == f"{inst.code}-{seat.session.code}-{withdrawn.code}@panelplan"
        assert event["SEQUENCE"] == second.version
        assert event.decoded("DTSTART") == datetime(2026, 3, 2, 9).replace(
            tzinfo=event.decoded("DTSTART").tzinfo
        )
        assert str(event.decoded("DTSTART").tzinfo) == "Asia/Shanghai"
    mail = next(m for m in handler.received if m["To"] != withdrawn.email)
    parts = {p.get_filename(): p for p in mail.iter_attachments()}
    request = Calendar.from_ical(parts["考评任务.ics"].get_payload(decode=True))
    assert request["METHOD"] == "REQUEST"
    for event in request.walk("VEVENT"):
        assert str(event["UID"]).startswith(f"{inst.code}-S") and event["SEQUENCE"] >= 1
        assert event.decoded("DTSTART").utcoffset() == timedelta(hours=8)
        assert "mailto:" in str(event["ATTENDEE"])


def test_a_dead_smtp_server_is_recorded_and_tried_again(db, make):
    inst, _, _ = term(make)
    plan = publish(db, inst, solve_and_store(db, inst, *MARCH, FAST).version)
    sent, failed = send_due(db, settings(free_port()), link_maker(SECRET, "http://x"), NOW)
    assert sent == 0 and failed >= 1
    errors = [n for n in notices(db, plan).values() if n.send_error]
    assert len(errors) == failed and all(n.sent_at is None for n in errors)


def test_the_personal_link_opens_its_notice_only_and_answers_once(db, make):
    inst, _, _ = term(make)
    plan = publish(db, inst, solve_and_store(db, inst, *MARCH, FAST).version)
    one, other = list(notices(db, plan).values())[:2]
    text = token(SECRET, one)
    assert open_notice(db, SECRET, text, NOW) is one
    for bad in (token("another-secret", one), _tampered(text), "garbage", ""):
        with pytest.raises(LinkRefused) as refused:
            open_notice(db, SECRET, bad, NOW)
        assert refused.value.why == "forged"
    # a token for another notice with this one's nonce is refused like a forgery
    with pytest.raises(LinkRefused):
        open_notice(db, SECRET, _forged_for(other, one), NOW)
    with pytest.raises(LinkRefused) as late:
        open_notice(db, SECRET, text, local_time(one.expires_at) + timedelta(minutes=1))
    assert late.value.why == "expired"
    code = one.seats[0].session.code
    with pytest.raises(Refused) as empty:
        answer(db, one, {code: (False, "  ")}, NOW)
    assert "原因" in empty.value.lines("zh")[0] and "第一考点" in empty.value.lines("zh")[0]
    with pytest.raises(Refused):
        answer(db, one, {code: (False, "长" * 201)}, NOW)
    with pytest.raises(Refused) as nothing:  # a seat chosen is needed
        answer(db, one, {}, NOW)
    assert "参加" in nothing.value.lines("zh")[0]
    assert all(s.confirmed is None for s in one.seats)  # nothing recorded by a refusal
    answer(db, one, {s.session.code: (False, "家中有事\x07") for s in one.seats}, NOW)
    assert one.status == NoticeStatus.DECLINED
    assert {(s.confirmed, s.reason) for s in one.seats} == {(False, "家中有事")}
    with pytest.raises(Refused) as again:  # a replay after the answer
        answer(db, one, {code: (True, "")}, NOW)
    assert "已经答复" in again.value.lines("zh")[0]


def _tampered(text: str) -> str:
    """`text` with the first character of its signature changed (always another signature)."""
    payload, stamp, signature = text.split(".")
    return f"{payload}.{stamp}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"


def _forged_for(target: Notice, source: Notice) -> str:
    """A token signed for `source` whose id is swapped for `target`'s: the signature breaks."""
    return str(URLSafeTimedSerializer("test-secret", salt=SALT).dumps([target.id, source.nonce]))


def test_a_superseded_notice_s_link_says_so(db, make):
    inst, _, _ = term(make)
    first = publish(db, inst, solve_and_store(db, inst, *MARCH, FAST).version)
    before = notices(db, first)
    seat, _, _ = withdraw_one(db, inst, first)
    with pytest.raises(LinkRefused) as refused:
        open_notice(db, SECRET, token(SECRET, before[seat.examiner_id]), NOW)
    assert refused.value.why == "superseded"


def test_declines_and_answers_per_seat_stay_in_their_institution(db, make):
    inst, _, _ = term(make)
    plan = publish(db, inst, solve_and_store(db, inst, *MARCH, FAST).version)
    other, _, _ = term(make)
    publish(db, other, solve_and_store(db, other, *MARCH, FAST).version)
    made = notices(db, plan)
    one = next(iter(made.values()))
    answer(db, one, {s.session.code: (False, "出差") for s in one.seats}, NOW)
    nxt = list(made.values())[1]
    answer(db, nxt, {s.session.code: (True, "") for s in nxt.seats}, NOW)
    found = declines(db, inst, date(2026, 2, 20))
    assert [d.notice.id for d in found] == [one.id] and found[0].sessions
    assert declines(db, other, date(2026, 2, 20)) == []
    marks = answers(db, inst, plan)
    code = one.examiner.code
    assert {v for (s, e), v in marks.items() if e == code} == {"declined"}
    assert {v for (s, e), v in marks.items() if e == nxt.examiner.code} == {"confirmed"}
    rows = call_list(db, inst, plan)
    assert [r.email is None for r in rows] == sorted((r.email is None for r in rows), reverse=True)
    assert {r.examiner_code for r in rows} == {n.examiner.code for n in made.values()}
    assert all(r.seats and r.seats[0].words("zh").startswith("新增：2026-03-0") for r in rows)
    # once the declined seat is no longer in force, the dashboard drops it
    db.execute(PanelSeat.__table__.delete().where(PanelSeat.examiner_id == one.examiner_id))
    assert declines(db, inst, date(2026, 2, 20)) == []
