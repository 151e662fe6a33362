"""The personal link of a notice: signed, expiring, no login; the examiner's answer.

The token is the notice id and its nonce signed with the application's secret
(`itsdangerous`, salted for this use only). It opens one notice and nothing else: a forged
or altered token, one for a notice that does not exist and one whose nonce differs all read
the same (nothing to enumerate). The examiner answers seat by seat, each seat once; a newer notice
to the same examiner supersedes a pending one; after `Notice.expires_at` the link only says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from models import AssessmentSession
from models.base import local_time
from models.history import audit
from models.notices import Notice, NoticeSeat, NoticeStatus, SeatChange
from services.messages import Problem, Refused

from .record import LONGEST

SALT = "panelplan-notice-link"
REASON_LENGTH = 200  # characters of a decline's reason (the column's width)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

MESSAGES = {
    "choose": {
        "zh": "请为每个场次选择“参加”或“不能参加”",
        "en": "choose “I take part” or “I cannot take part” for each session",
    },
    "reason_missing": {
        "zh": "请说明不能参加 {when}（{venue}）这一场的原因",
        "en": "say why you cannot take part in the session of {when} at {venue}",
    },
    "reason_long": {
        "zh": "原因最多 {limit} 个字",
        "en": "the reason is at most {limit} characters",
    },
    "answered": {
        "zh": "这份通知已经答复过了",
        "en": "this notice has already been answered",
    },
    "closed": {
        "zh": "这份通知已不能答复（已过期或已被更新的通知取代）",
        "en": "this notice can no longer be answered (expired or replaced by a newer one)",
    },
}
Choice = tuple[bool, str]  # the examiner takes part (True) or not, and why not


@dataclass(frozen=True)
class LinkRefused(Exception):
    """Why a link opens nothing: forged (also unknown), expired or superseded."""

    why: str  # "forged" | "expired" | "superseded"


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT)


def token(secret: str, notice: Notice) -> str:
    """The token of `notice`'s personal link."""
    return str(_serializer(secret).dumps([notice.id, notice.nonce]))


def open_notice(db: Session, secret: str, text: str, now: datetime) -> Notice:
    """The notice `text` opens, or LinkRefused saying why not."""
    try:
        ident, nonce = _serializer(secret).loads(
            text[:400], max_age=int(LONGEST.total_seconds()) + 86400
        )
    except SignatureExpired as expired:
        raise LinkRefused("expired") from expired
    except (BadData, ValueError, TypeError) as bad:
        raise LinkRefused("forged") from bad
    notice = db.get(Notice, ident) if isinstance(ident, int) else None
    if notice is None or not isinstance(nonce, str) or notice.nonce != nonce:
        raise LinkRefused("forged")
    if notice.status == NoticeStatus.SUPERSEDED:
        raise LinkRefused("superseded")
    if notice.status == NoticeStatus.PENDING and local_time(notice.expires_at) < now:
        raise LinkRefused("expired")
    return notice


def waiting(notice: Notice) -> dict[str, NoticeSeat]:
    """The seats of `notice` that wait for an answer, by session code (removed ones ask none)."""
    return {
        seat.session.code: seat
        for seat in notice.seats
        if seat.change != SeatChange.REMOVED and seat.confirmed is None
    }


def answer(db: Session, notice: Notice, choices: Mapping[str, Choice], now: datetime) -> int:
    """Record the examiner's answers seat by seat (session code: choice); how many still wait.

    Seats not named keep waiting (the examiner may answer the rest later); a notice that only
    removes seats is acknowledged by an answer naming none. Nothing is recorded when a
    decline lacks its reason.
    """
    if notice.status in (NoticeStatus.CONFIRMED, NoticeStatus.DECLINED):
        raise Refused([Problem.of(MESSAGES, "answered", "notice")])
    if notice.status != NoticeStatus.PENDING or local_time(notice.expires_at) < now:
        raise Refused([Problem.of(MESSAGES, "closed", "notice")])
    open_seats = waiting(notice)
    picked = {code: choice for code, choice in choices.items() if code in open_seats}
    if open_seats and not picked:
        raise Refused([Problem.of(MESSAGES, "choose", "session")])
    cleaned = {code: (takes, CONTROL.sub("", why).strip()) for code, (takes, why) in picked.items()}
    problems = [
        _reason_problem(open_seats[code].session, why)
        for code, (takes, why) in cleaned.items()
        if not takes and (not why or len(why) > REASON_LENGTH)
    ]
    if problems:
        raise Refused(problems)
    when = now.astimezone(UTC)
    for code, (takes, why) in cleaned.items():
        seat = open_seats[code]
        seat.confirmed, seat.reason, seat.answered_at = takes, None if takes else why, when
    left = len(open_seats) - len(cleaned)
    if not left:
        declined = any(seat.confirmed is False for seat in notice.seats)
        notice.status = NoticeStatus.DECLINED if declined else NoticeStatus.CONFIRMED
        notice.answered_at = when
    audit(
        db, "notice_answered", f"notice {notice.id}", notice.institution_id,
        examiner=notice.examiner_id, status=notice.status.value,
        seats={code: takes for code, (takes, _) in sorted(cleaned.items())},
    )  # fmt: skip
    db.flush()
    return left


def _reason_problem(session: AssessmentSession, why: str) -> Problem:
    if why:
        return Problem.of(MESSAGES, "reason_long", "reason", limit=REASON_LENGTH)
    when = f"{session.start:%Y-%m-%d %H:%M}"
    return Problem.of(MESSAGES, "reason_missing", "reason", when=when, venue=session.venue.name)


def link_maker(secret: str, base_url: str) -> Callable[[Notice], str]:
    """A function giving each notice's personal link under `base_url` (`/n/<token>`)."""
    root = base_url.rstrip("/")
    return lambda notice: f"{root}/n/{token(secret, notice)}"
