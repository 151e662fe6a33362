"""`/n/<token>`: the page an examiner opens from their notice, without signing in.

The token opens one notice (`services.notices.links`): the page shows that examiner's
changed sessions and nothing else of the plan. A forged, expired or superseded link gets a
plain page saying so (404 / 410), never a traceback; the answer is a CSRF-protected form:
each session is taken part in or declined with its own reason, each answered once.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from models.db import acting_as
from models.notices import Notice
from services.messages import Refused
from services.notices.links import (
    REASON_LENGTH,
    LinkRefused,
    answer,
    open_notice,
    token,
    waiting,
)
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
    """The examiner's changed sessions and, for each still waiting, take part / cannot."""
    found = _open(token)
    if not isinstance(found, Notice):
        return found
    return _page(found, token)


def _page(notice: Notice, token: str, problems: list[str] | None = None) -> str:
    (view,) = views(db(), [notice])
    return render_template(
        "notices/personal.html", notice=view, token=token, limit=REASON_LENGTH,
        problems=problems or [], values=request.form,
    )  # fmt: skip


@blueprint.route("/n/<token>", methods=["POST"])
def reply(token: str) -> Response | str | tuple[str, int]:
    """Record the answers: each session taken part in, or declined with its reason."""
    found = _open(token)
    if not isinstance(found, Notice):
        return found
    acting_as(db(), f"examiner {found.examiner.code}")
    open_seats = waiting(found)
    if request.form.get("answer") == "confirm_all":
        choices = {code: (True, "") for code in open_seats}
    else:
        choices = {
            code: (picked == "confirm", request.form.get(f"reason-{code}", ""))
            for code in open_seats
            if (picked := request.form.get(f"seat-{code}")) in ("confirm", "decline")
        }
    try:
        left = answer(db(), found, choices, datetime.now(UTC))
    except Refused as refused:  # shown on the page with what was chosen, nothing recorded
        return _page(found, token, [p.reason(service_lang()) for p in refused.problems])
    declined = sum(1 for taken, _why in choices.values() if not taken)
    if left:
        flash(ngettext("Thank you. %(num)s session still waits for your answer.",
                       "Thank you. %(num)s sessions still wait for your answer.", left))  # fmt: skip
    elif declined:
        flash(ngettext("Thank you: the planner is told that you cannot take part in %(num)s session.",
                       "Thank you: the planner is told that you cannot take part in %(num)s sessions.",
                       declined))  # fmt: skip
    else:
        flash(_("Thank you: your answer is recorded."))
    return redirect(url_for("notices.personal", token=token))
