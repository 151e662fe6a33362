"""Occupations (职业（工种）, 职业分类大典 codes with their edition) and venues (考点)."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .institution import Organization


class Occupation(Base):
    """An occupation; codes moved between editions of the 大典, so the edition is kept."""

    __tablename__ = "occupations"
    __table_args__ = (
        UniqueConstraint("code", "edition"),
        CheckConstraint("candidates_per_examiner >= 1", name="ratio_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    edition: Mapped[str] = mapped_column(String(10), default="2022")
    # National standards' skill-test clause: 1 examiner per 5 candidates.
    candidates_per_examiner: Mapped[int] = mapped_column(default=5)


class Venue(Base):
    """A test site (考点), owned by an organisation."""

    __tablename__ = "venues"
    __table_args__ = (UniqueConstraint("institution_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    address: Mapped[str | None] = mapped_column(String(300))

    organization: Mapped[Organization] = relationship()
