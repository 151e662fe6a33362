"""Home: where a planner starts (the dashboard grows here)."""

from __future__ import annotations

from flask import Blueprint, render_template

from models.base import Role

from ..roles import role_required

blueprint = Blueprint("main", __name__)


@blueprint.route("/")
@role_required(Role.VIEWER)
def home() -> str:
    """The start page."""
    return render_template("home.html")
