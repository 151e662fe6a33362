"""The notices of a publication: per examiner, the seats it added, removed or changed.

`publishing.publish` reads the panels in force of the plan's sessions before it replaces
them (`in_force`) and calls `record` after: each examiner whose seats differ gets one notice
(on a first publication, everyone seated). A pending notice to the same examiner is
superseded by the new one, which carries its facts, and the answers already given, on the
sessions this publication left alone (nothing the examiner was not yet told is lost, and no
seat they already answered is asked again).
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AssessmentSession, PanelSeat, Plan, PlanSeat
from models.base import LOCAL, SeatRole
from models.notices import Notice, NoticeSeat, NoticeStatus, SeatChange

Seats = dict[tuple[int, int], SeatRole]  # (examiner id, session id): role
LONGEST = timedelta(days=30)  # a personal link lives at most this long
SHORTEST = timedelta(days=1)  # and at least this long, even for a session tomorrow morning


def in_force(db: Session, plan: Plan) -> Seats:
    """The panels in force of `plan`'s sessions, before it is brought into force."""
    sessions = select(PlanSeat.session_id).where(PlanSeat.plan_id == plan.id)
    rows = db.execute(
        select(PanelSeat.examiner_id, PanelSeat.session_id, PanelSeat.role).where(
            PanelSeat.session_id.in_(sessions)
        )
    )
    return {(e, s): role for e, s, role in rows}


def record(db: Session, plan: Plan, before: Seats, now: datetime) -> list[Notice]:
    """One notice per examiner whose seats `plan` changed against `before`; pending ones superseded."""
    after: Seats = {
        (e, s): role
        for e, s, role in db.execute(
            select(PlanSeat.examiner_id, PlanSeat.session_id, PlanSeat.role).where(
                PlanSeat.plan_id == plan.id
            )
        )
    }
    facts = _differences(before, after)
    carried = _supersede(db, plan, set(facts))
    for examiner, older in carried.items():
        for session, fact in older.items():
            facts[examiner].setdefault(session, fact)
    ends = _ends(db, {s for seats in facts.values() for s in seats})
    notices = []
    for examiner in sorted(e for e, seats in facts.items() if seats):
        seats = facts[examiner]
        last = max((ends[s] for s in seats), default=now)
        notice = Notice(
            institution_id=plan.institution_id, plan_id=plan.id, examiner_id=examiner,
            nonce=secrets.token_hex(16), status=NoticeStatus.PENDING, created_at=now,
            expires_at=min(max(last, now + SHORTEST), now + LONGEST).astimezone(UTC),
            seats=[NoticeSeat(session_id=s, change=f.change, role=f.role,
                              previous_role=f.previous, confirmed=f.confirmed,
                              reason=f.reason, answered_at=f.answered_at)
                   for s, f in sorted(seats.items())],
        )  # fmt: skip
        db.add(notice)
        notices.append(notice)
    db.flush()
    return notices


@dataclass(frozen=True)
class Fact:
    """What changed on one seat, and the examiner's answer when a superseded notice had one."""

    change: SeatChange
    role: SeatRole | None  # now (None: removed)
    previous: SeatRole | None  # before (None: added)
    confirmed: bool | None = None
    reason: str | None = None
    answered_at: datetime | None = None


def _differences(before: Seats, after: Seats) -> defaultdict[int, dict[int, Fact]]:
    facts: defaultdict[int, dict[int, Fact]] = defaultdict(dict)
    for (examiner, session), role in after.items():
        was = before.get((examiner, session))
        if was is None:
            facts[examiner][session] = Fact(SeatChange.ADDED, role, None)
        elif was != role:
            facts[examiner][session] = Fact(SeatChange.CHANGED, role, was)
    for (examiner, session), was in before.items():
        if (examiner, session) not in after:
            facts[examiner][session] = Fact(SeatChange.REMOVED, None, was)
    return facts


def _supersede(db: Session, plan: Plan, examiners: set[int]) -> dict[int, dict[int, Fact]]:
    """Supersede the pending notices of the institution's examiners told anew; their facts."""
    older = db.scalars(
        select(Notice)
        .where(
            Notice.institution_id == plan.institution_id,
            Notice.status == NoticeStatus.PENDING,
            Notice.examiner_id.in_(examiners),
        )
        .order_by(Notice.id)
    ).all()
    carried: dict[int, dict[int, Fact]] = defaultdict(dict)
    for notice in older:
        notice.status = NoticeStatus.SUPERSEDED
        for seat in notice.seats:
            carried[notice.examiner_id][seat.session_id] = Fact(
                seat.change, seat.role, seat.previous_role, seat.confirmed, seat.reason,
                seat.answered_at,
            )  # fmt: skip
    return carried


def _ends(db: Session, sessions: set[int]) -> dict[int, datetime]:
    """When each session ends, as an aware time (sessions are stored on the local clock)."""
    rows = db.execute(
        select(AssessmentSession.id, AssessmentSession.end).where(
            AssessmentSession.id.in_(sessions)
        )
    )
    return {ident: end.replace(tzinfo=LOCAL) for ident, end in rows}
