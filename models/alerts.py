"""Alerts found by the scheduled jobs, and the scheduler's own state (heartbeat, watermarks).

An alert names one subject (an examiner, a revocation or a plan, by id) and one kind; while
it is open or acknowledged its `live_key` ("kind:subject") is set, so the database itself
keeps one live alert per (kind, subject). Resolving clears the key (NULLs never collide).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, str_enum, utcnow


class AlertKind(enum.StrEnum):
    APPOINTMENT_EXPIRING = "appointment_expiring"  # 聘期将满
    APPOINTMENT_EXPIRED = "appointment_expired"  # 聘期已满
    CERTIFICATE_EXPIRING = "certificate_expiring"  # 证书将到期
    CERTIFICATE_EXPIRED = "certificate_expired"  # 证书已过期
    REVOCATION_PENDING = "revocation_pending"  # 取消资格待审批
    DATA_UNCONFIRMED = "data_unconfirmed"  # 信息一年未确认 (R1)
    PLAN_INVALID = "plan_invalid"  # 已发布方案不再符合规则


class AlertState(enum.StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class Alert(Base):
    """One finding of a sweep or of the plan revalidation, with its state."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    kind: Mapped[AlertKind] = mapped_column(str_enum(AlertKind, "alert_kind"))
    subject_id: Mapped[int] = mapped_column()  # examiner, revocation or plan id, by kind
    live_key: Mapped[str | None] = mapped_column(String(60), unique=True)
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the message's parameters
    state: Mapped[AlertState] = mapped_column(
        str_enum(AlertState, "alert_state"), default=AlertState.OPEN, index=True
    )
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_by: Mapped[str | None] = mapped_column(String(80))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SchedulerState(Base):
    """A named mark the jobs keep: the scheduler heartbeat, the revalidation watermark."""

    __tablename__ = "scheduler_state"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int | None] = mapped_column()  # e.g. the last change id handled
    at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # e.g. the last beat
    owner: Mapped[str | None] = mapped_column(String(120))  # host:pid:start of the scheduler
