"""What the institution's settings pages read: its users, the occupation catalogue."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Occupation, User


def users_of(db: Session, institution_id: int) -> list[User]:
    """The institution's users by username."""
    query = select(User).where(User.institution_id == institution_id).order_by(User.username)
    return list(db.scalars(query).all())


def catalogue(db: Session) -> list[Occupation]:
    """The occupation catalogue by code and edition."""
    return list(db.scalars(select(Occupation).order_by(Occupation.code, Occupation.edition)).all())
