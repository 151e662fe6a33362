"""Plan a term (record a solve job), follow it live, stop it; list, review and publish plans.

The web app only records the solve (`services.planning.solve_jobs`): the scheduler process runs
it in a child process; the job page polls the job row once a second."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from models import JobStatus, Plan, SolveJob
from models.base import PlanStatus, Role, utcnow
from services.institution.scheduler_state import scheduler_alive
from services.messages import Refused
from services.notices.queries import answers
from services.planning.plans import plan_objectives, status_name
from services.planning.policy import effective_policy
from services.planning.policy import shown as shown_value
from services.planning.sheet_rows import panel_rows
from services.planning.solve_jobs import cancel, get_job, list_jobs, request_plan
from services.planning.solve_jobs import status_name as job_status_name
from services.planning.solve_runs import ENDED, objective_tuple
from services.schedule.queries import next_range
from solver.numbers import BadNumber, decimal, whole
from solver.options import SEED, TIME_LIMIT
from solver.schema import Result
from solver.solve import Options

from ..database import db, institution
from ..language import service_lang
from ..plans import loaded_plan, page, plan_or_404, published_other
from ..roles import role_required
from . import policy_form, review

blueprint = Blueprint("planning", __name__)

DEFAULT_TIME_LIMIT = 60
POLICY_PAGES = ("records.policy", "policy.edit", "policy.show", "policy.index")
LEVELS = {
    "unfilled": _l("empty seats"),
    "changes": _l("changes to the published plan"),
    "load_squares": _l("fair load"),
    "leader_squares": _l("fair leadership"),
}
SOLVER_STATUSES = {
    "OPTIMAL": _l("proven optimal"),
    "FEASIBLE": _l("valid, not proven optimal"),
    "INFEASIBLE": _l("no plan possible"),
    "UNKNOWN": _l("no plan found in time"),
    "MODEL_INVALID": _l("data refused"),
}
STATUSES = {
    "suspended": _l("suspended"),
    "revocation_pending": _l("awaiting revocation"),
    "revoked": _l("revoked"),
}


@blueprint.route("/plans/new", methods=["GET", "POST"])
@role_required(Role.PLANNER)
def new() -> str | Response:
    """The plan-a-term form; a valid request queues a solve job and shows it."""
    inst = institution()
    house = effective_policy(inst)
    first, last = next_range(db(), inst, date.today())
    form = {"date_from": first.isoformat(), "date_to": last.isoformat(),
            "time_limit": str(DEFAULT_TIME_LIMIT), "seed": "0"}  # fmt: skip
    policy = policy_form.values_of(house)
    errors: dict[str, str] = {}
    policy_errors: dict[str, list[str]] = {}
    refusals: list[str] = []
    if request.method == "POST":
        sent = {k: request.form.get(k, "").strip() for k in form}
        # An empty time limit or seed means the default; an empty date is an error.
        form |= {k: v for k, v in sent.items() if v or k.startswith("date_")}
        parsed, errors = _parse(form)
        chosen, as_sent, policy_errors = policy_form.parse(request.form)
        policy |= as_sent  # the fields shown again as the planner wrote them
        if not errors and not policy_errors:
            try:
                date_from, date_to, options = parsed
                job = request_plan(db(), inst, date_from, date_to, options, policy=chosen)
            except Refused as refused:
                policy_errors, refusals = policy_form.split(refused, service_lang())
            else:
                if date_from < date.today():
                    flash(
                        _(
                            "Note: this range starts in the past (%(day)s). Plan past dates only to record what was held.",
                            day=date_from.isoformat(),
                        ),
                        "warning",
                    )
                return redirect(url_for("planning.job", job_id=job.id))
    return render_template(
        "planning/new.html", form=form, errors=errors, refusals=refusals, policy=policy,
        policy_errors=policy_errors, names=policy_form.names(service_lang()),
        choices=policy_form.CHOICES,
        grades=policy_form.GRADE_NAMES, levels=policy_form.LEVELS,
        shown=lambda key: shown_value(house, key, service_lang()),
        alive=scheduler_alive(db(), utcnow()), policy_url=_policy_url(),
    )  # fmt: skip


def _policy_url() -> str | None:
    """The policy page, when the app has one."""
    for endpoint in POLICY_PAGES:
        if endpoint in current_app.view_functions:
            return url_for(endpoint)
    return None


def _parse(form: dict[str, str]) -> tuple[Any, dict[str, str]]:
    """(date_from, date_to, Options) from the form, or the fields in error."""
    errors, values = {}, {}
    for key in ("date_from", "date_to"):
        try:
            values[key] = date.fromisoformat(form[key])
        except ValueError:
            errors[key] = _("Enter a date as YYYY-MM-DD.")
    # Unreadable numbers are the form's to refuse; readable ones out of range (zero seconds, a
    # negative seed) the service's, which says so together with every policy reason.
    time_limit, seed = None, 0
    try:
        time_limit = decimal(form["time_limit"], -TIME_LIMIT[1], TIME_LIMIT[1])
    except BadNumber as bad:
        errors["time_limit"] = bad.text(service_lang())
    try:
        seed = whole(form["seed"], -SEED[1], SEED[1])
    except BadNumber as bad:
        errors["seed"] = bad.text(service_lang())
    if errors:
        return None, errors
    options = Options(time_limit=time_limit, seed=seed, lang=service_lang())
    return (values["date_from"], values["date_to"], options), errors


def _job(job_id: int) -> SolveJob:
    """The institution's job, else 404."""
    try:
        return get_job(db(), job_id, institution())
    except Refused:
        abort(404)


@blueprint.route("/jobs/<int:job_id>")
@role_required(Role.VIEWER)
def job(job_id: int) -> str:
    """A solve job: live progress while it runs, the plan (or why there is none) once ended."""
    found = _job(job_id)
    plan = db().get(Plan, found.plan_id) if found.plan_id else None
    diagnostics = []
    if plan is not None and plan.solver_status == "INFEASIBLE":
        diagnostics = review.diagnostics_by_session(Result.model_validate(plan.result))
    return render_template(
        "planning/job.html", job=found, progress=progress_of(found, plan), plan=plan,
        diagnostics=diagnostics, alive=scheduler_alive(db(), utcnow()),
        partial=plan is not None and bool(plan.result.get("assignments")),
        published=published_other(plan) if plan is not None else None,
    )  # fmt: skip


@blueprint.route("/jobs/<int:job_id>/progress")
@role_required(Role.VIEWER)
def progress(job_id: int) -> Response:
    """The job's progress as JSON (polled by the job page)."""
    found = _job(job_id)
    plan = db().get(Plan, found.plan_id) if found.plan_id else None
    return jsonify(progress_of(found, plan))


def progress_of(found: SolveJob, plan: Plan | None) -> dict[str, Any]:
    """What the job page shows: status, level, vectors, elapsed, the bar, the outcome."""
    lang = service_lang()
    limit = float(found.parameters.get("time_limit") or 0)
    done = found.status in ENDED
    elapsed = found.elapsed or 0.0
    objective, bound = objective_tuple(found.objective), objective_tuple(found.bound)
    return {
        "id": found.id,
        "status": found.status.value,
        "status_text": job_status_name(found.status, lang),
        "done": done,
        "stopping": found.cancel_requested and not done,
        "level": found.level,
        "level_text": str(LEVELS.get(found.level or "", found.level or "")),
        "objective": list(objective) if objective else None,
        "bound": list(bound) if bound else None,
        "elapsed": round(elapsed, 1),
        "time_limit": limit,
        "percent": 100 if done else min(99, round(100 * elapsed / limit)) if limit else 0,
        "solver_status": plan.solver_status if plan else None,
        "proven_optimal": plan is not None and plan.solver_status == "OPTIMAL",
        "plan_url": url_for("planning.plan", version=plan.version) if plan else None,
        "plan_version": plan.version if plan else None,
        "error": (found.error or {}).get(lang, []),
    }


@blueprint.route("/jobs/<int:job_id>/stop", methods=["POST"])
@role_required(Role.PLANNER)
def stop(job_id: int) -> Response:
    """Stop a job: a queued one at once, a running one keeping its best plan."""
    _job(job_id)
    try:
        cancel(db(), job_id, institution())
    except Refused as refused:
        for line in refused.lines(service_lang()):
            flash(line)
    else:
        flash(_("Stopping: the best plan so far is kept."))
    return redirect(url_for("planning.job", job_id=job_id))


@blueprint.route("/plans")
@role_required(Role.VIEWER)
def plans() -> str:
    """Every plan version of the institution, newest first, and the solves under way."""
    inst = institution()
    rows = [(p, objective_tuple(objective)) for p, objective in plan_objectives(db(), inst)]
    jobs = list_jobs(db(), inst, everything=True, limit=10)
    published = next((p for p, _ in rows if p.status == PlanStatus.PUBLISHED), None)
    return render_template(
        "planning/plans.html", rows=rows, jobs=jobs, published=published, **_names()
    )


def _names() -> dict[str, Any]:
    lang = service_lang()
    return {
        "plan_status": lambda s: status_name(s, lang),
        "job_status": lambda s: job_status_name(s, lang),
        "solver_status": lambda s: str(SOLVER_STATUSES.get(s, s)),
        "JobStatus": JobStatus,
        "PlanStatus": PlanStatus,
    }


@blueprint.route("/plans/<int:version>")
@role_required(Role.VIEWER)
def plan(version: int) -> str:
    """Review a plan: a week of sessions and panels (or a search), load chart, objective, bound."""
    found = plan_or_404(version)
    view = loaded_plan(found)
    shown = page(view.sessions, request.args.get("week"), request.args.get("q", ""), view.matches)
    panels = {a.session: (a.leader, a.members) for a in view.panels.values()}
    unfilled = {u.session: u.seats for u in view.result.unfilled}
    rows = panel_rows(db(), institution(), panels, unfilled, [s.id for s in shown.sessions])
    loads, fair = review.plan_loads(view)
    top = max([fair, *(row.seats for row in loads)]) or 1
    sitting = {m for s in shown.sessions for m in view.panels[s.id].members if s.id in view.panels}
    return render_template(
        "planning/plan.html", plan=found, result=view.result, rows=rows, page=shown,
        query=request.args.get("q", ""), loads=[r for r in loads if r.code in sitting],
        fair=fair, top=top, levels=LEVELS, spread=review.spread(view.result, loads, fair),
        broken=len(view.findings(service_lang())) + len(view.result.unfilled)
        if found.status == PlanStatus.DRAFT else 0,
        diagnostics=review.diagnostics_by_session(view.result), **_names(),
        published=published_other(found), answers=answers(db(), institution(), found),
        policy=policy_form.summary(view.instance.policy, effective_policy(institution()),
                                   service_lang()),
    )  # fmt: skip


@blueprint.route("/plans/<int:version>/loads")
@role_required(Role.VIEWER)
def loads(version: int) -> str:
    """Every examiner's sessions and leaderships in the plan against the fair share."""
    found = plan_or_404(version)
    view = loaded_plan(found)
    rows, fair = review.plan_loads(view)
    top = max([fair, *(row.seats for row in rows)]) or 1
    return render_template("planning/loads.html", plan=found, loads=rows, fair=fair, top=top)


@blueprint.route("/plans/<int:version>/sessions/<code>")
@role_required(Role.VIEWER)
def evidence(version: int, code: str) -> str:
    """One panel's evidence: why each member may sit, turnover, visits in a row at the venue."""
    found = plan_or_404(version)
    try:
        shown = review.evidence(loaded_plan(found), code, service_lang())
    except KeyError:
        abort(404)
    return render_template("planning/evidence.html", plan=found, panel=shown, statuses=STATUSES)
