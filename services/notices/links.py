"""The personal link of a notice: signed, expiring, no login; the examiner's answer.

The token is the notice id and its nonce signed with the application's secret
(`itsdangerous`, salted for this use only). It opens one notice and nothing else: a forged
or altered token, one for a notice that does not exist and one whose nonce differs all read
the same (nothing to enumerate). A notice answers once; a newer notice to the same examiner
supersedes a pending one; after `Notice.expires_at` the link only says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from models.base import local_time
from models.history import audit
from models.notices import Notice, NoticeStatus
from services.messages import Problem, Refused

from .record import LONGEST

SALT = "panelplan-notice-link"
REASON_LENGTH = 200  # characters of a decline's reason (the column's width)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

MESSAGES = {
    "reason_missing": {
        "zh": "请说明不能参加的原因",
        "en": "say why you cannot take part",
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


def answer(db: Session, notice: Notice, confirmed: bool, reason: str, now: datetime) -> None:
    """Record the examiner's answer: confirmed, or declined with a reason (once)."""
    if notice.status in (NoticeStatus.CONFIRMED, NoticeStatus.DECLINED):
        raise Refused([Problem.of(MESSAGES, "answered", "notice")])
    if notice.status != NoticeStatus.PENDING or local_time(notice.expires_at) < now:
        raise Refused([Problem.of(MESSAGES, "closed", "notice")])
    reason = CONTROL.sub("", reason).strip()
    if not confirmed and not reason:
        raise Refused([Problem.of(MESSAGES, "reason_missing", "reason")])
    if len(reason) > REASON_LENGTH:
        raise Refused([Problem.of(MESSAGES, "reason_long", "reason", limit=REASON_LENGTH)])
    notice.status = NoticeStatus.CONFIRMED if confirmed else NoticeStatus.DECLINED
    notice.reason = None if confirmed else reason
    notice.answered_at = now.astimezone(UTC)
    audit(
        db, "notice_answered", f"notice {notice.id}", notice.institution_id,
        examiner=notice.examiner_id, status=notice.status.value,
    )  # fmt: skip
    db.flush()


def link_maker(secret: str, base_url: str) -> Callable[[Notice], str]:
    """A function giving each notice's personal link under `base_url` (`/n/<token>`)."""
    root = base_url.rstrip("/")
    return lambda notice: f"{root}/n/{token(secret, notice)}"
