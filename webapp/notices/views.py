"""`/n/<token>`: the page an examiner opens from their notice, without signing in.

The token opens one notice (`services.notices.links`): the page shows that examiner's
changed sessions and nothing else of the plan. A forged, expired or superseded link gets a
plain page saying so (404 / 410), never a traceback; the answer is a CSRF-protected form,
recorded once.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from models.db import acting_as
from models.notices import Notice
from services.messages import Refused
from services.notices.links import REASON_LENGTH, LinkRefused, answer, open_notice, token
from services.notices.queries import views

from ..database import db
from ..language import service_lang

blueprint = Blueprint("notices", __name__)
CLOSED = {"forged": 404, "expired": 410, "superseded": 410}


def personal_link(notice: Notice) -> str:
    """The absolute personal link of `notice` (the call list shows it to planners)."""
    return url_for(
        "notices.personal", token=token(current_app.config["SECRET_KEY"], notice), _external=True
    )


def _open(text: str) -> Notice | tuple[str, int]:
    try:
        return open_notice(db(), current_app.config["SECRET_KEY"], text, datetime.now(UTC))
    except LinkRefused as refused:
        page = render_template("notices/closed.html", why=refused.why)
        return page, CLOSED[refused.why]


@blueprint.route("/n/<token>")
def personal(token: str) -> str | tuple[str, int]:
    """The examiner's changed sessions and, while pending, confirm / decline."""
    found = _open(token)
    if not isinstance(found, Notice):
        return found
    (view,) = views(db(), [found])
    return render_template("notices/personal.html", notice=view, token=token, limit=REASON_LENGTH)


@blueprint.route("/n/<token>", methods=["POST"])
def reply(token: str) -> Response | tuple[str, int]:
    """Record the answer: confirmed, or declined with a reason."""
    found = _open(token)
    if not isinstance(found, Notice):
        return found
    acting_as(db(), f"examiner {found.examiner.code}")
    confirmed = request.form.get("answer") == "confirm"
    try:
        answer(db(), found, confirmed, request.form.get("reason", ""), datetime.now(UTC))
    except Refused as refused:
        for line in refused.lines(service_lang()):
            flash(line)
        return redirect(url_for("notices.personal", token=token))
    flash(_("Thank you: your confirmation is recorded.") if confirmed
          else _("Thank you: the planner is told that you cannot take part."))  # fmt: skip
    return redirect(url_for("notices.personal", token=token))
