"""JSON endpoints: examiners, sessions, plans and solve jobs. Thin: parse, call a service, dump.

Reads need a signed-in user (any role); requesting or cancelling a solve needs a planner.
POSTs carry the CSRF token in the `X-CSRFToken` header (`GET /api/session` gives it).
Refusals answer 422 with every reason in the planner's language; query parameters it cannot
read answer 400 with what each should be. Long lists come in pages with their total and the
path of the next page (`/api/examiners` by `page`; sessions and a plan's panels by `offset`
and `limit`): at XL a term has 2,500 sessions and a plan as many panels.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.datastructures import MultiDict

from models import SolveJob
from models.base import Role
from services.messages import Refused
from services.people.queries import examiner_by_code, examiners_matching
from services.planning.plans import plan_versions
from services.planning.solve_jobs import cancel, get_job, list_jobs, request_plan
from services.schedule.queries import (
    SessionFilter,
    candidate_counts,
    session_codes,
    session_count,
    session_page,
)
from solver.messages import pick
from solver.numbers import decimal, whole
from solver.options import SEED, TIME_LIMIT, WORKERS
from solver.solve import Options

from ..database import db, institution
from ..language import service_lang
from ..plans import plan_cache, plan_or_404
from ..privacy import sight
from ..roles import role_required
from .openapi import document
from .params import FARTHEST, LIMITS, BadParameters, Params, window
from .shapes import examiner_json, job_json, plan_json, session_json

blueprint = Blueprint("api", __name__, url_prefix="/api")
PAGE_SIZE = 100  # examiners per page
RANGE_NEEDED = {
    "zh": "请给出日期范围 from 和 to（YYYY-MM-DD）",
    "en": "give the date range as from and to (YYYY-MM-DD)",
}


@blueprint.errorhandler(Refused)
def refused(error: Refused) -> ResponseReturnValue:
    """Every reason, in the planner's language; nothing was written."""
    return jsonify({"errors": error.lines(service_lang())}), 422


@blueprint.errorhandler(BadParameters)
def bad_parameters(error: BadParameters) -> ResponseReturnValue:
    """What each unreadable query parameter should be, in the planner's language."""
    return jsonify({"errors": error.errors}), 400


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
    params = Params()
    page = params.whole("page", 1, 1, FARTHEST)
    params.done()
    text = request.args.get("q")
    offset = (page - 1) * PAGE_SIZE
    total, rows = examiners_matching(db(), institution().id, text, offset, PAGE_SIZE)
    following = None
    if page * PAGE_SIZE < total:
        args: dict[str, Any] = {**request.args.to_dict(), "page": page + 1}
        following = url_for("api.examiners", **args)
    seen = sight()
    items = [examiner_json(e, seen) for e in rows]
    return jsonify({"page": page, "total": total, "next": following, "items": items})


@blueprint.get("/examiners/<code>")
@role_required(Role.VIEWER)
def examiner(code: str) -> ResponseReturnValue:
    """One examiner with qualifications, appointments and certificates."""
    found = examiner_by_code(db(), institution().id, code)
    if found is None:
        abort(404)
    return jsonify(examiner_json(found, sight(), detail=True))


@blueprint.get("/sessions")
@role_required(Role.VIEWER)
def sessions() -> ResponseReturnValue:
    """Sessions starting in [from, to] (ISO dates; both optional), by start, a page at a time."""
    params = Params()
    first, last = params.days()
    part = window(params, *LIMITS["sessions"])
    params.done()
    chosen, home = SessionFilter(first, last), institution()
    total = session_count(db(), home, chosen)
    found = session_page(db(), home, chosen, part.offset, part.limit)
    listed = candidate_counts(db(), [s.id for s in found])
    items = [session_json(s, listed.get(s.id, 0)) for s in found]
    return jsonify({"items": items, **part.paging(total)})


@blueprint.get("/plans")
@role_required(Role.VIEWER)
def plans() -> ResponseReturnValue:
    """Plan versions, newest first (without their panels)."""
    rows = plan_versions(db(), institution())
    return jsonify({"items": [plan_json(p) for p in rows]})


@blueprint.get("/plans/<int:version>")
@role_required(Role.VIEWER)
def plan(version: int) -> ResponseReturnValue:
    """One plan version with a page of its panels (`offset`, `limit`; `from`, `to` keep the
    panels of sessions starting in that range), their total and the next page's path."""
    params = Params()
    first, last = params.days()
    part = window(params, *LIMITS["assignments"])
    params.done()
    home, found = institution(), plan_or_404(version)
    result = plan_cache().get(found, instance=False).raw_result  # the instance is not read
    panels = result.get("assignments", [])
    if first or last:
        kept = session_codes(db(), home, first, last)
        panels = [a for a in panels if a["session"] in kept]
    shown = panels[part.offset : part.offset + part.limit]
    return jsonify({**plan_json(found, result, shown), **part.paging(len(panels))})


@blueprint.get("/jobs")
@role_required(Role.VIEWER)
def jobs() -> ResponseReturnValue:
    """Solve jobs with their progress (`all=1`: ended ones too)."""
    rows = list_jobs(db(), institution(), everything=request.args.get("all") == "1")
    return jsonify({"items": [job_json(j, service_lang()) for j in rows]})


@blueprint.get("/jobs/<int:job_id>")
@role_required(Role.VIEWER)
def job(job_id: int) -> ResponseReturnValue:
    """One solve job and its progress (404 for another institution's)."""
    return jsonify(job_json(_own_job(job_id), service_lang()))


@blueprint.post("/jobs")
@role_required(Role.PLANNER)
def new_job() -> ResponseReturnValue:
    """Record a solve request for a date range; the scheduler process runs it."""
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    params = Params(MultiDict())
    first, last = params.day("from", body.get("from")), params.day("to", body.get("to"))
    options = Options(
        time_limit=params.number("time_limit", decimal, TIME_LIMIT, body.get("time_limit", 60)),
        seed=params.number("seed", whole, SEED, body.get("seed", 0)),
        workers=params.number("workers", whole, WORKERS, body.get("workers", 0)),
    )
    if first is None or last is None:
        params.errors.append(pick(RANGE_NEEDED, service_lang()))
    params.done()
    assert first is not None and last is not None
    created = request_plan(db(), institution(), first, last, options)
    return jsonify(job_json(created, service_lang())), 201


@blueprint.post("/jobs/<int:job_id>/cancel")
@role_required(Role.PLANNER)
def cancel_job(job_id: int) -> ResponseReturnValue:
    """Cancel a queued job; a running one stops and keeps its best plan (404 for another
    institution's job; 422 for one that has ended)."""
    _own_job(job_id)
    return jsonify(job_json(cancel(db(), job_id, institution()), service_lang()))


def _own_job(job_id: int) -> SolveJob:
    """The institution's job `job_id`; 404 for an unknown job or another institution's."""
    try:
        return get_job(db(), job_id, institution())
    except Refused:
        abort(404)
