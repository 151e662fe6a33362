"""The e-mail of a notice: Chinese text with the personal link, and two calendars.

`send_due` mails each pending notice not sent yet to an examiner with an e-mail address: the
sessions added, removed or changed (date, time, venue, occupation, role 组长/组员), the
personal link, a METHOD:REQUEST calendar for the seats added or changed and a METHOD:CANCEL
one for the seats removed. A failure to send is recorded on the notice (`send_error`) and
never raised: the next run tries again while the notice is pending and not expired. The
messages of one run go over one SMTP connection (a new one every `notify.PER_CONNECTION`),
not one connection per examiner.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import Examiner, Institution
from models.base import local_time
from models.notices import Notice, NoticeStatus, SeatChange
from services.alerts.notify import SmtpSettings, send_batch
from services.exports.notice_calendar import Invitation, Seat, notice_calendar

from .queries import ROLES, NoticeView, SeatLine, views

log = logging.getLogger(__name__)
Links = Callable[[Notice], str]  # the personal link of a notice (an absolute URL)


def send_due(db: Session, settings: SmtpSettings, links: Links, now: datetime) -> tuple[int, int]:
    """Mail the pending notices not sent yet to examiners with e-mail; (sent, failed)."""
    due = db.scalars(
        select(Notice)
        .join(Examiner, Examiner.id == Notice.examiner_id)
        .where(
            Notice.status == NoticeStatus.PENDING,
            Notice.sent_at.is_(None),
            Notice.expires_at > now,
            Examiner.email.is_not(None),
        )
        .options(selectinload(Notice.examiner), selectinload(Notice.plan))
        .order_by(Notice.id)
    ).all()
    mails = [
        message(settings, _institution(db, notice), view, links(notice), now)
        for notice, view in zip(due, views(db, list(due)), strict=True)
    ]
    sent = failed = 0
    for notice, error in zip(due, send_batch(settings, mails), strict=True):
        if error is not None:
            log.warning("notice %s to %s failed: %s", notice.id, settings.host, error)
            notice.send_error = str(error)[:300] or type(error).__name__
            failed += 1
            continue
        notice.sent_at, notice.send_error = now, None
        sent += 1
    db.flush()
    return sent, failed


def _institution(db: Session, notice: Notice) -> Institution:
    found = db.get(Institution, notice.institution_id)
    assert found is not None  # notices reference their institution
    return found


def message(
    settings: SmtpSettings, institution: Institution, view: NoticeView, link: str, now: datetime
) -> EmailMessage:
    """The e-mail of one notice: the text, then the calendars."""
    mail = EmailMessage()
    mail["Subject"] = f"{institution.name}：考评任务变更通知（方案 v{view.plan_version}）"
    mail["From"] = settings.sender
    mail["To"] = view.email or ""
    mail.set_content(text(view, link))
    invitation = Invitation(
        institution.code, settings.sender, view.examiner_code, view.examiner_name,
        view.email or "", view.plan_version, now,
    )  # fmt: skip
    kept = [s for s in view.seats if s.change != SeatChange.REMOVED]
    gone = [s for s in view.seats if s.change == SeatChange.REMOVED]
    for method, seats, name in (
        ("REQUEST", kept, "考评任务.ics"),
        ("CANCEL", gone, "取消的考评任务.ics"),
    ):
        if seats:
            body = notice_calendar(method, invitation, [_seat(view, s) for s in seats])
            mail.add_attachment(body, maintype="text", subtype="calendar", filename=name,
                                params={"method": method})  # fmt: skip
    return mail


def text(view: NoticeView, link: str) -> str:
    """The message: what changed, then the personal link and until when it works."""
    lines = [f"{view.examiner_name}（{view.examiner_code}），您好：", "",
             f"{view.institution}发布了考评安排（方案 v{view.plan_version}），"
             "您的考评任务有以下变化：", ""]  # fmt: skip
    lines += [f"  {s.words('zh')}" for s in view.seats]
    until = local_time(view.expires_at)
    lines += [
        "",
        "请打开以下个人链接，逐场确认参加；某一场不能参加的，请选“不能参加”并说明原因"
        f"（无需登录，{until:%Y-%m-%d %H:%M} 前有效；请勿转发）：",
        link,
        "",
        "附件中的日历文件可导入手机或电脑日历：“考评任务.ics”为新增或变更的场次，"
        "“取消的考评任务.ics”为取消的场次。",
    ]
    return "\n".join(lines)


def _seat(view: NoticeView, seat: SeatLine) -> Seat:
    role = ROLES["zh"][seat.role or seat.previous_role or "member"]
    address = f"，{seat.address}" if seat.address else ""
    return Seat(
        seat.session, seat.start, seat.end, f"{seat.occupation} 考评（{role}）",
        f"{seat.venue}{address}", f"场次 {seat.session}　方案 v{view.plan_version}\n{seat.words('zh')}",
    )  # fmt: skip
