"""Edit a plan by hand (checked at once), save it as a draft, publish; compare two versions.

The pending changes travel in the page's address (`change=S0001|E0003|E0010`, repeated):
looking at an edit writes nothing, only "save as draft" and "publish" do (POST, CSRF).
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from models.base import PlanStatus, Role
from services.edits import LEADER, Change, findings, save_draft, seat_candidates, stored, validate
from services.messages import Refused
from services.plans import status_name
from services.publishing import publish as publish_plan
from services.whatif import differences

from .. import service_lang
from ..database import db
from ..roles import role_required
from .common import announce_draft, blueprint, institution, plan_or_404


@blueprint.route("/plans/<int:version>/edit")
@role_required(Role.PLANNER)
def edit(version: int) -> str | Response:
    """The plan with the pending changes, the checker's findings, candidates for a seat."""
    texts = request.args.getlist("change")
    session, seat, into = (request.args.get(k, "") for k in ("session", "seat", "into"))
    if session and seat and into:  # one more change: kept when it can be made at all
        wanted = [*texts, Change(session, seat, into).encode()]
        plan = plan_or_404(version)
        instance, result = stored(plan)
        try:
            validate(instance, result, [Change.decode(t) for t in wanted], version)
        except Refused as refused:
            return _page(version, texts, session, seat, problems=refused.lines(service_lang()))
        return redirect(url_for("edits.edit", version=version, change=wanted) + "#findings")
    return _page(version, texts, session, seat)


def _page(version: int, texts: list[str], session: str = "", seat: str = "", **extra: Any) -> str:
    """Render the edit page for `version` with the changes `texts`."""
    plan, lang = plan_or_404(version), service_lang()
    instance, result = stored(plan)
    problems: list[str] = list(extra.pop("problems", []))
    try:
        changes = [Change.decode(t) for t in texts]
        edited = validate(instance, result, changes, version)
    except Refused as refused:
        problems += refused.lines(lang)
        changes, edited = [], result
    candidates = None
    if session and seat and any(a.session == session for a in edited.assignments):
        candidates = seat_candidates(instance, edited, session, seat, lang)
    return render_template(
        "edits/edit.html",
        plan=plan,
        status=status_name(plan.status, lang),
        draft=plan.status == PlanStatus.DRAFT,
        changes=changes,
        kept=[c.encode() for c in changes],
        touched={c.session for c in changes},
        findings=findings(instance, edited, lang),
        problems=problems,
        panels=_panels(instance, edited),
        names={e.id: e.name for e in instance.examiners},
        session=session,
        seat=seat,
        leader_seat=LEADER,
        candidates=candidates,
        **extra,
    )


def _panels(instance: Any, result: Any) -> list[dict[str, Any]]:
    """Rows of the plan table: session facts and panel, in time order."""
    venues = {v.id: v.name or v.id for v in instance.venues}
    trades = {o.code: o.name or o.code for o in instance.occupations}
    by_id = {a.session: a for a in result.assignments}
    rows = []
    for s in sorted(instance.sessions, key=lambda s: s.order_key):
        a = by_id.get(s.id)
        rows.append(
            {
                "id": s.id, "start": s.start, "end": s.end, "venue": venues.get(s.venue, s.venue),
                "occupation": trades.get(s.occupation, s.occupation), "level": s.level,
                "leader": a.leader if a else None, "members": a.members if a else (),
            }
        )  # fmt: skip
    return rows


@blueprint.route("/plans/<int:version>/edit/save", methods=["POST"])
@role_required(Role.PLANNER)
def save(version: int) -> str | Response:
    """Store the edited plan as a new draft (even when the checker finds violations)."""
    plan, texts = plan_or_404(version), request.form.getlist("change")
    try:
        changes = [Change.decode(t) for t in texts]
        draft, found = save_draft(
            db(), institution(), plan, changes, note=request.form.get("note") or None
        )
    except Refused as refused:
        return _page(version, texts, problems=refused.lines(service_lang()))
    announce_draft(draft, failing=bool(found))
    return redirect(url_for("edits.diff", version=draft.version, other=version))


@blueprint.route("/plans/<int:version>/edit/publish", methods=["POST"])
@role_required(Role.PLANNER)
def publish(version: int) -> str | Response:
    """Publish a draft; a refusal (checker, empty seats, stale data) is shown, nothing changes."""
    plan_or_404(version)
    try:
        publish_plan(db(), institution(), version)
    except Refused as refused:
        return _page(version, [], refusal=refused.lines(service_lang()))
    flash(_("Plan v%(version)s is published.", version=version))
    return redirect(url_for("edits.edit", version=version))


@blueprint.route("/plans/<int:version>/diff/<int:other>")
@role_required(Role.VIEWER)
def diff(version: int, other: int) -> str:
    """Per session, how plan `version` differs from plan `other`: leaves, joins, leaders."""
    plan, before = plan_or_404(version), plan_or_404(other)
    lang = service_lang()
    changes = differences(before.result.get("assignments", []), plan.result.get("assignments", []))
    names = {e["id"]: e.get("name", "") for e in before.instance.get("examiners", ())}
    names |= {e["id"]: e.get("name", "") for e in plan.instance.get("examiners", ())}
    counts = {
        "sessions": len(changes),
        "leaves": sum(len(c.leaves) for c in changes),
        "joins": sum(len(c.joins) for c in changes),
        "leaders": sum(c.leader_before != c.leader_after for c in changes),
    }
    return render_template(
        "edits/diff.html", plan=plan, before=before, changes=changes, names=names,
        counts=counts, status=status_name(plan.status, lang),
        before_status=status_name(before.status, lang),
        draft=plan.status == PlanStatus.DRAFT,
    )  # fmt: skip
