"""Plan versions: solve and store a draft, publish a checked plan (SPEC 4.4, 4.5).

A plan stores exactly what was solved (instance, result, solver version, parameters, seed)
plus one `PlanSeat` per examiner and session. Publishing is refused unless the independent
checker (`solver.check`) passes the plan against its stored instance *and* against the
database as it is now (someone may have been revoked since), and no seat is empty. A
published plan's seats become the panels in force (`PanelSeat`) of its sessions; earlier
published plans sharing a session are marked superseded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from models import AssessmentSession, Examiner, Institution, PanelSeat, Plan, PlanSeat, audit
from models.base import PlanStatus, SeatRole, utcnow
from solver.check import check, required_size, verify
from solver.load import InvalidInput, load_instance
from solver.schema import Diagnostic, Instance, Result
from solver.solve import Control, Options, Progress, solve

from .instance import build_instance
from .messages import Problem, Refused

PLAN_STATUSES = ("OPTIMAL", "FEASIBLE")
STATUS_NAMES = {
    PlanStatus.DRAFT: {"zh": "草稿", "en": "draft"},
    PlanStatus.PUBLISHED: {"zh": "已发布", "en": "published"},
    PlanStatus.SUPERSEDED: {"zh": "已被取代", "en": "superseded"},
}

MESSAGES = {
    "no_sessions": {
        "zh": "{date_from} 至 {date_to} 没有待排的场次",
        "en": "no planned session starts between {date_from} and {date_to}",
    },
    "invalid_instance": {
        "zh": "由数据库生成的排班实例有误：{zh}",
        "en": "the instance built from the database is invalid: {en}",
    },
    "unknown_version": {
        "zh": "没有版本号为 v{version} 的方案",
        "en": "no plan version v{version}",
    },
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
        "en": "plan v{version} leaves {seats} seat(s) of session {session} empty: not publishable",
    },
    "stale": {
        "zh": "方案 v{version} 已与当前数据库不符（规则 {rule}）：{zh}；请重新排班",
        "en": "plan v{version} no longer fits the database (rule {rule}): {en}; plan again",
    },
}


def status_name(status: PlanStatus, lang: str = "zh") -> str:
    """A plan status as planners read it."""
    return STATUS_NAMES[status].get(lang, STATUS_NAMES[status]["zh"])


def prepare(
    db: Session,
    institution: Institution,
    date_from: date,
    date_to: date,
    locks: Iterable[dict[str, str]] = (),
) -> tuple[dict[str, Any], Instance, list[str]]:
    """Build and load the instance for a range; refuse an empty range or an invalid instance."""
    raw = build_instance(db, institution, date_from, date_to, locks)
    if not raw["sessions"]:
        problem = Problem.of(
            MESSAGES, "no_sessions", "date_range", date_from=date_from, date_to=date_to
        )
        raise Refused([problem])
    instance, warnings = loaded(raw)
    return raw, instance, warnings


def loaded(raw: dict[str, Any]) -> tuple[Instance, list[str]]:
    """`solver.load.load_instance`, its problems raised as `Refused` (zh and en)."""
    try:
        return load_instance(raw, "zh")
    except InvalidInput as zh:
        en = _english_problems(raw)
        raise Refused(
            [
                _problem("invalid_instance", "instance", z, e)
                for z, e in zip(zh.problems, en, strict=False)
            ]
        ) from None


def _english_problems(raw: dict[str, Any]) -> list[Diagnostic]:
    try:
        load_instance(raw, "en")
    except InvalidInput as en:
        return en.problems
    return []


def _problem(key: str, field: str, zh: Diagnostic, en: Diagnostic, **params: Any) -> Problem:
    """A diagnostic as a problem; loader findings keep their field path (`line`)."""
    if zh.rule == "INPUT":
        return Problem.of(MESSAGES, key, field, zh=zh.line(), en=en.line(), rule=zh.rule, **params)
    return Problem.of(MESSAGES, key, field, zh=zh.message, en=en.message, rule=zh.rule, **params)


def solve_and_store(
    db: Session,
    institution: Institution,
    date_from: date,
    date_to: date,
    options: Options,
    locks: Iterable[dict[str, str]] = (),
    progress: Callable[[Progress], None] | None = None,
    control: Control | None = None,
    note: str | None = None,
) -> Plan:
    """Build the range's instance, solve it and store the result as the next draft version."""
    raw, instance, warnings = prepare(db, institution, date_from, date_to, locks)
    result = solve(instance, options, progress, control, warnings)
    return store_result(db, institution, raw, result, options, date_from, date_to, note=note)


def store_result(
    db: Session,
    institution: Institution,
    raw: dict[str, Any],
    result: Result,
    options: Options,
    date_from: date,
    date_to: date,
    based_on: Plan | None = None,
    note: str | None = None,
) -> Plan:
    """Store a solve as a new draft plan version with one `PlanSeat` per panel member."""
    last = db.scalar(select(func.max(Plan.version)).where(Plan.institution_id == institution.id))
    plan = Plan(
        institution_id=institution.id,
        version=(last or 0) + 1,
        status=PlanStatus.DRAFT,
        date_from=date_from,
        date_to=date_to,
        instance=raw,
        result=result.model_dump(mode="json"),
        solver_status=result.status,
        solver_version=result.solver_version,
        parameters={
            "time_limit": options.time_limit,
            "workers": options.workers,
            "deterministic": options.deterministic,
        },
        seed=options.seed,
        based_on_id=based_on.id if based_on else None,
        note=note,
        created_by=db.info.get("actor"),
    )
    db.add(plan)
    db.flush()
    rows = _seat_rows(db, institution, result)
    if rows:
        db.execute(insert(PlanSeat), [r | {"plan_id": plan.id} for r in rows])
    return plan


def _seat_rows(db: Session, institution: Institution, result: Result) -> list[dict[str, Any]]:
    sessions = session_ids(db, institution.id, {a.session for a in result.assignments})
    examiners = dict(
        db.execute(
            select(Examiner.code, Examiner.id).where(Examiner.institution_id == institution.id)
        ).all()
    )
    return [
        {
            "session_id": sessions[a.session],
            "examiner_id": examiners[m],
            "role": SeatRole.LEADER if m == a.leader else SeatRole.MEMBER,
        }
        for a in result.assignments
        for m in dict.fromkeys(a.members)
    ]


def session_ids(db: Session, institution_id: int, codes: set[str]) -> dict[str, int]:
    """Session code -> id for the institution's sessions among `codes`."""
    if not codes:
        return {}
    query = select(AssessmentSession.code, AssessmentSession.id).where(
        AssessmentSession.institution_id == institution_id, AssessmentSession.code.in_(codes)
    )
    return dict(db.execute(query).all())


def find_plan(db: Session, institution: Institution, version: int) -> Plan:
    """The institution's plan `version`; refused when there is none."""
    plan = db.scalar(
        select(Plan).where(Plan.institution_id == institution.id, Plan.version == version)
    )
    if plan is None:
        raise Refused([Problem.of(MESSAGES, "unknown_version", "plan", version=version)])
    return plan


def publish(db: Session, institution: Institution, version: int) -> Plan:
    """Publish a checked draft: its panels come into force, overlapping plans are superseded."""
    plan = find_plan(db, institution, version)
    if plan.status != PlanStatus.DRAFT:
        zh, en = status_name(plan.status, "zh"), status_name(plan.status, "en")
        raise Refused([Problem.of(MESSAGES, "not_draft", "plan", version=version, zh=zh, en=en)])
    problems = publish_problems(db, institution, plan)
    if problems:
        raise Refused(problems)
    superseded = _supersede(db, plan)
    _bring_into_force(db, plan)
    plan.status = PlanStatus.PUBLISHED
    plan.published_at = utcnow()
    plan.published_by = db.info.get("actor")
    audit(
        db,
        "publish_plan",
        f"plan v{plan.version}",
        institution.id,
        superseded=[p.version for p in superseded],
        sessions=len(plan.instance.get("sessions", ())),
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
    now, _ = loaded(build_instance(db, institution, plan.date_from, plan.date_to))
    now = now.model_copy(update={"baseline": (), "locks": ()})
    return _findings(now, result, "stale", plan.version, set(), check)


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
        _problem(key, "session" if z.session else "plan", z, e, version=version)
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
