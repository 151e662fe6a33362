"""The call list in words: whether each examiner's e-mail went out and what they answered, as
the page, the workbook and `panelplan notices` show it (one wording for all three)."""

from __future__ import annotations

from collections.abc import Callable

from models.base import local_time
from services.exports.call_list import CallRow

from .queries import ANSWER_WORDS, NoticeView

WORDS = {
    "zh": {
        "sent": "已发送 {when}",
        "no_email": "无邮箱：请电话通知",
        "failed": "发送失败，将自动重试",
        "waiting": "等待发送",
        "confirmed": "已确认",
        "declined": "有 {n} 场不能参加",
        "pending": "待答复",
        "partly": "待答复 {left} 场（已答复 {done} 场）",
        "acknowledge": "待确认收到",
        "superseded": "已被更新的通知取代",
    },
    "en": {
        "sent": "sent {when}",
        "no_email": "no e-mail: call",
        "failed": "sending failed; tried again",
        "waiting": "waiting to be sent",
        "confirmed": "confirmed",
        "declined": "cannot take part in {n}",
        "pending": "not answered yet",
        "partly": "{left} not answered yet ({done} answered)",
        "acknowledge": "receipt not confirmed yet",
        "superseded": "replaced by a newer notice",
    },
}


def mailed(view: NoticeView, lang: str = "zh") -> str:
    """Whether the e-mail went out: `已发送 2026-03-01 09:00`, `无邮箱：请电话通知`, …"""
    words = WORDS[lang]
    if view.sent_at:
        return words["sent"].format(when=f"{local_time(view.sent_at):%Y-%m-%d %H:%M}")
    if not view.email:
        return words["no_email"]
    return words["failed"] if view.send_error else words["waiting"]


def answered(view: NoticeView, lang: str = "zh") -> str:
    """What the examiner answered, over their seats: `已确认`, `有 1 场不能参加`, `待答复`, …"""
    words = WORDS[lang]
    asked = [s for s in view.seats if s.answer != "none"]
    declined = sum(s.answer == "declined" for s in asked)
    left = sum(s.answer == "pending" for s in asked)
    if view.status == "superseded":
        return words["superseded"]
    if not asked:
        return words["confirmed"] if view.status == "confirmed" else words["acknowledge"]
    if left and left < len(asked):
        return words["partly"].format(left=left, done=len(asked) - left)
    if left:
        return words["pending"]
    return words["declined"].format(n=declined) if declined else words["confirmed"]


def reasons(view: NoticeView, lang: str = "zh") -> tuple[str, ...]:
    """Why they cannot take part, one line per declined seat (`2026-03-02 第一考点：出差`)."""
    sep = "：" if lang == "zh" else ": "
    return tuple(
        f"{s.start:%Y-%m-%d} {s.venue}{sep}{s.reason}" for s in view.seats if s.answer == "declined"
    )


def call_rows(views: list[NoticeView], phone: Callable[[str | None], str]) -> list[CallRow]:
    """The workbook's rows (Chinese), phones as `phone` shows them to the reader."""
    return [_row(v, phone) for v in views]


def _row(v: NoticeView, phone: Callable[[str | None], str]) -> CallRow:
    changes = tuple(_line(s.words("zh"), ANSWER_WORDS["zh"][s.answer]) for s in v.seats)
    return CallRow(
        v.examiner_code, v.examiner_name, phone(v.phone), v.email or "", changes,
        mailed(v), answered(v), "\n".join(reasons(v)),
    )  # fmt: skip


def _line(change: str, answer: str) -> str:
    return f"{change}（{answer}）" if answer else change
