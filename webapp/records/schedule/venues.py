"""Venues: listed for everyone, added and edited by planners through
`services.schedule.venues`, which checks every value."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from models import Venue
from models.base import Role
from services.discipline.conflict_lists import organizations_like
from services.messages import Refused
from services.schedule.queries import venues_of
from services.schedule.venues import FIELDS as VENUE_FIELDS
from services.schedule.venues import save_venue

from ...database import db
from ...language import service_lang
from ...roles import role_required
from ..blueprint import blueprint
from ..common import Form, home, owned

SUGGESTIONS = 200  # organisation names the venue form offers (all of them up to this)


@blueprint.route("/venues")
@role_required(Role.VIEWER)
def venues() -> str:
    """The institution's venues with the organisation that owns each."""
    rows = venues_of(db(), home())
    return render_template("records/venues.html", venues=rows)


@blueprint.route("/venues/new", methods=["GET", "POST"])
@role_required(Role.PLANNER)
def venue_new() -> str | Response:
    """Add a venue with the organisation that owns it."""
    return _venue_form(None)


@blueprint.route("/venues/<int:ident>/edit", methods=["GET", "POST"])
@role_required(Role.PLANNER)
def venue_edit(ident: int) -> str | Response:
    """Change a venue: code, name, owner (recusal, H4) or address."""
    return _venue_form(owned(Venue, ident))


def _venue_form(venue: Venue | None) -> str | Response:
    form = Form()
    values: dict[str, object] = {}
    if venue is not None:
        values = {"code": venue.code, "name": venue.name,
                  "organization": venue.organization.name, "address": venue.address}  # fmt: skip
    if request.method == "POST":
        values = {name: form.text(name) for name in VENUE_FIELDS}
        try:
            with db().begin_nested():
                saved = save_venue(db(), home().id, values, venue)
        except Refused as refused:
            form.merge(refused, VENUE_FIELDS)
        else:
            if saved.outcome == "unchanged":
                flash(_("Nothing changed."))
            else:
                flash(_("Venue %(code)s %(name)s saved.", code=saved.venue.code,
                        name=saved.venue.name))  # fmt: skip
            if notice := saved.notice(service_lang()):
                flash(notice)
            return redirect(url_for("records.venues"))
    names = organizations_like(db(), home(), "", SUGGESTIONS)
    return render_template(
        "records/venue_form.html", venue=venue, values=values, errors=form.errors,
        organizations=names,
    )  # fmt: skip
