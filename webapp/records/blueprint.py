"""The records blueprint object, shared by the feature modules that add routes to it, and
its index page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from models.base import Role

from ..roles import role_required
from .labels import label

blueprint = Blueprint("records", __name__, url_prefix="/records")


@blueprint.context_processor
def helpers() -> dict[str, Any]:
    """What the records templates use beside the app's helpers."""
    return {"label": label}


@blueprint.route("/")
@role_required(Role.VIEWER)
def index() -> str:
    """The records and settings pages, in one list."""
    return render_template("records/index.html")
