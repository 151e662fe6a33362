"""Reads of notices: a notice's seats as facts with the examiner's answer for each, the call
list of a plan, the answer per seat (one query for a whole plan: the term timeline stays
fast) and the declined seats the dashboard lists (while still in force and to come)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import (
    AssessmentSession,
    Examiner,
    Institution,
    Occupation,
    PanelSeat,
    Plan,
    PlanSeat,
    Venue,
)
from models.notices import Notice, NoticeSeat, NoticeStatus, SeatChange

WEEKDAYS = {"zh": "一二三四五六日", "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}
CHANGES = {
    "zh": {"added": "新增", "removed": "取消", "changed": "角色变更"},
    "en": {"added": "added", "removed": "cancelled", "changed": "role changed"},
}
ROLES = {"zh": {"leader": "组长", "member": "组员"}, "en": {"leader": "leader", "member": "member"}}
LEVELS = "一二三四五"
ANSWER_WORDS = {
    "zh": {"confirmed": "✓ 参加", "declined": "✗ 不能参加", "pending": "待答复", "none": ""},
    "en": {"confirmed": "✓ taking part", "declined": "✗ cannot take part",
           "pending": "not answered yet", "none": ""},
}  # fmt: skip


@dataclass(frozen=True)
class SeatLine:
    """One fact of a notice with what the examiner needs to know of the session."""

    session: str
    start: datetime
    end: datetime
    venue: str
    address: str
    occupation: str
    level: int
    change: str  # added / removed / changed
    role: str | None
    previous_role: str | None
    confirmed: bool | None = None  # the examiner's answer for this seat (None: none yet)
    reason: str | None = None  # why they cannot take part

    @property
    def answer(self) -> str:
        """`confirmed`, `declined`, `pending`, or `none` for a removed seat (asks no answer)."""
        if self.change == SeatChange.REMOVED:
            return "none"
        return {None: "pending", True: "confirmed", False: "declined"}[self.confirmed]

    def answer_words(self, lang: str = "zh") -> str:
        """`✓ 参加`, `✗ 不能参加：出差`, `待答复`, or nothing for a removed seat."""
        words = ANSWER_WORDS[lang][self.answer]
        if self.answer == "declined" and self.reason:
            words += ("：" if lang == "zh" else ": ") + self.reason
        return words

    def words(self, lang: str = "zh") -> str:
        """`新增：2026-03-02（周一）09:00–13:00，考点1，车工 三级，组长`."""
        day = WEEKDAYS[lang][self.start.weekday()]
        when = (
            f"{self.start:%Y-%m-%d}（周{day}）"
            if lang == "zh"
            else f"{self.start:%Y-%m-%d} ({day})"
        )
        level = f"{LEVELS[self.level - 1]}级" if lang == "zh" and 1 <= self.level <= 5 else (
            f"level {self.level}")  # fmt: skip
        roles = ROLES[lang]
        if self.change == SeatChange.CHANGED:
            role = f"{roles[self.previous_role or 'member']} → {roles[self.role or 'member']}"
        else:
            role = roles[self.role or self.previous_role or "member"]
        sep = "，" if lang == "zh" else ", "
        change = CHANGES[lang][self.change] + ("：" if lang == "zh" else ": ")
        return change + sep.join(
            [f"{when} {self.start:%H:%M}–{self.end:%H:%M}", self.venue,
             f"{self.occupation} {level}", role]
        )  # fmt: skip


@dataclass(frozen=True)
class NoticeView:
    """A notice as the call list, the e-mail and the personal page show it."""

    id: int
    plan_version: int
    institution: str
    examiner_code: str
    examiner_name: str
    email: str | None
    phone: str | None
    status: str
    sent_at: datetime | None
    send_error: str | None
    answered_at: datetime | None
    expires_at: datetime
    seats: tuple[SeatLine, ...]


def seat_lines(db: Session, notice_ids: Iterable[int]) -> dict[int, list[SeatLine]]:
    """The facts of each notice, sessions in time order."""
    rows = db.execute(
        select(NoticeSeat.notice_id, NoticeSeat.change, NoticeSeat.role, NoticeSeat.previous_role,
               NoticeSeat.confirmed, NoticeSeat.reason, AssessmentSession.code, AssessmentSession.start, AssessmentSession.end,
               AssessmentSession.level, Venue.name, Venue.address, Occupation.name)
        .join(AssessmentSession, AssessmentSession.id == NoticeSeat.session_id)
        .join(Venue, Venue.id == AssessmentSession.venue_id)
        .join(Occupation, Occupation.id == AssessmentSession.occupation_id)
        .where(NoticeSeat.notice_id.in_(list(notice_ids)))
        .order_by(AssessmentSession.start, AssessmentSession.code)
    )  # fmt: skip
    found: dict[int, list[SeatLine]] = defaultdict(list)
    for n, change, role, was, confirmed, why, code, start, end, level, venue, place, trade in rows:
        found[n].append(
            SeatLine(code, start, end, venue, place or "", trade, level, change.value,
                     role.value if role else None, was.value if was else None, confirmed, why)
        )  # fmt: skip
    return found


def views(db: Session, notices: list[Notice]) -> list[NoticeView]:
    """`notices` with their examiner, plan and facts (three queries in all)."""
    lines = seat_lines(db, [n.id for n in notices])
    return [
        NoticeView(
            n.id,
            n.plan.version,
            _institution_name(db, n.institution_id),
            n.examiner.code,
            n.examiner.name,
            n.examiner.email,
            n.examiner.phone,
            n.status.value,
            n.sent_at,
            n.send_error,
            n.answered_at,
            n.expires_at,
            tuple(lines.get(n.id, ())),
        )
        for n in notices
    ]


def _institution_name(db: Session, ident: int) -> str:
    found = db.get(Institution, ident)
    return found.name if found else ""


def plan_notices(db: Session, institution: Institution, plan: Plan) -> list[Notice]:
    """The notices of `plan`: examiners without e-mail first, then by code."""
    return list(
        db.scalars(
            select(Notice)
            .join(Examiner, Examiner.id == Notice.examiner_id)
            .where(Notice.institution_id == institution.id, Notice.plan_id == plan.id)
            .options(selectinload(Notice.examiner), selectinload(Notice.plan))
            .order_by(Examiner.email.is_not(None), Examiner.code)
        )
    )


def call_list(db: Session, institution: Institution, plan: Plan) -> list[NoticeView]:
    """The call list of `plan` (as `plan_notices` orders it)."""
    return views(db, plan_notices(db, institution, plan))


def answers(db: Session, institution: Institution, plan: Plan) -> dict[tuple[str, str], str]:
    """The answer per seat of `plan` ((session code, examiner code): `confirmed`, `declined` or
    `pending`) from the newest notice naming the seat, in one query."""
    rows = db.execute(
        select(AssessmentSession.code, Examiner.code, NoticeSeat.confirmed)
        .select_from(NoticeSeat)
        .join(Notice, Notice.id == NoticeSeat.notice_id)
        .join(AssessmentSession, AssessmentSession.id == NoticeSeat.session_id)
        .join(Examiner, Examiner.id == Notice.examiner_id)
        .where(
            Notice.institution_id == institution.id,
            Notice.status != NoticeStatus.SUPERSEDED,
            NoticeSeat.change != SeatChange.REMOVED,
            NoticeSeat.session_id.in_(
                select(PlanSeat.session_id).where(PlanSeat.plan_id == plan.id)
            ),
        )
        .order_by(Notice.id)
    )
    states = {None: "pending", True: "confirmed", False: "declined"}
    return {(session, examiner): states[confirmed] for session, examiner, confirmed in rows}


@dataclass(frozen=True)
class Decline:
    """An examiner's declined seats still theirs and to come: each opens its own what-if."""

    notice: NoticeView
    sessions: tuple[SeatLine, ...]  # the declined seats still to fill, each with its reason


def declines(db: Session, institution: Institution, today: date) -> list[Decline]:
    """Notices with a declined seat the examiner still holds, from `today` on."""
    first = datetime.combine(today, datetime.min.time())
    to_come = (
        select(NoticeSeat.notice_id)
        .join(AssessmentSession, AssessmentSession.id == NoticeSeat.session_id)
        .where(NoticeSeat.confirmed.is_(False), AssessmentSession.start >= first)
    )
    notices = db.scalars(
        select(Notice)
        .where(
            Notice.institution_id == institution.id,
            Notice.status != NoticeStatus.SUPERSEDED,
            Notice.id.in_(to_come),
        )
        .options(selectinload(Notice.examiner), selectinload(Notice.plan))
        .order_by(Notice.id)
    ).all()
    held = set(
        db.execute(
            select(PanelSeat.examiner_id, AssessmentSession.code)
            .join(AssessmentSession, AssessmentSession.id == PanelSeat.session_id)
            .where(PanelSeat.examiner_id.in_([n.examiner_id for n in notices]))
        ).all()
    )
    found = []
    for notice, view in zip(notices, views(db, list(notices)), strict=True):
        open_seats = tuple(
            s for s in view.seats
            if s.answer == "declined" and s.start >= first
            and (notice.examiner_id, s.session) in held
        )  # fmt: skip
        if open_seats:
            found.append(Decline(view, open_seats))
    return found
