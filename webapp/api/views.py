"""JSON endpoints: examiners, sessions, plans and solve jobs. Thin: parse, call a service, dump.

Reads need a signed-in user (any role); requesting or cancelling a solve needs a planner.
POSTs carry the CSRF token in the `X-CSRFToken` header (`GET /api/session` gives it).
Refusals answer 422 with every reason in the planner's language.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from sqlalchemy.orm import defer, selectinload

from models import AssessmentSession, Examiner, Plan
from models.base import Role
from services.context import institution
from services.exports.layout import mask_id
from services.messages import Refused
from services.solve_jobs import cancel, get_job, list_jobs, request_plan
from solver.solve import Options

from .. import service_lang
from ..database import db
from ..roles import may, role_required
from .openapi import document
from .shapes import examiner_json, job_json, plan_json, session_json

blueprint = Blueprint("api", __name__, url_prefix="/api")
PAGE_SIZE = 100


@blueprint.errorhandler(Refused)
def refused(error: Refused) -> ResponseReturnValue:
    """Every reason, in the planner's language; nothing was written."""
    return jsonify({"errors": error.lines(service_lang())}), 422


@blueprint.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    """The OpenAPI 3.1 document of this API (public, like any API description)."""
    return jsonify(document())


@blueprint.get("/session")
@role_required(Role.VIEWER)
def session_info() -> ResponseReturnValue:
    """Who is signed in, and the CSRF token for POSTs."""
    return jsonify(
        {
            "username": current_user.username,
            "role": current_user.role.value,
            "csrf_token": generate_csrf(),
        }
    )


@blueprint.get("/examiners")
@role_required(Role.VIEWER)
def examiners() -> ResponseReturnValue:
    """Examiners of the institution, by code; `q` filters by code or name, `page` pages."""
    query = select(Examiner).where(Examiner.institution_id == institution(db()).id)
    if text := request.args.get("q"):
        query = query.where(Examiner.name.contains(text) | Examiner.code.contains(text))
    page = max(1, request.args.get("page", 1, type=int))
    rows = db().scalars(
        query.order_by(Examiner.code).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    )
    return jsonify({"page": page, "items": [examiner_json(e, _id_shown) for e in rows]})


@blueprint.get("/examiners/<code>")
@role_required(Role.VIEWER)
def examiner(code: str) -> ResponseReturnValue:
    """One examiner with qualifications, appointments and certificates."""
    found = db().scalar(
        select(Examiner).where(
            Examiner.institution_id == institution(db()).id, Examiner.code == code
        )
    )
    if found is None:
        abort(404)
    return jsonify(examiner_json(found, _id_shown, detail=True))


@blueprint.get("/sessions")
@role_required(Role.VIEWER)
def sessions() -> ResponseReturnValue:
    """Sessions starting in [from, to] (ISO dates; both optional)."""
    query = select(AssessmentSession).where(
        AssessmentSession.institution_id == institution(db()).id
    )
    if first := _date("from"):
        query = query.where(AssessmentSession.start >= first)
    if last := _date("to"):
        query = query.where(AssessmentSession.start < date.fromordinal(last.toordinal() + 1))
    loads = (
        selectinload(AssessmentSession.venue),
        selectinload(AssessmentSession.occupation),
        selectinload(AssessmentSession.candidates),
    )
    rows = db().scalars(
        query.options(*loads).order_by(AssessmentSession.start, AssessmentSession.code)
    )
    return jsonify({"items": [session_json(s) for s in rows]})


@blueprint.get("/plans")
@role_required(Role.VIEWER)
def plans() -> ResponseReturnValue:
    """Plan versions, newest first (without their panels)."""
    rows = db().scalars(
        select(Plan)
        .where(Plan.institution_id == institution(db()).id)
        .options(defer(Plan.instance))  # megabytes at XL, not shown in the list
        .order_by(Plan.version.desc())
    )
    return jsonify({"items": [plan_json(p) for p in rows]})


@blueprint.get("/plans/<int:version>")
@role_required(Role.VIEWER)
def plan(version: int) -> ResponseReturnValue:
    """One plan version with its panels (the stored result)."""
    found = db().scalar(
        select(Plan).where(Plan.institution_id == institution(db()).id, Plan.version == version)
    )
    if found is None:
        abort(404)
    return jsonify(plan_json(found, detail=True))


@blueprint.get("/jobs")
@role_required(Role.VIEWER)
def jobs() -> ResponseReturnValue:
    """Solve jobs with their progress (`all=1`: ended ones too)."""
    rows = list_jobs(db(), institution(db()), everything=request.args.get("all") == "1")
    return jsonify({"items": [job_json(j, service_lang()) for j in rows]})


@blueprint.get("/jobs/<int:job_id>")
@role_required(Role.VIEWER)
def job(job_id: int) -> ResponseReturnValue:
    """One solve job and its progress."""
    return jsonify(job_json(get_job(db(), job_id, institution(db())), service_lang()))


@blueprint.post("/jobs")
@role_required(Role.PLANNER)
def new_job() -> ResponseReturnValue:
    """Record a solve request for a date range; the scheduler process runs it."""
    body = request.get_json(silent=True) or {}
    try:
        first, last = date.fromisoformat(body["from"]), date.fromisoformat(body["to"])
        options = Options(
            time_limit=float(body.get("time_limit", 60)),
            seed=int(body.get("seed", 0)),
            workers=int(body.get("workers", 0)),
        )
    except (KeyError, TypeError, ValueError):
        return jsonify({"errors": ["from, to (YYYY-MM-DD), time_limit, seed, workers"]}), 400
    created = request_plan(db(), institution(db()), first, last, options)
    return jsonify(job_json(created, service_lang())), 201


@blueprint.post("/jobs/<int:job_id>/cancel")
@role_required(Role.PLANNER)
def cancel_job(job_id: int) -> ResponseReturnValue:
    """Cancel a queued job; a running one stops and keeps its best plan."""
    return jsonify(job_json(cancel(db(), job_id, institution(db())), service_lang()))


def _id_shown(number: str) -> str:
    """Full ID numbers for admins only."""
    return number if may(Role.ADMIN) else mask_id(number)


def _date(name: str) -> date | None:
    value = request.args.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        abort(400)
