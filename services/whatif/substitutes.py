"""What if an examiner withdraws: the seats affected, ranked substitutes, a draft by hand.

The withdrawal is read against the published plan: every seat of the examiner in a session
touching the withdrawn days (or the one session named) is affected. For each, the examiners
the checker accepts in that seat (`services.planning.edit_checks.seat_candidates`, on the published plan's
instance with the withdrawal added) are ranked by what they do to fairness: their load after
taking the seat against the fair share, then their leaderships. Choosing substitutes records
the withdrawal (`services.whatif.withdrawals.record_withdrawals`) and stores a draft through the edit
service; a rerun with minimal changes is a what-if solve job (`services.planning.solve_jobs`).
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from models import Institution, Plan
from services.messages import Problem, Refused, level_words
from services.people.queries import examiners_by_code
from services.planning.cache import LoadedPlan
from services.planning.edit_checks import Verdict, seat_candidates
from services.planning.edits import Change, save_draft
from services.whatif.rerun import drop_broken_locks
from services.whatif.withdrawals import (
    Withdrawal,
    describe,
    published_plan,
    record_withdrawals,
    withdrawal_periods,
)
from solver.check import days
from solver.facts import Facts
from solver.messages import GRADE_NAMES, name
from solver.schema import Diagnostic, Instance, Period, Result

MESSAGES = {
    "not_affected": {
        "zh": "场次 {session} 不受此次退出影响",
        "en": "session {session} is not affected by this withdrawal",
    },
    "why": {
        "zh": "具备{occupation} {top}级考评资格（{grade}）；聘期至 {appointment}；"
        "证书有效至 {until}；与本场考生无回避关系；当时无其他安排",
        "en": "qualified for {occupation} up to level {top} ({grade}); appointed until "
        "{appointment}; certificate valid until {until}; no conflict with this session's "
        "candidates; free at that time",
    },
    "may_lead": {"zh": "可任组长", "en": "may lead"},
}


@dataclass(frozen=True)
class Substitute:
    """An examiner the checker accepts in the seat, and what taking it does to fairness."""

    examiner: str
    name: str
    load_after: int
    leads_after: int
    why: str
    phone: str = ""  # to call them the day before a session


@dataclass
class AffectedSeat:
    """One seat the withdrawn examiner leaves, with its ranked substitutes."""

    session: str
    start: datetime
    venue: str
    occupation: str
    leads: bool
    substitutes: list[Substitute] = field(default_factory=list)
    refused: list[Verdict] = field(default_factory=list)


@dataclass
class Preview:
    """The withdrawal read against the published plan (nothing recorded)."""

    published: Plan
    withdrawal: Withdrawal
    seats: list[AffectedSeat]
    fair_share: float
    fair_leads: float


def preview(
    db: Session, institution: Institution, withdrawal: Withdrawal, lang: str = "zh",
    view: LoadedPlan | None = None,
) -> Preview:  # fmt: skip
    """The affected seats and their ranked substitutes; refused like a recorded withdrawal.

    `view` is the published plan already loaded (the web app's cache), else it is loaded here.
    The fair share is the plan's seats (and leaderships) divided by the examiners who may
    serve (active ones, and anyone with a seat), as on the plan's load chart.
    """
    published = published_plan(db, institution, content=view is None)
    if view is None:
        view = LoadedPlan.of(published)
    planned = {s.id for s in view.instance.sessions}
    periods = withdrawal_periods(db, institution, published, [withdrawal], planned)
    instance, result = with_withdrawals(view.instance, periods), view.result
    facts = Facts(instance)
    load = Counter(m for a in view.panels.values() for m in a.members)
    leads = Counter(a.leader for a in view.panels.values() if a.leader)
    able = max(1, sum(1 for e in instance.examiners if e.status == "active" or load[e.id]))
    fair = sum(load.values()) / able, sum(leads.values()) / able
    seats = []
    for sid in affected(instance, result, withdrawal.examiner, periods):
        s, a = facts.sessions[sid], view.panels[sid]
        venue = facts.venues[s.venue].name if s.venue in facts.venues else s.venue
        trade = f"{facts.occupation_name(s.occupation)} {level_words(s.level, lang)}"
        seat = AffectedSeat(sid, s.start, venue or s.venue, trade, a.leader == withdrawal.examiner)
        key = ("substitutes", withdrawal.examiner, str(periods), sid, lang)
        judge = partial(seat_candidates, instance, result, sid, withdrawal.examiner, lang, facts)
        verdicts = view.memo(key, judge)
        for v in verdicts:
            if not v.accepted:
                seat.refused.append(v)
                continue
            seat.substitutes.append(
                Substitute(v.examiner, v.name, load[v.examiner] + 1,
                           leads[v.examiner] + seat.leads, _why(facts, v.examiner, sid, lang))
            )  # fmt: skip
        seat.substitutes.sort(key=lambda x: (x.load_after - fair[0], x.leads_after, x.examiner))
        seats.append(seat)
    _add_phones(db, institution, seats)
    return Preview(published, withdrawal, seats, fair[0], fair[1])


def _add_phones(db: Session, institution: Institution, seats: list[AffectedSeat]) -> None:
    """Each substitute's phone number as recorded (one query for every seat)."""
    codes = sorted({x.examiner for seat in seats for x in seat.substitutes})
    found = examiners_by_code(db, institution.id, codes) if codes else {}
    for seat in seats:
        seat.substitutes = [
            replace(x, phone=found[x.examiner].phone or "") if x.examiner in found else x
            for x in seat.substitutes
        ]


def with_withdrawals(instance: Instance, periods: dict[str, list[tuple[date, date]]]) -> Instance:
    """`instance` with the withdrawn periods added to the examiners' unavailability."""
    examiners = tuple(
        e.model_copy(
            update={
                "unavailable": (
                    *e.unavailable,
                    *(Period(start=a.isoformat(), end=b.isoformat()) for a, b in periods[e.id]),
                )
            }
        )
        if e.id in periods
        else e
        for e in instance.examiners
    )
    return instance.model_copy(update={"examiners": examiners})


def withdrawn(raw: dict[str, Any], periods: dict[str, list[tuple[date, date]]]) -> dict[str, Any]:
    """A copy of `raw` with the withdrawn periods added to the examiners' unavailability."""
    out = copy.deepcopy(raw)
    for e in out["examiners"]:
        for start, end in periods.get(e["id"], ()):
            e.setdefault("unavailable", []).append(
                {"start": start.isoformat(), "end": end.isoformat()}
            )
    return out


def affected(
    instance: Instance, result: Result, examiner: str, periods: dict[str, list[tuple[date, date]]]
) -> list[str]:
    """Sessions (in time order) where `examiner` sits on a withdrawn day."""
    sessions = {s.id: s for s in instance.sessions}
    out = []
    for a in result.assignments:
        s = sessions.get(a.session)
        if s is None or examiner not in a.members:
            continue
        first, last = days(s)
        if any(p <= last and first <= q for p, q in periods.get(examiner, ())):
            out.append(s)
    return [s.id for s in sorted(out, key=lambda s: s.order_key)]


def _why(facts: Facts, eid: str, sid: str, lang: str) -> str:
    """Why the examiner may take the seat, from the facts the checker also reads."""
    e, s = facts.examiners[eid], facts.sessions[sid]
    first, last = days(s)
    top = min(q.top_level for q in e.qualifications if q.occupation == s.occupation)
    term = next((a.end for a in e.appointments if a.covers(first, last)), None)
    text = MESSAGES["why"][lang].format(
        occupation=facts.occupation_name(s.occupation), top=top,
        grade=name(GRADE_NAMES, e.grade, lang), appointment=term or "—",
        until=e.certified_until or "—",
    )  # fmt: skip
    if not facts.leader_reasons(e, s):
        text += ("；" if lang == "zh" else "; ") + MESSAGES["may_lead"][lang]
    return text


def replace_withdrawn(
    db: Session, institution: Institution, withdrawal: Withdrawal, choices: dict[str, str]
) -> tuple[Plan, list[Diagnostic]]:
    """Record the withdrawal and store a draft with the chosen substitutes (session -> code)."""
    published = published_plan(db, institution)
    periods = withdrawal_periods(db, institution, published, [withdrawal])
    view = LoadedPlan.of(published)
    instance, result = view.instance, view.result
    seats = set(affected(instance, result, withdrawal.examiner, periods))
    wrong = [Problem.of(MESSAGES, "not_affected", "session", session=s) for s in choices]
    wrong = [p for p in wrong if p.params["session"] not in seats]
    if wrong:
        raise Refused(wrong)
    changes = [Change(sid, withdrawal.examiner, into) for sid, into in sorted(choices.items())]
    with db.begin_nested():  # a refused draft leaves no withdrawal behind
        periods = record_withdrawals(db, institution, published, [withdrawal])
        raw = withdrawn(published.instance, periods)
        drop_broken_locks(raw, periods)
        return save_draft(db, institution, published, changes, raw=raw,
                          note=describe([withdrawal]))  # fmt: skip
