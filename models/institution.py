"""Institutions (评价机构), organisations (单位) and users with roles."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Role, Timestamped, str_enum


class Institution(Timestamped, Base):
    """An evaluation institution; `code` is its registered 7- or 8-digit code (SPEC 5)."""

    __tablename__ = "institutions"
    __table_args__ = (CheckConstraint("length(code) in (7, 8)", name="code_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # The institution's policy (SPEC 4.2): only keys that differ from the notice's defaults.
    policy: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Certificates are commonly valid 3 years (SPEC 7); configurable per institution.
    certificate_years: Mapped[int] = mapped_column(default=3)
    # Viewers see phones masked (139****5678) unless the institution decides otherwise.
    viewers_see_phones: Mapped[bool] = mapped_column(default=False)


class Organization(Base):
    """An employer, school or test-site owner: of examiners, candidates and venues."""

    __tablename__ = "organizations"
    __table_args__ = (UniqueConstraint("institution_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))


class User(Timestamped, Base):
    """A person who signs in: admin (管理员), planner (计划员) or viewer (查看) of one
    institution, or the city centre (市鉴定中心), who belongs to none."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "(role = 'city') = (institution_id IS NULL)", name="city_has_no_institution"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None only for the city centre (the CHECK above): every institution route refuses it.
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), index=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the id a session cookie carries: raised on sign-out and password change, so
    # every cookie issued before no longer loads the user (Flask-Login's alternative token).
    session_version: Mapped[int] = mapped_column(default=0)
    # May change what every institution shares (the occupation catalogue): a person of the
    # deployment (the city's guidance centre), not of one institution; set from the command line.
    deployment_admin: Mapped[bool] = mapped_column(default=False)

    # The user protocol of Flask-Login (without importing it: models know nothing of the web).
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}.{self.session_version}"
