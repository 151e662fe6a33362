"""Sessions by hand (planners): add one, edit one, cancel one with a reason, restore it.

Every value is checked by `services.schedule.sessions` as the session import checks a row; the
reasons come back next to their fields. A held session is never changed: its edit page and
actions send the planner back to the session with the reason. A change to a session staffed by
a published plan is saved all the same, and the planner is told that the plan will be
re-checked and where to go (What if, or plan again); the edit form says so before saving.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from models import AssessmentSession
from models.base import Role, SessionStatus
from services.cells import LEVEL_WORDS
from services.messages import Refused
from services.people.checks import occupation_index
from services.schedule.cancel import cancel_session, restore_session
from services.schedule.queries import every_occupation, venues_of
from services.schedule.sessions import (
    FIELDS,
    Saved,
    create_session,
    held_problem,
    staffing_plans,
    update_session,
)

from ...database import db
from ...language import service_lang
from ...roles import role_required
from ..blueprint import blueprint
from ..common import Form, home, owned
from .sessions import render_session

MINUTE = "%Y-%m-%dT%H:%M"  # what a datetime-local input sends and shows


@blueprint.route("/sessions/new", methods=["GET", "POST"])
@role_required(Role.PLANNER)
def session_new() -> str | Response:
    """Add one session (as one row of the session sheet would)."""
    return _session_form(None)


@blueprint.route("/sessions/<int:ident>/edit", methods=["GET", "POST"])
@role_required(Role.PLANNER)
def session_edit(ident: int) -> str | Response:
    """Change a session's time, venue, occupation, level or counts (its code stays)."""
    assessment = owned(AssessmentSession, ident)
    if (back := _held(assessment)) is not None:
        return back
    return _session_form(assessment)


@blueprint.route("/sessions/<int:ident>/cancel", methods=["POST"])
@role_required(Role.PLANNER)
def session_cancel(ident: int) -> str | Response:
    """Cancel a session, saying why (the reason is shown on the session and audited)."""
    assessment = owned(AssessmentSession, ident)
    if (back := _held(assessment)) is not None:
        return back
    form = Form()
    try:
        with db().begin_nested():
            saved = cancel_session(db(), assessment, form.text("reason"))
    except Refused as refused:
        return render_session(assessment, form.merge(refused, ("reason",)))
    return _done(saved, _("Session %(code)s cancelled.", code=assessment.code))


@blueprint.route("/sessions/<int:ident>/restore", methods=["POST"])
@role_required(Role.PLANNER)
def session_restore(ident: int) -> str | Response:
    """Plan a cancelled session again."""
    assessment = owned(AssessmentSession, ident)
    if (back := _held(assessment)) is not None:
        return back
    try:
        with db().begin_nested():
            saved = restore_session(db(), assessment)
    except Refused as refused:
        return render_session(assessment, Form().merge(refused, ()))
    return _done(saved, _("Session %(code)s is planned again.", code=assessment.code))


def _held(assessment: AssessmentSession) -> Response | None:
    """Back to the session with the reason, when it has been held."""
    problem = held_problem(assessment)
    if problem is None:
        return None
    flash(problem.reason(service_lang()))
    return redirect(url_for("records.session_detail", ident=assessment.id))


def _done(saved: Saved, message: str) -> Response:
    """Say what was done (and what it means for a published plan); show the session."""
    flash(message)
    if notice := saved.notice(service_lang()):
        flash(notice)
    return redirect(url_for("records.session_detail", ident=saved.session.id))


def _session_form(assessment: AssessmentSession | None) -> str | Response:
    form = Form()
    values = _values(assessment)
    if request.method == "POST":
        values = {name: form.text(name) for name in FIELDS}
        try:
            with db().begin_nested():
                saved = _save(assessment, values)
        except Refused as refused:
            form.merge(refused, FIELDS)
        else:
            if saved.outcome == "unchanged":
                flash(_("Nothing changed."))
                return redirect(url_for("records.session_detail", ident=saved.session.id))
            return _done(saved, _("Session %(code)s saved.", code=saved.session.code))
    planned = assessment is not None and assessment.status == SessionStatus.PLANNED
    plans = staffing_plans(db(), assessment) if assessment is not None and planned else ()
    return render_template(
        "records/session_form.html", assessment=assessment, values=values, errors=form.errors,
        options=_options(assessment), plans=", ".join(f"v{v}" for v in plans),
    )  # fmt: skip


def _save(assessment: AssessmentSession | None, values: dict[str, Any]) -> Saved:
    if assessment is None:
        return create_session(db(), home().id, values)
    return update_session(db(), assessment, values)


def _values(assessment: AssessmentSession | None) -> dict[str, Any]:
    """The form's values: the stored session's, or empty for a new one."""
    if assessment is None:
        return {}
    return {
        "code": assessment.code,
        "venue": assessment.venue.code,
        "occupation": assessment.occupation.code,
        "level": assessment.level,
        "start": assessment.start.strftime(MINUTE),
        "end": assessment.end.strftime(MINUTE),
        "candidate_count": assessment.candidate_count,
        "modules": assessment.modules,
        "panel_size": assessment.panel_size,
    }


def _options(assessment: AssessmentSession | None) -> dict[str, list[tuple[Any, str]]]:
    """The venues, occupations (one per code, as the import reads codes) and levels offered."""
    venues = venues_of(db(), home())
    index = occupation_index(every_occupation(db()))
    occupations = {key: f"{o.code} {o.name}" for key, o in index.items() if key == o.code}
    if assessment is not None:  # its own edition, whatever the newest is called
        occupation = assessment.occupation
        occupations[occupation.code] = f"{occupation.code} {occupation.name}"
    choose = [("", _("Choose…"))]
    return {
        "venue": choose + [(v.code, f"{v.code} {v.name}") for v in venues],
        "occupation": choose + sorted(occupations.items()),
        "level": choose + [(n, f"{n} · {'/'.join(LEVEL_WORDS[n][:2])}") for n in range(1, 6)],
    }
