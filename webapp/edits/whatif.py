"""What-if: withdraw an examiner from the published plan, see ranked substitutes, act.

Looking (GET) records nothing. "Replace with" records the withdrawal and stores a draft;
"rerun with minimal changes" queues a what-if solve job for the scheduler.
"""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from models.base import Role
from services.messages import Problem, Refused
from services.planning.cache import LoadedPlan
from services.planning.solve_jobs import request_what_if
from services.whatif.substitutes import preview, replace_withdrawn
from services.whatif.withdrawals import Withdrawal, published_plan
from solver.numbers import MESSAGES as NUMBER_MESSAGES
from solver.numbers import BadNumber, decimal
from solver.options import TIME_LIMIT
from solver.solve import Options

from ..database import db, institution
from ..language import service_lang
from ..plans import loaded_plan
from ..roles import role_required
from .common import announce_draft, blueprint, served

RERUN_SECONDS = 60.0  # the default search time of a rerun (the planner may change it)


def _withdrawal(values: MultiDict[str, str]) -> Withdrawal | str:
    """The withdrawal the form describes, or what is wrong with it."""
    examiner = values.get("examiner", "").strip()
    if not examiner:
        return _("Choose the examiner who withdraws.")
    try:
        start, end = (
            date.fromisoformat(v) if (v := values.get(k, "").strip()) else None
            for k in ("start", "end")
        )
    except ValueError:
        return _("Dates are written YYYY-MM-DD.")
    session = values.get("session", "").strip() or None
    reason = values.get("reason", "").strip() or None
    return Withdrawal(examiner, session, start, end, reason)


@blueprint.route("/whatif")
@role_required(Role.PLANNER)
def whatif() -> str:
    """The withdrawal form and, once filled in, the affected seats with ranked substitutes."""
    return _page(request.args)


def _page(values: MultiDict[str, str], problems: list[str] | None = None) -> str:
    lang, problems = service_lang(), list(problems or [])
    try:
        published = published_plan(db(), institution(), content=False)
    except Refused as refused:
        return render_template("edits/whatif.html", published=None, problems=refused.lines(lang))
    view = loaded_plan(published)
    found, withdrawal = None, None
    if values.get("examiner") and not values.get("pick"):  # pick: only the examiner was chosen
        withdrawal = _withdrawal(values)
        if isinstance(withdrawal, str):
            problems.append(withdrawal)
        else:
            try:
                found = preview(db(), institution(), withdrawal, lang, view)
            except Refused as refused:
                problems += refused.lines(lang)
    return render_template(
        "edits/whatif.html",
        published=published,
        options=_choices(view, values),
        values=values,
        problems=problems,
        preview=found,
        rerun_seconds=int(RERUN_SECONDS),
    )


def _choices(view: LoadedPlan, values: MultiDict[str, str]) -> dict[str, Markup]:
    """The form's options — examiners sitting on the published plan, and the sessions (only
    the chosen examiner's once one is chosen) — rendered once per plan and examiner
    (thousands at XL), the chosen ones marked."""
    examiner = values.get("examiner", "")

    def examiners() -> Markup:
        seated = {m for a in view.panels.values() for m in a.members}
        return _options(
            [(e.id, f"{e.id} {e.name}") for e in view.instance.examiners if e.id in seated]
        )

    def sessions() -> Markup:
        places = view.places
        mine = [s for s in view.sessions if not examiner or examiner in view.panels[s.id].members]
        return _options(
            [
                (s.id, f"{s.id} {s.start:%Y-%m-%d %H:%M} {places.get(s.venue, s.venue)}")
                for s in mine
            ]
        )

    return {
        "examiners": _chosen(view.memo(("whatif-examiners",), examiners), examiner),
        "sessions": _chosen(
            view.memo(("whatif-sessions", examiner), sessions), values.get("session", "")
        ),
    }


def _options(pairs: list[tuple[str, str]]) -> Markup:
    return Markup("").join(Markup('<option value="{}">{}</option>').format(v, t) for v, t in pairs)


def _chosen(options: Markup, value: str) -> Markup:
    """`options` with the one of `value` selected."""
    if not value:
        return options
    mark = str(Markup('value="{}"').format(value))
    return Markup(str(options).replace(mark, f"{mark} selected", 1))


@blueprint.route("/whatif/replace", methods=["POST"])
@role_required(Role.PLANNER)
def replace() -> str | Response:
    """Record the withdrawal and store a draft with the chosen substitute in each seat."""
    withdrawal = _withdrawal(request.form)
    if isinstance(withdrawal, str):
        return _page(request.form, [withdrawal])
    choices = {
        key.removeprefix("seat-"): value
        for key, value in request.form.items()
        if key.startswith("seat-") and value
    }
    if not choices:
        return _page(request.form, [_("Choose a substitute for at least one seat.")])
    try:
        draft, found = replace_withdrawn(db(), institution(), withdrawal, choices)
    except Refused as refused:
        return _page(request.form, refused.lines(service_lang()))
    announce_draft(draft, failing=bool(found))
    published = published_plan(db(), institution())
    return redirect(url_for("edits.diff", version=draft.version, other=published.version))


@blueprint.route("/whatif/rerun", methods=["POST"])
@role_required(Role.PLANNER)
def rerun() -> str | Response:
    """Queue a what-if solve: locks on past sessions kept, as few changes as possible."""
    withdrawal = _withdrawal(request.form)
    if isinstance(withdrawal, str):
        return _page(request.form, [withdrawal])
    try:
        seconds = decimal(request.form.get("time_limit") or RERUN_SECONDS, *TIME_LIMIT)
    except BadNumber as bad:
        problem = Problem("time_limit", NUMBER_MESSAGES[bad.key], bad.params)
        return _page(request.form, [problem.text(service_lang())])
    options = Options(time_limit=seconds, workers=1, lang=service_lang())
    try:
        job = request_what_if(db(), institution(), [withdrawal], options)
    except Refused as refused:
        return _page(request.form, refused.lines(service_lang()))
    flash(_("What-if solve #%(id)s is queued.", id=job.id))
    page = f"/jobs/{job.id}"
    return redirect(page if served(page) else url_for("edits.whatif"))
