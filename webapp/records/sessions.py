"""Sessions: a filtered list with candidate counts, and a session with its candidates, the
panel in force, and (for planners) its edit, cancel and restore actions (`session_forms`).
Candidates' ID numbers are masked for everyone but admins."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import render_template, request
from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from models import (
    AssessmentSession,
    Candidate,
    Occupation,
    PanelSeat,
    SessionCandidate,
    Venue,
)
from models.base import Role, SeatRole, SessionStatus
from services.schedule.cancel import cancellation
from services.schedule.sessions import held_problem, staffing_plans

from .. import service_lang
from ..database import db
from ..roles import role_required
from .blueprint import blueprint
from .common import Errors, Form, document, home, owned
from .labels import label

PAGE_SIZE = 100  # sessions per page; the filters and the pages narrow a term of thousands


@blueprint.route("/")
@role_required(Role.VIEWER)
def index() -> str:
    """The records and settings pages, in one list."""
    return render_template("records/index.html")


@blueprint.route("/sessions")
@role_required(Role.VIEWER)
def sessions() -> str:
    """Sessions filtered by date range, venue, occupation, level and status."""
    form = Form(request.args)
    page = max(1, request.args.get("page", 1, type=int))
    found = (
        db()
        .scalars(
            _filtered(form)
            .options(
                selectinload(AssessmentSession.venue), selectinload(AssessmentSession.occupation)
            )
            .order_by(AssessmentSession.start, AssessmentSession.code)
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE + 1)
        )
        .all()
    )
    shown = found[:PAGE_SIZE]
    # Counts for the shown sessions only: a whole term has tens of thousands of candidates.
    ids = [session.id for session in shown]
    listed = _counts(SessionCandidate.session_id, ids)
    seated = _counts(PanelSeat.session_id, ids)
    rows = [(session, listed.get(session.id), seated.get(session.id)) for session in shown]
    institution = home()
    venues = (
        db()
        .scalars(select(Venue).where(Venue.institution_id == institution.id).order_by(Venue.code))
        .all()
    )
    occupations = db().scalars(select(Occupation).order_by(Occupation.code)).all()
    every = [("", _("All"))]
    options = {
        "venue": every + [(v.id, v.name) for v in venues],
        "occupation": every + [(o.id, f"{o.code} {o.name}") for o in occupations],
        "level": every + [(n, n) for n in range(1, 6)],
        "status": every + [(s.value, label(s)) for s in SessionStatus],
    }
    return render_template(
        "records/sessions.html", rows=rows, form=form, options=options, page=page,
        more=len(found) > PAGE_SIZE,
    )  # fmt: skip


def _counts(column: Any, ids: list[int]) -> dict[int, int]:
    """Rows per session id in `column`'s table, for the given sessions."""
    if not ids:
        return {}
    query = select(column, func.count()).where(column.in_(ids)).group_by(column)
    return {ident: n for ident, n in db().execute(query)}


def _filtered(form: Form) -> Select[AssessmentSession]:
    """The session query narrowed by the filters given (bad values are shown, not applied)."""
    query = select(AssessmentSession).where(AssessmentSession.institution_id == home().id)
    first, last = form.day("from", required=False), form.day("to", required=False)
    if first:
        query = query.where(AssessmentSession.start >= datetime.combine(first, datetime.min.time()))
    if last:
        after = datetime.combine(last + timedelta(days=1), datetime.min.time())
        query = query.where(AssessmentSession.start < after)
    for name, column in (
        ("venue", AssessmentSession.venue_id),
        ("occupation", AssessmentSession.occupation_id),
        ("level", AssessmentSession.level),
    ):
        value = form.number(name, required=False)
        if value is not None:
            query = query.where(column == value)
    status = form.text("status")
    if status in {s.value for s in SessionStatus}:
        query = query.where(AssessmentSession.status == SessionStatus(status))
    return query


@blueprint.route("/sessions/<int:ident>")
@role_required(Role.VIEWER)
def session_detail(ident: int) -> str:
    """One session: its candidates (ID numbers masked unless admin) and its panel in force."""
    return render_session(owned(AssessmentSession, ident))


def render_session(assessment: AssessmentSession, errors: Errors | None = None) -> str:
    """The session page; `errors` are the cancel form's (its reason)."""
    candidates = (
        db()
        .scalars(
            select(Candidate)
            .join(SessionCandidate, SessionCandidate.candidate_id == Candidate.id)
            .where(SessionCandidate.session_id == assessment.id)
            .options(selectinload(Candidate.organization))
            .order_by(Candidate.code)
        )
        .all()
    )
    seats = (
        db()
        .scalars(
            select(PanelSeat)
            .where(PanelSeat.session_id == assessment.id)
            .options(selectinload(PanelSeat.examiner))
        )
        .all()
    )
    seats = sorted(seats, key=lambda s: (s.role != SeatRole.LEADER, s.examiner.code))
    held = held_problem(assessment)
    return render_template(
        "records/session.html", assessment=assessment, candidates=candidates, seats=seats,
        document=document, plans=", ".join(f"v{v}" for v in staffing_plans(db(), assessment)),
        cancelled=cancellation(db(), assessment), errors=errors or {},
        held=held.reason(service_lang()) if held else None,
    )  # fmt: skip
