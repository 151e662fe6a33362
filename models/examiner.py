"""Examiners (考评人员) with qualifications, certificates, appointments (聘约) and unavailability.

The fields are those of the notice's Attachment 1 (信息表) plus what scheduling needs
(grade, status, assessing since, leader eligibility).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import (
    Base,
    DocumentType,
    ExaminerStatus,
    Grade,
    Sex,
    Timestamped,
    str_enum,
)
from .catalog import Occupation
from .institution import Organization


class Examiner(Timestamped, Base):
    """One person in the institution's examiner database (R1)."""

    __tablename__ = "examiners"
    __table_args__ = (
        UniqueConstraint("institution_id", "code"),
        UniqueConstraint("institution_id", "document_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))  # the id planners and instances use
    name: Mapped[str] = mapped_column(String(50))  # 姓名
    sex: Mapped[Sex] = mapped_column(str_enum(Sex, "sex"))  # 性别
    birth_month: Mapped[date | None] = mapped_column(Date)  # 出生年月 (first of the month)
    document_type: Mapped[DocumentType] = mapped_column(str_enum(DocumentType, "document_type"))
    document_number: Mapped[str] = mapped_column(String(40))  # 身份证或其他有效证件号码
    education: Mapped[str | None] = mapped_column(String(40))  # 学历
    phone: Mapped[str | None] = mapped_column(String(40))  # 联系电话
    email: Mapped[str | None] = mapped_column(String(120))  # 电子邮箱 (notices of changes)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))  # 工作单位
    title: Mapped[str | None] = mapped_column(String(60))  # 职称
    vocational_certificate: Mapped[str | None] = mapped_column(
        String(200)
    )  # 职业资格证书名称和编号
    work_history: Mapped[str | None] = mapped_column(Text)  # 从事本职业（工种）工作简历
    grade: Mapped[Grade] = mapped_column(str_enum(Grade, "grade"))
    status: Mapped[ExaminerStatus] = mapped_column(
        str_enum(ExaminerStatus, "examiner_status"), default=ExaminerStatus.ACTIVE
    )
    assessing_since: Mapped[date | None] = mapped_column(Date)
    leader_eligible: Mapped[bool] = mapped_column(default=False)
    max_sessions: Mapped[int | None] = mapped_column()
    # R1: the day someone last confirmed the contact and qualification data (NULL: never).
    data_confirmed_on: Mapped[date | None] = mapped_column(Date)

    organization: Mapped[Organization | None] = relationship()
    qualifications: Mapped[list[Qualification]] = relationship(
        back_populates="examiner", cascade="all, delete-orphan"
    )
    certificates: Mapped[list[Certificate]] = relationship(
        back_populates="examiner", cascade="all, delete-orphan", order_by="Certificate.issue_date"
    )
    appointments: Mapped[list[Appointment]] = relationship(
        back_populates="examiner", cascade="all, delete-orphan", order_by="Appointment.start"
    )
    unavailability: Mapped[list[Unavailability]] = relationship(
        back_populates="examiner", cascade="all, delete-orphan"
    )


class Qualification(Timestamped, Base):
    """An occupation the examiner may assess, down to `top_level` (1 = 一级 … 5 = 五级)."""

    __tablename__ = "qualifications"
    __table_args__ = (
        UniqueConstraint("examiner_id", "occupation_id"),
        CheckConstraint("top_level between 1 and 5", name="top_level_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    examiner_id: Mapped[int] = mapped_column(ForeignKey("examiners.id"), index=True)
    occupation_id: Mapped[int] = mapped_column(ForeignKey("occupations.id"))
    top_level: Mapped[int] = mapped_column()

    examiner: Mapped[Examiner] = relationship(back_populates="qualifications")
    occupation: Mapped[Occupation] = relationship()


class Certificate(Timestamped, Base):
    """An examiner qualification certificate (考评证书, R2 / Attachment 2) with its validity."""

    __tablename__ = "certificates"
    __table_args__ = (
        CheckConstraint("valid_until >= issue_date", name="validity_order"),
        CheckConstraint("serial between 1 and 9999", name="serial_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    examiner_id: Mapped[int] = mapped_column(ForeignKey("examiners.id"), index=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # never reused (SPEC 5)
    grade: Mapped[Grade] = mapped_column(str_enum(Grade, "grade"))
    year: Mapped[int] = mapped_column()  # four digits; the number carries the last two
    serial: Mapped[int] = mapped_column()
    issue_date: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)

    examiner: Mapped[Examiner] = relationship(back_populates="certificates")


class CertificateSerial(Base):
    """The last serial handed out per year, institution and grade (row-locked on allocation)."""

    __tablename__ = "certificate_serials"

    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    grade: Mapped[Grade] = mapped_column(str_enum(Grade, "grade"), primary_key=True)
    last_serial: Mapped[int] = mapped_column(default=0)


class Appointment(Timestamped, Base):
    """An appointment contract (聘约, R2): term at most three years, with its terms."""

    __tablename__ = "appointments"
    __table_args__ = (CheckConstraint('"end" >= start', name="term_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    examiner_id: Mapped[int] = mapped_column(ForeignKey("examiners.id"), index=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)  # inclusive
    duties: Mapped[str | None] = mapped_column(Text)  # 职责
    rights: Mapped[str | None] = mapped_column(Text)  # 权利
    obligations: Mapped[str | None] = mapped_column(Text)  # 义务
    discipline: Mapped[str | None] = mapped_column(Text)  # 纪律和处罚
    allowance_per_session: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))  # 津贴补助

    examiner: Mapped[Examiner] = relationship(back_populates="appointments")


class Unavailability(Timestamped, Base):
    """Days an examiner cannot serve: leave, or a withdrawal from a session (what-if)."""

    __tablename__ = "unavailability"
    __table_args__ = (CheckConstraint('"end" >= start', name="period_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    examiner_id: Mapped[int] = mapped_column(ForeignKey("examiners.id"), index=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)  # inclusive
    reason: Mapped[str | None] = mapped_column(String(200))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id"))  # a withdrawal

    examiner: Mapped[Examiner] = relationship(back_populates="unavailability")
