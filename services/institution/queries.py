"""What the institution's settings pages read: its name, its users, the occupation catalogue."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Institution, Occupation, User


def institution_name(db: Session, institution_id: int) -> str | None:
    """The name the institution's people know it by (None if it is gone)."""
    found = db.get(Institution, institution_id)
    return found.name if found is not None else None


def users_of(db: Session, institution_id: int) -> list[User]:
    """The institution's users by username."""
    query = select(User).where(User.institution_id == institution_id).order_by(User.username)
    return list(db.scalars(query).all())


def catalogue(db: Session) -> list[Occupation]:
    """The occupation catalogue by code and edition."""
    return list(db.scalars(select(Occupation).order_by(Occupation.code, Occupation.edition)).all())
