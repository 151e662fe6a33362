"""Appointments (聘约) ending in a year, and the yearly review that proposes renewal or
dismissal (computed by planners through `services.discipline.review`, decided by admins)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from models import Review
from models.base import Role
from models.discipline import ReviewOutcome
from services.discipline.queries import appointments_ending, reviews_of
from services.discipline.review import decide_review, review_year
from services.messages import Refused
from solver.numbers import BadNumber, whole

from ...database import db
from ...roles import role_required
from ..blueprint import blueprint
from ..common import Errors, Form, actor, home, today

DECISION_FIELDS = ("decision", "appointment", "status", "review")


def _year() -> int:
    try:
        return whole(request.values.get("year", ""), 2000, 2100)
    except BadNumber:
        return today().year


@blueprint.route("/appointments")
@role_required(Role.VIEWER)
def appointments() -> str:
    """Appointments ending in the chosen year (default this year), soonest first."""
    year = _year()
    rows = appointments_ending(db(), home().id, year)
    return render_template("records/appointments.html", appointments=rows, year=year)


@blueprint.route("/reviews")
@role_required(Role.VIEWER)
def reviews() -> str:
    """The year's reviews with their proposals and decisions."""
    return _reviews_page(_year(), None, {})


@blueprint.route("/reviews/compute", methods=["POST"])
@role_required(Role.PLANNER)
def reviews_compute() -> Response:
    """Compute (or recompute) the year's review of every examiner appointed that year."""
    year = _year()
    done = review_year(db(), home(), year)
    flash(
        ngettext(
            "%(num)s examiner reviewed for %(year)s.",
            "%(num)s examiners reviewed for %(year)s.",
            len(done),
            year=year,
        )
    )
    return redirect(url_for("records.reviews", year=year))


@blueprint.route("/reviews/<int:ident>/decide", methods=["POST"])
@role_required(Role.ADMIN)
def review_decide(ident: int) -> str | Response:
    """Renew (creates the next appointment) or dismiss."""
    review = db().get(Review, ident)
    if review is None or review.examiner.institution_id != home().id:
        abort(404)
    form = Form()
    years = form.number("years", least=1) if form.text("decision") == "renew" else 3
    if not form.errors and years is not None:
        try:
            with db().begin_nested():
                appointment = decide_review(
                    db(), review, form.text("decision"), actor(), today(), years
                )
        except Refused as refused:
            form.merge(refused, DECISION_FIELDS)
        else:
            flash(_("Renewed until %(end)s.", end=appointment.end) if appointment else
                  _("Dismissal recorded."))  # fmt: skip
            return redirect(url_for("records.reviews", year=review.year))
    return _reviews_page(review.year, review.id, form.errors)


def _reviews_page(year: int, failed: int | None, errors: Errors) -> str:
    rows = reviews_of(db(), home().id, year)
    return render_template(
        "records/reviews.html", reviews=rows, year=year, failed=failed, errors=errors,
        undecided=ReviewOutcome.CONTINUE,
    )  # fmt: skip
