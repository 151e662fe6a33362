"""Publish a checked plan version (SPEC 4.5).

Publishing is refused unless the independent checker (`solver.check`) passes the plan
against its stored instance *and* against the database as it is now (someone may have
been revoked since), and no seat is empty. A published plan's seats become the panels in
force (`PanelSeat`) of its sessions; earlier published plans sharing a session are marked
superseded; each examiner whose seats change gets a notice (`services.notices.record`).

Publishing holds the institution's publish lock (`models.locks`) from before it reads the
plan's status until its transaction ends: two planners publishing two drafts of the same
days at once are served one after the other, and the second supersedes the first (or is
refused, when its own plan was published or superseded meanwhile) instead of both ending
up published.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from models import Institution, PanelSeat, Plan, PlanSeat, audit
from models.base import PlanStatus, utcnow
from models.locks import hold
from services.messages import Problem, Refused
from services.notices.record import in_force, record
from services.planning.instance import build_instance
from services.planning.plans import diagnostic_problem, find_plan, loaded, session_ids, status_name
from solver.check import check, required_size, verify
from solver.schema import Diagnostic, Instance, Result

PLAN_STATUSES = ("OPTIMAL", "FEASIBLE")

MESSAGES = {
    "not_draft": {
        "zh": "方案 v{version} 的状态为“{zh}”，只有草稿可以发布",
        "en": "plan v{version} is {en}: only a draft can be published",
    },
    "no_plan": {
        "zh": "方案 v{version} 没有可行的安排（求解状态 {status}），不能发布",
        "en": "plan v{version} holds no plan (solver status {status}) and cannot be published",
    },
    "rule_broken": {
        "zh": "方案 v{version} 违反规则 {rule}：{zh}",
        "en": "plan v{version} breaks rule {rule}: {en}",
    },
    "unfilled": {
        "zh": "方案 v{version} 的场次 {session} 还有 {seats} 个空缺席位，不能发布",
        "en": "plan v{version} leaves session {session} with empty seats ({seats}): not publishable",
    },
    "stale": {
        "zh": "方案 v{version} 已与当前数据库不符（规则 {rule}）：{zh}；请重新排班",
        "en": "plan v{version} no longer fits the database (rule {rule}): {en}; plan again",
    },
}


def publish(db: Session, institution: Institution, version: int) -> Plan:
    """Publish a checked draft: its panels come into force, overlapping plans are superseded."""
    hold(db, "publish", institution.id)
    plan = find_plan(db, institution, version)
    db.refresh(plan, ["status"])  # as committed by a publisher we may have waited for
    if plan.status != PlanStatus.DRAFT:
        zh, en = status_name(plan.status, "zh"), status_name(plan.status, "en")
        raise Refused([Problem.of(MESSAGES, "not_draft", "plan", version=version, zh=zh, en=en)])
    problems = publish_problems(db, institution, plan)
    if problems:
        raise Refused(problems)
    superseded = _supersede(db, plan)
    before = in_force(db, plan)
    _bring_into_force(db, plan)
    plan.status = PlanStatus.PUBLISHED
    plan.published_at = utcnow()
    told = record(db, plan, before, plan.published_at)
    plan.published_by = db.info.get("actor")
    audit(
        db,
        "publish_plan",
        f"plan v{plan.version}",
        institution.id,
        superseded=[p.version for p in superseded],
        sessions=len(plan.instance.get("sessions", ())),
        notices=len(told),
    )
    db.flush()
    return plan


def publish_problems(db: Session, institution: Institution, plan: Plan) -> list[Problem]:
    """Every reason `plan` may not be published (empty when it may)."""
    result = Result.model_validate(plan.result)
    if result.status not in PLAN_STATUSES:
        return [Problem.of(MESSAGES, "no_plan", "plan", version=plan.version, status=result.status)]
    stored, _ = loaded(plan.instance)
    problems = _unfilled(stored, result, plan.version)
    empty = {p.params["session"] for p in problems}
    problems += _findings(stored, result, "rule_broken", plan.version, empty, verify)
    if problems:
        return problems
    # The database may have moved on since the plan was solved (a revocation, a new
    # session, a later panel in force): check the plan against it too.
    return [
        diagnostic_problem(MESSAGES, "stale", "session" if z.session else "plan", z, e,
                           version=plan.version)
        for z, e in recheck(db, institution, plan)
    ]  # fmt: skip


def recheck(
    db: Session, institution: Institution, plan: Plan, since: date | None = None
) -> list[tuple[Diagnostic, Diagnostic]]:
    """The checker's findings (zh, en) on `plan` against the instance built from the database now.

    Baseline and locks aside. With `since` (the published-plan revalidation), only the plan's
    own sessions from that day on are checked: earlier ones are as good as served, and a
    session added to the range since is the next plan's business, not a fault of this one.
    """
    start = plan.date_from if since is None else max(plan.date_from, since)
    now, _ = loaded(build_instance(db, institution, start, plan.date_to))
    now = now.model_copy(update={"baseline": (), "locks": ()})
    result = Result.model_validate(plan.result)
    if since is not None:
        mine = {a.session for a in result.assignments}
        now = now.model_copy(update={"sessions": tuple(s for s in now.sessions if s.id in mine)})
        kept = {s.id for s in now.sessions}
        # A staffed session still to come that is no longer planned in the range (cancelled,
        # moved) stays in: the checker names it (its panel needs the planner's decision).
        due = {x["id"] for x in plan.instance.get("sessions", ()) if x["start"][:10] >= str(start)}
        assignments = [a for a in result.assignments if a.session in kept | due]
        result = result.model_copy(update={"assignments": assignments})
    return list(zip(check(now, result, "zh"), check(now, result, "en"), strict=True))


def _unfilled(instance: Instance, result: Result, version: int) -> list[Problem]:
    panels: dict[str, set[str]] = {}
    for a in result.assignments:
        panels.setdefault(a.session, set(a.members))
    return [
        Problem.of(MESSAGES, "unfilled", "session", version=version, session=s.id, seats=seats)
        for s in instance.sessions
        if (seats := required_size(instance, s) - len(panels.get(s.id, ()))) > 0
    ]


def _findings(
    instance: Instance, result: Result, key: str, version: int, skip: set[str], checker: Callable
) -> list[Problem]:
    """Checker findings as problems, in both languages (the same findings in the same order)."""
    zh, en = checker(instance, result, "zh"), checker(instance, result, "en")
    return [
        diagnostic_problem(MESSAGES, key, "session" if z.session else "plan", z, e, version=version)
        for z, e in zip(zh, en, strict=True)
        if not (z.rule == "H1" and z.session in skip)
    ]


def _supersede(db: Session, plan: Plan) -> list[Plan]:
    """Mark the other published plans that staff any of this plan's sessions as superseded."""
    mine = select(PlanSeat.session_id).where(PlanSeat.plan_id == plan.id)
    others = db.scalars(
        select(Plan)
        .where(
            Plan.institution_id == plan.institution_id,
            Plan.status == PlanStatus.PUBLISHED,
            Plan.id != plan.id,
            Plan.id.in_(select(PlanSeat.plan_id).where(PlanSeat.session_id.in_(mine))),
        )
        .order_by(Plan.version)
    ).all()
    for other in others:
        other.status = PlanStatus.SUPERSEDED
    return list(others)


def _bring_into_force(db: Session, plan: Plan) -> None:
    """Replace the panels in force of the plan's sessions with the plan's seats."""
    codes = {s["id"] for s in plan.instance.get("sessions", ())}
    ids = list(session_ids(db, plan.institution_id, codes).values())
    db.execute(delete(PanelSeat).where(PanelSeat.session_id.in_(ids)))
    seats = db.execute(
        select(PlanSeat.session_id, PlanSeat.examiner_id, PlanSeat.role)
        .where(PlanSeat.plan_id == plan.id)
        .order_by(PlanSeat.id)
    ).all()
    rows = [
        {"session_id": s, "examiner_id": e, "role": role, "plan_id": plan.id}
        for s, e, role in seats
    ]
    if rows:
        db.execute(insert(PanelSeat), rows)
