"""What the plan pages share: the plan or 404, the plan loaded (cached), a week of its sessions.

A plan at XL has 2 500 sessions: the review and edit pages show one week at a time (the
planner moves by week, or searches the whole plan for a session, venue, occupation or
examiner), and read the plan's instance and result from the app's `PlanCache`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from flask import Flask, abort, current_app, request, url_for

from models import Plan
from services.messages import Refused
from services.planning.cache import LoadedPlan, PlanCache
from services.planning.notes import note_text
from services.planning.plans import find_plan
from services.whatif.withdrawals import published_plan
from solver.schema import Session

from .database import db, institution
from .language import service_lang

SEARCH_LIMIT = 200  # sessions shown for a search over the whole plan


def init_app(app: Flask) -> None:
    """Give the app its cache of loaded plans, and the templates `args_url`."""
    app.extensions["panelplan.plans"] = PlanCache()
    app.add_template_global(args_url)
    app.add_template_global(plan_note)


def plan_note(plan: Plan) -> str:
    """Why the plan exists, in the reader's language."""
    return note_text(plan.note_facts, plan.note, service_lang())


def plan_or_404(version: int) -> Plan:
    """The signed-in user's institution's plan `version` (instance and result not read), or 404."""
    try:
        return find_plan(db(), institution(), version, content=False)
    except Refused:
        abort(404)


def published_other(plan: Plan) -> Plan | None:
    """The latest published version to compare `plan` with (None when it is that version,
    or when nothing is published)."""
    try:
        found = published_plan(db(), institution(), content=False)
    except Refused:
        return None
    return found if found.id != plan.id else None


def plan_cache() -> PlanCache:
    """The app's cache of loaded plans."""
    cache: PlanCache = current_app.extensions["panelplan.plans"]
    return cache


def loaded_plan(plan: Plan) -> LoadedPlan:
    """`plan` as the solver's objects, from the app's cache."""
    return plan_cache().get(plan)


@dataclass(frozen=True)
class Week:
    """A calendar week (Monday to Sunday) with sessions in the plan."""

    monday: date
    sessions: int

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)


@dataclass(frozen=True)
class Page:
    """The sessions one plan page shows: a week, or the matches of a search."""

    weeks: list[Week]
    week: Week | None  # None for a search
    sessions: list[Session]
    matches: int  # sessions matching the search (may exceed those shown)

    def neighbour(self, step: int) -> Week | None:
        """The week before (-1) or after (+1) the one shown."""
        if self.week is None:
            return None
        at = self.weeks.index(self.week) + step
        return self.weeks[at] if 0 <= at < len(self.weeks) else None


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def page(
    sessions: list[Session],
    wanted: str | None,
    query: str = "",
    matcher: Callable[[Session, str], bool] | None = None,
    today: date | None = None,
) -> Page:
    """The week `wanted` (an ISO date in it; default: this week if planned, else the first),
    or, with a `query`, the sessions `matcher` accepts in the whole plan (time order)."""
    counts: dict[date, int] = {}
    for s in sessions:
        key = monday(s.start.date())
        counts[key] = counts.get(key, 0) + 1
    weeks = [Week(m, n) for m, n in sorted(counts.items())]
    query = query.strip()
    if query and matcher is not None:
        found = [s for s in sessions if matcher(s, query)]
        return Page(weeks, None, found[:SEARCH_LIMIT], len(found))
    week = _chosen(weeks, wanted, today or date.today())
    shown = [s for s in sessions if week and monday(s.start.date()) == week.monday]
    return Page(weeks, week, shown, len(shown))


def _chosen(weeks: list[Week], wanted: str | None, today: date) -> Week | None:
    """The week holding `wanted` (else the next planned one, else the last); without
    `wanted`, this week when it is planned, else the first."""
    if not weeks:
        return None
    try:
        target = monday(date.fromisoformat(wanted)) if wanted else monday(today)
    except ValueError:
        wanted, target = None, monday(today)
    exact = [w for w in weeks if w.monday == target]
    if exact or not wanted:
        return exact[0] if exact else weeks[0]
    return next((w for w in weeks if w.monday > target), weeks[-1])


def week_of(sessions: list[Session], code: str) -> str | None:
    """The Monday (ISO) of session `code`'s week, when the plan has it."""
    found = next((s for s in sessions if s.id == code), None)
    return monday(found.start.date()).isoformat() if found else None


def args_url(**changes: str | list[str] | None) -> str:
    """The current page's address with some query arguments changed (None drops one);
    repeated arguments (the edit page's `change`) are kept."""
    args = request.args.to_dict(flat=False)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value if isinstance(value, list) else [value]
    return url_for(request.endpoint or "", **(request.view_args or {}), **args)  # type: ignore[arg-type]
