"""The whole term at a glance: a plan's timeline by examiner or by venue, and a month calendar.

Both read the plan from the app's cache (`webapp.plans.loaded_plan`); the per-plan index
(findings, changes versus the published plan, loads) is computed once per plan and a request
only cuts a month and applies the filters (`services.planning.timeline`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort, render_template, request, url_for

from models import Plan
from models.base import Role
from services.messages import Refused
from services.notices.queries import answers
from services.planning.cache import LoadedPlan
from services.planning.timeline import (
    ALL,
    Changes,
    Filters,
    Timeline,
    build,
    calendar,
    changed_seats,
    window_of,
)
from services.whatif.withdrawals import published_plan

from ..database import db, institution
from ..language import service_lang
from ..plans import loaded_plan, plan_or_404, published_other
from ..roles import role_required
from . import review
from .views import blueprint

BY = ("examiner", "venue")
WEEKDAYS = {"zh": "一二三四五六日", "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}


def _marks(plan: Plan, view: LoadedPlan, lang: str) -> tuple[set[str], Changes, float, Plan | None]:
    """Sessions with findings, changes versus the published plan (and that plan), fair share."""
    flagged = {s for s in view.findings_by_session(lang) if s is not None}
    published = published_other(plan)
    changes: Changes = {}
    if published is not None:
        other = loaded_plan(published)
        changes = view.memo(("changes", published.id), lambda: changed_seats(view, other))
    _, fair = review.plan_loads(view)
    return flagged, changes, fair, published


def _choices(view: LoadedPlan) -> dict[str, list[tuple[str, str]]]:
    """The filter's options: the plan's occupations and venues, by name."""
    used_trades = {s.occupation for s in view.sessions}
    used_venues = {s.venue for s in view.sessions}
    trades = [(code, name) for code, name in view.trades.items() if code in used_trades]
    venues = [(vid, name) for vid, name in view.places.items() if vid in used_venues]
    return {
        "occupations": sorted(trades, key=lambda t: t[1]),
        "venues": sorted(venues, key=lambda t: t[1]),
    }


@blueprint.route("/plans/<int:version>/timeline")
@role_required(Role.VIEWER)
def timeline(version: int) -> str:
    """The plan by examiner (rows) or venue (rows) × day, a month (or the whole term) at a time."""
    found = plan_or_404(version)
    view = loaded_plan(found)
    by = request.args.get("by", "examiner")
    if by not in BY:
        abort(404)
    lang = service_lang()
    flagged, changes, fair, published = _marks(found, view, lang)
    window = window_of(view.sessions, request.args.get("month"), date.today())
    filters = Filters(
        *(request.args.get(k, "").strip()[:100] for k in ("occupation", "venue", "examiner"))
    )

    def made() -> Timeline:
        return build(view, by, window, filters, flagged, changes, fair)  # type: ignore[arg-type]

    # Kept per window and filter (the plan never changes), except free-text examiner filters,
    # which any user could vary without end.
    key = ("timeline", lang, by, window, filters, published.id if published else None)
    shown = made() if filters.examiner else view.memo(key, made)
    return render_template(
        "planning/timeline.html", plan=found, timeline=shown, filters=filters, ALL=ALL,
        published=published, weekday_names=WEEKDAYS[lang], **_choices(view),
        answers=answers(db(), institution(), found) if by == "examiner" else {},
        evidence=url_for("planning.evidence", version=version, code="-")[:-1],
    )  # fmt: skip


@blueprint.route("/plans/<int:version>/calendar")
@role_required(Role.VIEWER)
def month_calendar(version: int) -> str:
    """The plan's sessions in a month calendar, week by week."""
    found = plan_or_404(version)
    view = loaded_plan(found)
    flagged = {s for s in view.findings_by_session(service_lang()) if s is not None}
    window = window_of(view.sessions, request.args.get("month"), date.today())
    months = sorted({f"{s.start:%Y-%m}" for s in view.sessions})
    month = months[0] if window == ALL and months else window
    weeks = calendar(view, month, flagged, view.names) if months else []
    return render_template(
        "planning/calendar.html", plan=found, weeks=weeks, month=month, months=months,
        weekday_names=WEEKDAYS[service_lang()],
    )  # fmt: skip


@dataclass(frozen=True)
class ExaminerLoad:
    """One examiner's load in the latest published plan against that plan's fair share."""

    plan: Plan
    seats: int
    leads: int
    fair: float


def examiner_load(code: str) -> ExaminerLoad | None:
    """`code`'s load in the institution's latest published plan (None when nothing is published)."""
    try:
        found = published_plan(db(), institution(), content=False)
    except Refused:
        return None
    view = loaded_plan(found)
    rows, fair = review.plan_loads(view)
    mine = next((r for r in rows if r.code == code), None)
    return ExaminerLoad(found, mine.seats if mine else 0, mine.leads if mine else 0, fair)
