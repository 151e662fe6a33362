"""Home: a signed-in planner starts on the dashboard (what needs attention), and the
actions on alerts."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required
from werkzeug.wrappers import Response

from models import Alert
from models.base import LOCAL, Role
from services.alerts.compliance import WARN_DAYS
from services.alerts.dashboard import SHOWN, UNSTAFFED_WEEKS, attention
from services.alerts.store import acknowledge, resolve, settle_many
from services.messages import Refused

from ..database import db, institution
from ..language import service_lang
from ..records.common import owned
from ..roles import is_city, may, role_required

blueprint = Blueprint("main", __name__)


@blueprint.route("/")
@login_required
def home() -> str | Response:
    """The start page: the dashboard (the city centre's: every institution's filings)."""
    if is_city():
        return redirect(url_for("city.index"))
    if not may(Role.VIEWER):
        abort(403)
    return _dashboard()


@blueprint.route("/dashboard")
@role_required(Role.VIEWER)
def dashboard() -> str:
    """What needs attention now."""
    return _dashboard()


@blueprint.route("/dashboard/alerts/<int:ident>/<any(acknowledge, resolve):action>",
                 methods=["POST"])  # fmt: skip
@role_required(Role.PLANNER)
def alert_action(ident: int, action: str) -> Response:
    """Acknowledge an alert (seen, stays listed) or resolve it (dealt with); 404 for another
    institution's alert."""
    owned(Alert, ident)
    change = acknowledge if action == "acknowledge" else resolve
    try:
        change(db(), institution(), ident, datetime.now(UTC))
    except Refused as refused:
        for line in refused.lines(service_lang()):
            flash(line)
        return redirect(url_for("main.dashboard"))
    flash(_("Alert acknowledged.") if action == "acknowledge" else _("Alert resolved."))
    return redirect(url_for("main.dashboard"))


@blueprint.route("/dashboard/alerts/<any(acknowledge, resolve):action>", methods=["POST"])
@role_required(Role.PLANNER)
def alerts_action(action: str) -> Response:
    """Acknowledge or resolve every ticked alert at once (all or none)."""
    idents = [int(v) for v in request.form.getlist("alert") if v.isdigit() and len(v) < 12]
    if not idents:
        flash(_("Tick the alerts first."))
        return redirect(url_for("main.dashboard") + "#alerts")
    try:
        count = settle_many(db(), institution(), idents, action, datetime.now(UTC))
    except Refused as refused:
        db().rollback()
        for line in refused.lines(service_lang()):
            flash(line)
        return redirect(url_for("main.dashboard") + "#alerts")
    if action == "acknowledge":
        flash(ngettext("%(num)s alert acknowledged.", "%(num)s alerts acknowledged.", count))
    else:
        flash(ngettext("%(num)s alert resolved.", "%(num)s alerts resolved.", count))
    return redirect(url_for("main.dashboard") + "#alerts")


def _dashboard() -> str:
    now = datetime.now(UTC)
    found = attention(db(), institution(), now.astimezone(LOCAL).date(), now, service_lang())
    return render_template(
        "home.html", attention=found, weeks=UNSTAFFED_WEEKS, warn_days=WARN_DAYS, shown=SHOWN,
        every_alert=request.args.get("alerts") == "all",
    )  # fmt: skip
