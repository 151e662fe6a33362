"""What the signed-in user sees whole (`services.institution.privacy.sight`), for views and
templates: ID numbers, phones, what a conflict says."""

from __future__ import annotations

from flask import g
from flask_login import current_user

from services.exports.layout import mask_id, mask_phone
from services.institution.privacy import Sight
from services.institution.privacy import sight as sight_of

from .database import institution


def sight() -> Sight:
    """What the signed-in user sees whole (read once per request)."""
    if "sight" not in g:
        g.sight = sight_of(institution(), current_user.role)
    found: Sight = g.sight
    return found


def shown_id(number: str | None) -> str:
    """An ID number as this user may see it: whole for admins, masked otherwise."""
    return (number or "") if sight().ids else mask_id(number)


def shown_phone(phone: str | None) -> str:
    """A phone as this user may see it: masked for viewers unless the institution allows."""
    return (phone or "") if sight().phones else mask_phone(phone)
