"""Plan versions: build and solve an instance, store the result as a draft (SPEC 4.4).

A plan stores exactly what was solved (instance, result, solver version, parameters, seed)
plus one `PlanSeat` per examiner and session. Publishing is `services.planning.publishing`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, defer

from models import AssessmentSession, Examiner, Institution, Plan, PlanSeat
from models.base import PlanStatus, SeatRole
from services.messages import Catalog, Problem, Refused
from services.planning.instance import build_instance
from services.planning.notes import Fact, note_text
from solver.load import InvalidInput, load_instance
from solver.messages import name
from solver.schema import Diagnostic, Instance, Result
from solver.solve import Control, Options, Progress, solve

STATUS_NAMES: dict[str, dict[str, str]] = {
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
}


def status_name(status: PlanStatus, lang: str = "zh") -> str:
    """A plan status as planners read it."""
    return name(STATUS_NAMES, status, lang)


def prepare(
    db: Session,
    institution: Institution,
    date_from: date,
    date_to: date,
    locks: Iterable[dict[str, str]] = (),
    policy: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], Instance, list[str]]:
    """Build and load the instance for a range; refuse an empty range or an invalid instance.

    With `policy` (a whole policy object, as `services.planning.policy.policy_json` writes it) the
    instance is solved under it instead of the institution's, and the plan stores it.
    """
    raw = build_instance(db, institution, date_from, date_to, locks, policy=policy)
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
                diagnostic_problem(MESSAGES, "invalid_instance", "instance", z, e)
                for z, e in zip(zh.problems, en, strict=False)
            ]
        ) from None


def _english_problems(raw: dict[str, Any]) -> list[Diagnostic]:
    try:
        load_instance(raw, "en")
    except InvalidInput as en:
        return en.problems
    return []


def diagnostic_problem(
    catalog: Catalog, key: str, field: str, zh: Diagnostic, en: Diagnostic, **params: Any
) -> Problem:
    """A diagnostic as a problem; loader findings keep their field path (`line`)."""
    if zh.rule == "INPUT":
        return Problem.of(catalog, key, field, zh=zh.line(), en=en.line(), rule=zh.rule, **params)
    return Problem.of(catalog, key, field, zh=zh.message, en=en.message, rule=zh.rule, **params)


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
    facts: list[Fact] | None = None,
) -> Plan:
    """Store a solve as a new draft plan version with one `PlanSeat` per panel member.

    `facts` say why the version exists (`services.planning.notes`); its Chinese sentence
    becomes the `note` unless one is given."""
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
        note=note if note is not None or not facts else note_text(facts, None, "zh"),
        note_facts=facts or None,
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


# A plan row without its megabytes of JSON (read on first access if ever needed).
WITHOUT_CONTENT = (defer(Plan.instance), defer(Plan.result))


def find_plan(db: Session, institution: Institution, version: int, content: bool = True) -> Plan:
    """The institution's plan `version`; refused when there is none.

    Without `content`, its instance and result are loaded only when read (a cached plan's
    pages never read them).
    """
    query = select(Plan).where(Plan.institution_id == institution.id, Plan.version == version)
    if not content:
        query = query.options(*WITHOUT_CONTENT)
    plan = db.scalar(query)
    if plan is None:
        raise Refused([Problem.of(MESSAGES, "unknown_version", "plan", version=version)])
    return plan


def plan_versions(db: Session, institution: Institution) -> list[Plan]:
    """Every plan version of the institution, newest first, without its instance (megabytes
    at XL, never shown in a list)."""
    query = (
        select(Plan)
        .where(Plan.institution_id == institution.id)
        .options(defer(Plan.instance))
        .order_by(Plan.version.desc())
    )
    return list(db.scalars(query))


def plan_objectives(db: Session, institution: Institution) -> list[tuple[Plan, Any]]:
    """Every plan version, newest first, with the objective read out of its stored result
    (the result itself is megabytes at XL and not loaded)."""
    query = (
        select(Plan, Plan.result["objective"])
        .options(*WITHOUT_CONTENT)
        .where(Plan.institution_id == institution.id)
        .order_by(Plan.version.desc())
    )
    return [(plan, objective) for plan, objective in db.execute(query)]
