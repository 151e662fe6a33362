"""Notices to examiners: what a publication changed for one examiner, and their answer.

One `Notice` per (published plan, examiner) whose seats the publication changed; its
`NoticeSeat` rows are the facts (a seat added, removed, or kept with another role), never a
sentence. The e-mail job records `sent_at` or `send_error`; the examiner answers through a
signed personal link bound to the notice id and `nonce`, seat by seat: each seat added or
changed is confirmed or declined with its own reason (an examiner told of three sessions may
decline one). The notice's `status` sums the seats up: pending while a seat waits for its
answer, declined once every seat is answered and one was declined, confirmed otherwise. A
newer notice to the same examiner supersedes a pending one (its facts and answers carried).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, SeatRole, str_enum, utcnow
from .examiner import Examiner
from .planning import Plan
from .schedule import AssessmentSession


class NoticeStatus(enum.StrEnum):
    PENDING = "pending"  # 待确认 (a seat still waits for its answer)
    CONFIRMED = "confirmed"  # 已确认 (every seat)
    DECLINED = "declined"  # 有场次不能参加 (every seat answered, at least one declined)
    SUPERSEDED = "superseded"  # 已被更新的通知取代


class SeatChange(enum.StrEnum):
    ADDED = "added"  # 新增
    REMOVED = "removed"  # 取消
    CHANGED = "changed"  # 角色变更


class Notice(Base):
    """What one publication changed for one examiner, its e-mail and the examiner's answer."""

    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("plan_id", "examiner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    examiner_id: Mapped[int] = mapped_column(ForeignKey("examiners.id"), index=True)
    nonce: Mapped[str] = mapped_column(String(32))  # bound into the personal link
    status: Mapped[NoticeStatus] = mapped_column(
        str_enum(NoticeStatus, "notice_status"), default=NoticeStatus.PENDING, index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    send_error: Mapped[str | None] = mapped_column(String(300))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    plan: Mapped[Plan] = relationship()
    examiner: Mapped[Examiner] = relationship()
    seats: Mapped[list[NoticeSeat]] = relationship(
        back_populates="notice", cascade="all, delete-orphan", order_by="NoticeSeat.id"
    )


class NoticeSeat(Base):
    """One fact of a notice (a seat on a session added, removed, or kept with another role)
    and the examiner's answer for that seat."""

    __tablename__ = "notice_seats"
    __table_args__ = (UniqueConstraint("notice_id", "session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    change: Mapped[SeatChange] = mapped_column(str_enum(SeatChange, "seat_change"))
    role: Mapped[SeatRole | None] = mapped_column(str_enum(SeatRole, "new_role"))  # None: removed
    previous_role: Mapped[SeatRole | None] = mapped_column(str_enum(SeatRole, "previous_role"))
    # The examiner's answer for this seat (None: not answered yet, or a seat removed, which
    # asks for none): True they take part, False they cannot, for `reason`.
    confirmed: Mapped[bool | None] = mapped_column()
    reason: Mapped[str | None] = mapped_column(String(200))  # why they cannot take part
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    notice: Mapped[Notice] = relationship(back_populates="seats")
    session: Mapped[AssessmentSession] = relationship()
