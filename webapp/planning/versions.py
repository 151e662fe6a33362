"""Moving between versions without dead ends: publish after a confirmation that says what
changes and who must be told, restore an older version as a new draft, and find the
published version to compare with.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from models.base import PlanStatus, Role
from services.messages import Refused
from services.planning.edits import restore
from services.planning.publishing import publish, publish_problems
from services.whatif.rerun import SessionChange, differences

from ..database import db, institution
from ..language import service_lang
from ..plans import loaded_plan, plan_or_404, published_other
from ..roles import role_required
from .views import blueprint


@dataclass
class Told:
    """One examiner whose duties change on publishing, and how."""

    code: str
    name: str
    joins: list[str] = field(default_factory=list)  # session codes
    leaves: list[str] = field(default_factory=list)
    leads: list[str] = field(default_factory=list)  # sessions they now lead


def to_tell(changes: list[SessionChange], names: dict[str, str]) -> list[Told]:
    """Everyone who joins, leaves or starts leading a panel, by code."""
    told: dict[str, Told] = {}

    def one(code: str) -> Told:
        return told.setdefault(code, Told(code, names.get(code, code)))

    for c in changes:
        for code in c.joins:
            one(code).joins.append(c.session)
        for code in c.leaves:
            one(code).leaves.append(c.session)
        if c.leader_after and c.leader_after != c.leader_before:
            one(c.leader_after).leads.append(c.session)
    return sorted(told.values(), key=lambda t: t.code)


@blueprint.route("/plans/<int:version>/publish", methods=["GET"])
@role_required(Role.PLANNER)
def confirm_publish(version: int) -> str:
    """Before publishing: what the checker says, what changes, and who must be told."""
    plan = plan_or_404(version)
    view = loaded_plan(plan)
    problems = (
        publish_problems(db(), institution(), plan) if plan.status == PlanStatus.DRAFT else []
    )
    before = published_other(plan)
    if before is not None:
        old = loaded_plan(before)
        changes = view.memo(("diff", before.id, before.created_at),
                            lambda: differences(old.panel_dicts(), view.panel_dicts()))  # fmt: skip
        names = old.names | view.names
    else:
        changes = differences([], view.panel_dicts())
        names = view.names
    return render_template(
        "planning/publish.html", plan=plan, before=before, changes=changes,
        told=to_tell(changes, names), problems=[p.text(service_lang()) for p in problems],
        draft=plan.status == PlanStatus.DRAFT, labels=view.session_labels(service_lang()),
    )  # fmt: skip


@blueprint.route("/plans/<int:version>/restore", methods=["POST"])
@role_required(Role.PLANNER)
def restore_version(version: int) -> Response:
    """Copy an older version as a new draft, and open it."""
    plan = plan_or_404(version)
    try:
        draft = restore(db(), institution(), plan)
    except Refused as refused:
        for line in refused.lines(service_lang()):
            flash(line, "error")
        return redirect(url_for("planning.plan", version=version))
    flash(_("v%(old)s is restored as draft v%(new)s.", old=version, new=draft.version))
    return redirect(url_for("planning.plan", version=draft.version))


@blueprint.route("/plans/<int:version>/publish", methods=["POST"])
@role_required(Role.PLANNER)
def publish_plan(version: int) -> Response:
    """Publish a checked draft; the reasons are listed when it is refused."""
    plan_or_404(version)
    try:
        publish(db(), institution(), version)
    except Refused as refused:  # refused before anything is written
        for line in refused.lines(service_lang()):
            flash(line, "error")
    else:
        flash(_("Plan v%(version)s is published.", version=version))
    return redirect(url_for("planning.plan", version=version))
