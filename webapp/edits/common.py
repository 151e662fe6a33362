"""The blueprint and what its views share: the institution, pages served, the draft message."""

from __future__ import annotations

from flask import Blueprint, current_app, flash
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from models import Plan

blueprint = Blueprint("edits", __name__)


def served(path: str) -> bool:
    """Whether the app has a page at `path` (another blueprint's, linked by URL only)."""
    try:
        current_app.url_map.bind("localhost").match(path)
    except HTTPException:
        return False
    return True


def announce_draft(draft: Plan, failing: bool) -> None:
    """Tell the planner which draft was saved, and that a failing one cannot be published."""
    if failing:
        flash(
            _("Saved as draft v%(version)s. It fails the checker and cannot be published.",
              version=draft.version)
        )  # fmt: skip
    else:
        flash(_("Saved as draft v%(version)s.", version=draft.version))
