"""Declarative base, naming convention, shared column types and enums."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, DateTime, Enum, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names, so Alembic autogenerate and hand-written migrations agree.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


LOCAL = ZoneInfo("Asia/Shanghai")  # the institutions' clock and calendar day (docs/jobs.md)


def utcnow() -> datetime:
    """Now, timezone-aware UTC (a callable default, evaluated per row)."""
    return datetime.now(UTC)


def local_time(moment: datetime) -> datetime:
    """`moment` on the institutions' clock (SQLite hands stored times back without a zone: UTC)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(LOCAL)


class Base(DeclarativeBase):
    """Every model's base: one metadata with the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        list[Any]: JSON,
        datetime: DateTime(timezone=False),
    }


def str_enum(kind: type[enum.StrEnum], name: str) -> Enum:
    """A portable enum column: VARCHAR plus a CHECK constraint on SQLite and PostgreSQL alike."""
    return Enum(
        kind,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in kind),
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Timestamped:
    """created_at / updated_at columns maintained by the ORM."""

    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class Role(enum.StrEnum):
    ADMIN = "admin"
    PLANNER = "planner"
    VIEWER = "viewer"
    # The city centre (市鉴定中心, notice 第6条/第7条): of no institution, reads every
    # institution's filings and changes nothing (docs/security.md "Tenants").
    CITY = "city"


class Sex(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"


class DocumentType(enum.StrEnum):
    RESIDENT_ID = "resident_id"  # 居民身份证
    PASSPORT = "passport"  # 护照
    HK_MACAU_PERMIT = "hk_macau_permit"  # 港澳居民来往内地通行证 / 居住证
    TAIWAN_PERMIT = "taiwan_permit"  # 台湾居民来往大陆通行证 / 居住证
    FOREIGN_PERMANENT_ID = "foreign_permanent_id"  # 外国人永久居留身份证
    OTHER = "other"


class Grade(enum.StrEnum):
    EXAMINER = "examiner"  # 考评员
    SENIOR = "senior"  # 高级考评员


class ExaminerStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOCATION_PENDING = "revocation_pending"
    REVOKED = "revoked"


class ConflictKind(enum.StrEnum):
    RELATIVE = "relative"  # 亲属
    TEACHER_STUDENT = "teacher_student"  # 师生
    MASTER_APPRENTICE = "master_apprentice"  # 师徒
    INTEREST = "interest"  # 其他利害关系


class SessionStatus(enum.StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


class PlanStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"


class SeatRole(enum.StrEnum):
    LEADER = "leader"
    MEMBER = "member"
