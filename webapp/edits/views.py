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
from services.messages import Refused
from services.planning.edit_checks import findings_after, seat_candidates
from services.planning.edits import LEADER, Change, save_draft, validate
from services.planning.notes import Fact, fact
from services.planning.plans import status_name
from services.planning.publishing import publish as publish_plan
from services.whatif.rerun import differences

from ..database import db, institution
from ..language import service_lang
from ..numbers import page_arg
from ..plans import loaded_plan, page, plan_or_404, week_of
from ..roles import role_required
from .common import announce_draft, blueprint

DIFF_PAGE = 100  # changed sessions a page


@blueprint.route("/plans/<int:version>/edit")
@role_required(Role.PLANNER)
def edit(version: int) -> str | Response:
    """A week of the plan with the pending changes, the checker's findings, a seat's candidates."""
    texts = request.args.getlist("change")
    session, seat, into = (request.args.get(k, "") for k in ("session", "seat", "into"))
    if session and seat and into:  # one more change: kept when it can be made at all
        wanted = [*texts, Change(session, seat, into).encode()]
        view = loaded_plan(plan_or_404(version))
        try:
            validate(view.instance, view.result, [Change.decode(t) for t in wanted], version)
        except Refused as refused:
            return _page(version, texts, session, seat, problems=refused.lines(service_lang()))
        week = week_of(view.sessions, session)
        return redirect(
            url_for("edits.edit", version=version, change=wanted, week=week) + "#findings"
        )
    return _page(version, texts, session, seat)


def _page(version: int, texts: list[str], session: str = "", seat: str = "", **extra: Any) -> str:
    """Render the edit page for `version` with the changes `texts`."""
    plan, lang = plan_or_404(version), service_lang()
    view = loaded_plan(plan)
    problems: list[str] = list(extra.pop("problems", []))
    try:
        changes = [Change.decode(t) for t in texts]
        edited = validate(view.instance, view.result, changes, version)
    except Refused as refused:
        problems += refused.lines(lang)
        changes, edited = [], view.result
    candidates = None
    if session and seat and any(a.session == session for a in edited.assignments):
        candidates = view.memo(
            ("candidates", tuple(texts), session, seat, lang),
            lambda: seat_candidates(view.instance, edited, session, seat, lang, view.facts),
        )
    wanted = request.args.get("week") or (week_of(view.sessions, session) if session else None)
    shown = page(view.sessions, wanted, request.args.get("q", ""), view.matches)
    return render_template(
        "edits/edit.html",
        plan=plan,
        status=status_name(plan.status, lang),
        draft=plan.status == PlanStatus.DRAFT,
        changes=changes,
        kept=[c.encode() for c in changes],
        touched={c.session for c in changes},
        findings=findings_after(view.instance, view.result, changes, view.findings(lang), lang),
        problems=problems,
        page=shown,
        query=request.args.get("q", ""),
        panels=_panels(view.instance, edited, shown.sessions),
        names=view.names,
        session=session,
        seat=seat,
        leader_seat=LEADER,
        candidates=candidates,
        **extra,
    )


def _panels(instance: Any, result: Any, sessions: list[Any]) -> list[dict[str, Any]]:
    """Rows of the plan table: session facts and panel of `sessions`, in their order."""
    venues = {v.id: v.name or v.id for v in instance.venues}
    trades = {o.code: o.name or o.code for o in instance.occupations}
    wanted = {s.id for s in sessions}
    by_id = {a.session: a for a in result.assignments if a.session in wanted}
    rows = []
    for s in sessions:
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
            db(), institution(), plan, changes, note=_typed_note(request.form.get("note"))
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
    old, new = loaded_plan(before), loaded_plan(plan)
    changes = new.memo(
        ("diff", before.id, before.created_at),
        lambda: differences(old.panel_dicts(), new.panel_dicts()),
    )
    names = old.names | new.names
    counts = {
        "sessions": len(changes),
        "leaves": sum(len(c.leaves) for c in changes),
        "joins": sum(len(c.joins) for c in changes),
        "leaders": sum(c.leader_before != c.leader_after for c in changes),
    }
    pages = max(1, -(-len(changes) // DIFF_PAGE))
    number = min(page_arg(), pages)
    shown = changes[(number - 1) * DIFF_PAGE : number * DIFF_PAGE]
    return render_template(
        "edits/diff.html", plan=plan, before=before, changes=shown, names=names,
        counts=counts, status=status_name(plan.status, lang),
        before_status=status_name(before.status, lang),
        draft=plan.status == PlanStatus.DRAFT, page=number, pages=pages,
        labels=old.session_labels(lang) | new.session_labels(lang),
    )  # fmt: skip


def _typed_note(text: str | None) -> list[Fact] | None:
    """The planner's own note on a draft, kept as typed."""
    return [fact("text", text=text.strip())] if text and text.strip() else None
