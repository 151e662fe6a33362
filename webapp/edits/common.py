"""The blueprint and what its views share: the institution, a plan or 404, the job page."""

from __future__ import annotations

from flask import Blueprint, abort, current_app
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from models import Institution, Plan
from services.messages import Refused
from services.plans import find_plan

from ..database import db

blueprint = Blueprint("edits", __name__)


def institution() -> Institution:
    """The signed-in user's institution."""
    return db().get_one(Institution, current_user.institution_id)


def plan_or_404(version: int) -> Plan:
    """The institution's plan `version`, or 404."""
    try:
        return find_plan(db(), institution(), version)
    except Refused:
        abort(404)


def served(path: str) -> bool:
    """Whether the app has a page at `path` (another blueprint's, linked by URL only)."""
    try:
        current_app.url_map.bind("localhost").match(path)
    except HTTPException:
        return False
    return True
