"""Sessions: a filtered list with candidate counts, and a session with its candidates, the
panel in force, and (for planners) its edit, cancel and restore actions (`session_forms`).
Candidates' ID numbers are masked for everyone but admins."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _

from models import AssessmentSession
from models.base import Role, SessionStatus
from services.schedule.cancel import cancellation
from services.schedule.queries import (
    SessionFilter,
    candidate_counts,
    occupations,
    panel_in_force,
    seat_counts,
    session_candidates,
    session_page,
    venues_of,
)
from services.schedule.sessions import held_problem, staffing_plans

from ...database import db
from ...language import service_lang
from ...numbers import page_arg
from ...roles import role_required
from ..blueprint import blueprint
from ..common import Errors, Form, document, home, owned
from ..labels import label

PAGE_SIZE = 100  # sessions per page; the filters and the pages narrow a term of thousands


@blueprint.route("/sessions")
@role_required(Role.VIEWER)
def sessions() -> str:
    """Sessions filtered by date range, venue, occupation, level and status."""
    form = Form(request.args)
    page = page_arg()
    institution = home()
    found = session_page(db(), institution, _chosen(form), (page - 1) * PAGE_SIZE, PAGE_SIZE + 1)
    shown = found[:PAGE_SIZE]
    ids = [session.id for session in shown]
    listed, seated = candidate_counts(db(), ids), seat_counts(db(), ids)
    rows = [(session, listed.get(session.id), seated.get(session.id)) for session in shown]
    every = [("", _("All"))]
    options = {
        "venue": every + [(v.id, v.name) for v in venues_of(db(), institution)],
        "occupation": every + [(o.id, f"{o.code} {o.name}") for o in occupations(db())],
        "level": every + [(n, n) for n in range(1, 6)],
        "status": every + [(s.value, label(s)) for s in SessionStatus],
    }
    return render_template(
        "records/sessions.html", rows=rows, form=form, options=options, page=page,
        more=len(found) > PAGE_SIZE,
    )  # fmt: skip


def _chosen(form: Form) -> SessionFilter:
    """The filters given (bad values are shown, not applied)."""
    status = form.text("status")
    return SessionFilter(
        first=form.day("from", required=False),
        last=form.day("to", required=False),
        venue=form.number("venue", required=False),
        occupation=form.number("occupation", required=False),
        level=form.number("level", required=False),
        status=SessionStatus(status) if status in {s.value for s in SessionStatus} else None,
    )


@blueprint.route("/sessions/<int:ident>")
@role_required(Role.VIEWER)
def session_detail(ident: int) -> str:
    """One session: its candidates (ID numbers masked unless admin) and its panel in force."""
    return render_session(owned(AssessmentSession, ident))


def render_session(assessment: AssessmentSession, errors: Errors | None = None) -> str:
    """The session page; `errors` are the cancel form's (its reason)."""
    candidates = session_candidates(db(), assessment)
    seats = panel_in_force(db(), assessment)
    held, versions = held_problem(assessment), list(staffing_plans(db(), assessment))
    return render_template(
        "records/session.html", assessment=assessment, candidates=candidates, seats=seats,
        document=document, plans=", ".join(f"v{v}" for v in versions),
        sheet=max(versions) if versions else None,
        cancelled=cancellation(db(), assessment), errors=errors or {},
        held=held.reason(service_lang()) if held else None,
    )  # fmt: skip
