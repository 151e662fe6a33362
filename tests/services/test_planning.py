"""Plan versions: solve and store, publish only what the checker passes, supersede
(services/planning/plans.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from data.generate import generate
from models import AuditEvent, PanelSeat, Plan, PlanSeat
from models.base import ExaminerStatus, PlanStatus, SeatRole
from services.demo.loading import load_generated
from services.messages import Refused
from services.planning.instance import build_instance
from services.planning.plans import solve_and_store
from services.planning.publishing import publish
from solver.check import verify
from solver.load import load_instance
from solver.schema import Result
from solver.solve import Options

FAST = Options(time_limit=10, workers=1, deterministic=True, seed=3)
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def small(make, examiners: int = 4, sessions: int = 2, policy: dict | None = None):
    """An institution with `examiners` senior examiners and `sessions` sessions in March."""
    inst = make.institution(policy=policy or {})
    occ, venue = make.occupation(), make.venue(inst)
    people = [make.examiner(inst, occ) for _ in range(examiners)]
    start = datetime(2026, 3, 2, 9)
    staged = [
        make.session(inst, venue, occ, start=start + timedelta(days=k)) for k in range(sessions)
    ]
    return inst, people, staged


def seats(db, plan: Plan) -> set[tuple[int, int, str]]:
    rows = db.execute(
        select(PlanSeat.session_id, PlanSeat.examiner_id, PlanSeat.role).where(
            PlanSeat.plan_id == plan.id
        )
    )
    return {(s, e, r.value) for s, e, r in rows}


def in_force(db, session_ids) -> set[tuple[int, int, str]]:
    rows = db.execute(
        select(PanelSeat.session_id, PanelSeat.examiner_id, PanelSeat.role).where(
            PanelSeat.session_id.in_(session_ids)
        )
    )
    return {(s, e, r.value) for s, e, r in rows}


def test_each_solve_is_stored_as_the_next_draft_version(db, make):
    inst, people, staged = small(make)
    first = solve_and_store(db, inst, *MARCH, FAST)
    second = solve_and_store(db, inst, *MARCH, FAST, note="again")
    assert (first.version, second.version) == (1, 2)
    assert first.status == PlanStatus.DRAFT and first.solver_status == "OPTIMAL"
    assert first.parameters == {"time_limit": 10, "workers": 1, "deterministic": True}
    assert first.seed == 3 and first.created_by == "tester" and second.note == "again"
    assert first.solver_version.startswith("panelplan")
    instance, _ = load_instance(first.instance)
    result = Result.model_validate(first.result)
    assert verify(instance, result) == []
    expected = {
        (s.id, next(p.id for p in people if p.code == m), "leader" if m == a.leader else "member")
        for a in result.assignments
        for s in staged
        if s.code == a.session
        for m in a.members
    }
    assert seats(db, first) == expected and len(expected) == 6


def test_an_empty_range_is_refused(db, make):
    inst, _, _ = small(make)
    with pytest.raises(Refused) as refused:
        solve_and_store(db, inst, date(2027, 1, 1), date(2027, 1, 31), FAST)
    assert "没有待排的场次" in refused.value.lines("zh")[0]
    assert "no planned session" in refused.value.lines("en")[0]


def test_an_infeasible_range_is_stored_but_never_published(db, make):
    inst, _, _ = small(make, examiners=2, sessions=1)
    plan = solve_and_store(db, inst, *MARCH, FAST)
    assert plan.solver_status == "INFEASIBLE" and plan.result["diagnostics"]
    with pytest.raises(Refused) as refused:
        publish(db, inst, plan.version)
    assert "INFEASIBLE" in refused.value.lines("en")[0]


def test_publish_refuses_a_plan_with_an_empty_seat(db, make):
    inst, _, staged = small(make, examiners=2, sessions=1, policy={"allow_unfilled": True})
    plan = solve_and_store(db, inst, *MARCH, FAST)
    assert plan.solver_status == "OPTIMAL" and plan.result["unfilled"]
    with pytest.raises(Refused) as refused:
        publish(db, inst, plan.version)
    lines = refused.value.lines("zh")
    assert lines == [f"场次：方案 v1 的场次 {staged[0].code} 还有 1 个空缺席位，不能发布"]
    assert plan.status == PlanStatus.DRAFT
    assert in_force(db, [staged[0].id]) == set()


def test_publish_refuses_a_plan_broken_by_hand(db, make):
    inst, people, _ = small(make, examiners=5)
    plan = solve_and_store(db, inst, *MARCH, FAST)
    result = dict(plan.result)
    first = dict(result["assignments"][0])
    first["members"] = first["members"][:2]  # a member removed: H1, and an empty seat
    second = dict(result["assignments"][1])
    outsider = next(p.code for p in people if p.code not in second["members"])
    second["members"] = [*second["members"][:2], outsider, outsider]
    result["assignments"] = [first, second]
    plan.result = result
    db.flush()
    with pytest.raises(Refused) as refused:
        publish(db, inst, plan.version)
    text = "\n".join(refused.value.lines("en"))
    assert f"leaves session {first['session']} with empty seats (1)" in text
    assert "RESULT" in text and "OBJECTIVE" in text
    assert plan.status == PlanStatus.DRAFT


def test_publish_refuses_a_plan_the_database_has_overtaken(db, make):
    inst, people, _ = small(make, examiners=5)
    plan = solve_and_store(db, inst, *MARCH, FAST)
    serving = plan.result["assignments"][0]["members"][0]
    next(p for p in people if p.code == serving).status = ExaminerStatus.REVOKED
    db.flush()
    with pytest.raises(Refused) as refused:
        publish(db, inst, plan.version)
    lines = refused.value.lines("zh")
    assert lines and all("已与当前数据库不符" in line for line in lines)
    assert any("H3" in line and serving in line for line in lines)


def test_publish_brings_panels_into_force_and_supersedes_the_previous_plan(db, make):
    inst, _, staged = small(make, examiners=6)
    ids = [s.id for s in staged]
    first = publish(db, inst, solve_and_store(db, inst, *MARCH, FAST).version)
    assert first.status == PlanStatus.PUBLISHED and first.published_by == "tester"
    assert in_force(db, ids) == seats(db, first)
    other = Options(time_limit=10, workers=1, deterministic=True, seed=11)
    second = solve_and_store(db, inst, *MARCH, other)
    assert second.instance["baseline"]  # the published panels, as the baseline
    publish(db, inst, second.version)
    assert first.status == PlanStatus.SUPERSEDED and second.status == PlanStatus.PUBLISHED
    assert in_force(db, ids) == seats(db, second)
    plan_ids = db.scalars(select(PanelSeat.plan_id).where(PanelSeat.session_id.in_(ids)))
    assert set(plan_ids) == {second.id}
    events = db.scalars(
        select(AuditEvent).where(AuditEvent.action == "publish_plan").order_by(AuditEvent.id)
    ).all()
    assert [e.subject for e in events] == ["plan v1", "plan v2"]
    assert events[1].details["superseded"] == [1]
    with pytest.raises(Refused) as refused:
        publish(db, inst, first.version)
    assert "只有草稿可以发布" in refused.value.lines("zh")[0]


def test_a_published_plan_is_the_next_build_s_baseline_and_keeps_its_locks(db, make):
    inst, people, staged = small(make, examiners=6)
    lock = {"session": staged[1].code, "examiner": people[4].code, "role": "leader"}
    plan = solve_and_store(db, inst, *MARCH, FAST, locks=[lock])
    publish(db, inst, plan.version)
    raw = build_instance(db, inst, *MARCH)
    assert raw["locks"] == [lock]
    stored = {a["session"]: a for a in plan.result["assignments"]}
    panel = lambda a: (a["session"], a["leader"], frozenset(a["members"]))  # noqa: E731
    assert {panel(b) for b in raw["baseline"]} == {panel(a) for a in stored.values()}
    assert stored[staged[1].code]["leader"] == people[4].code
    leaders = db.scalars(
        select(PanelSeat.examiner_id).where(
            PanelSeat.session_id == staged[1].id, PanelSeat.role == SeatRole.LEADER
        )
    )
    assert list(leaders) == [people[4].id]


def test_unknown_version_is_refused(db, make):
    inst, _, _ = small(make)
    with pytest.raises(Refused) as refused:
        publish(db, inst, 7)
    assert refused.value.lines("en") == ["plan: no plan version v7"]


def test_generated_term_is_planned_published_and_checked(db):
    inst = load_generated(db, generate("S", seed=2))
    plan = solve_and_store(db, inst, date(2026, 3, 2), date(2026, 4, 12), FAST)
    assert plan.solver_status == "OPTIMAL"
    publish(db, inst, plan.version)
    assert len(seats(db, plan)) == sum(len(a["members"]) for a in plan.result["assignments"])


def test_a_lock_no_one_may_hold_is_refused_before_solving(db, make):
    inst, people, staged = small(make)
    people[0].status = ExaminerStatus.SUSPENDED
    db.flush()
    lock = {"session": staged[0].code, "examiner": people[0].code, "role": "member"}
    with pytest.raises(Refused) as refused:
        solve_and_store(db, inst, *MARCH, FAST, locks=[lock])
    (line,) = refused.value.lines("en")
    assert line.startswith("instance: the instance built from the database is invalid")
    assert people[0].code in line and staged[0].code in line
    assert db.scalar(select(Plan.id).where(Plan.institution_id == inst.id)) is None
