"""What-if after a withdrawal: unavailability recorded, broken locks dropped and reported,
as few changes as the solver proves possible (services/whatif/rerun.py)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from data.generate import generate
from models import AssessmentSession, AuditEvent, Examiner, Unavailability
from models.base import PlanStatus, SessionStatus
from services.demo.loading import load_generated
from services.messages import Refused
from services.planning.plans import solve_and_store
from services.planning.policy import update_policy
from services.planning.publishing import publish
from services.whatif.rerun import differences, what_if
from services.whatif.withdrawals import Withdrawal
from solver.check import verify
from solver.load import load_instance
from solver.schema import Result
from solver.solve import Options

FAST = Options(time_limit=10, workers=1, deterministic=True)
TERM = (date(2026, 3, 2), date(2026, 4, 12))


@pytest.fixture(scope="module")
def generated() -> dict:
    return generate("S", seed=4)


def published_term(db, generated, locks=()):
    """Load the generated term, plan it (with `locks`) and publish it."""
    inst = load_generated(db, generated)
    plan = solve_and_store(db, inst, *TERM, FAST, locks=locks)
    return inst, publish(db, inst, plan.version)


def test_a_withdrawal_is_recorded_and_rerun_with_the_fewest_changes(db, generated):
    inst, published = published_term(db, generated)
    panel = published.result["assignments"][5]
    gone = next(m for m in panel["members"] if m != panel["leader"])
    outcome = what_if(db, inst, [Withdrawal(gone, panel["session"], reason="生病")], FAST)
    examiner = db.scalar(select(Examiner).where(Examiner.code == gone))
    absence = db.scalars(select(Unavailability).where(Unavailability.session_id.is_not(None))).one()
    assert absence.examiner_id == examiner.id and absence.reason == "生病"
    staged = next(s for s in published.instance["sessions"] if s["id"] == panel["session"])
    assert absence.start.isoformat() == staged["start"][:10] == absence.end.isoformat()
    plan = outcome.plan
    assert plan.status == PlanStatus.DRAFT and plan.based_on_id == published.id
    assert plan.version == published.version + 1 and "生病" in plan.note
    result = Result.model_validate(plan.result)
    instance, _ = load_instance(plan.instance)
    assert verify(instance, result) == []
    assert result.objective.changes == result.bound.changes == outcome.changes >= 1
    change = next(d for d in outcome.differences if d.session == panel["session"])
    assert gone in change.leaves and len(change.joins) == len(change.leaves)
    mine = next(e for e in instance.examiners if e.id == gone)
    assert any(p.start <= absence.start and absence.end <= p.end for p in mine.unavailable)
    assert published.status == PlanStatus.PUBLISHED  # until the new draft is published
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "what_if")).one()
    assert event.details["changes"] == outcome.changes


def test_locks_the_withdrawal_breaks_are_dropped_and_reported(db, generated):
    inst, published = published_term(db, generated)
    first, other = published.result["assignments"][2], published.result["assignments"][20]
    raw_locks = [
        {"session": first["session"], "examiner": first["leader"], "role": "leader"},
        {"session": other["session"], "examiner": other["leader"], "role": "member"},
    ]
    relocked = solve_and_store(db, inst, *TERM, FAST, locks=raw_locks)
    publish(db, inst, relocked.version)
    outcome = what_if(db, inst, [Withdrawal(first["leader"], first["session"])], FAST)
    assert outcome.dropped_locks == raw_locks[:1]
    assert outcome.plan.instance["locks"] == raw_locks[1:]
    assert outcome.plan.solver_status == "OPTIMAL"
    new = {a["session"]: a for a in outcome.plan.result["assignments"]}
    assert first["leader"] not in new[first["session"]]["members"]
    assert other["leader"] in new[other["session"]]["members"]


def test_a_withdrawal_over_a_period_keeps_the_examiner_in_the_instance(db, generated):
    inst, published = published_term(db, generated)
    busiest = published.result["assignments"][0]["members"][0]
    outcome = what_if(db, inst, [Withdrawal(busiest, start=date(2026, 3, 1))], FAST)
    instance, _ = load_instance(outcome.plan.instance)
    assert busiest in {e.id for e in instance.examiners}
    assert busiest not in {m for a in outcome.plan.result["assignments"] for m in a["members"]}
    served = sum(busiest in a["members"] for a in published.result["assignments"])
    assert outcome.changes == outcome.plan.result["objective"]["changes"] >= served


def test_unknown_examiner_and_session_are_refused_together(db, generated):
    inst, _ = published_term(db, generated)
    with pytest.raises(Refused) as refused:
        what_if(db, inst, [Withdrawal("E9999"), Withdrawal("E0001", "S9999")], FAST)
    assert refused.value.lines("en") == [
        "examiner: no examiner with code E9999",
        "session: published plan v1 has no session S9999",
    ]


def test_what_if_needs_a_published_plan(db, generated):
    inst = load_generated(db, generated)
    with pytest.raises(Refused) as refused:
        what_if(db, inst, [Withdrawal("E0001")], FAST)
    assert "还没有已发布的方案" in refused.value.lines("zh")[0]


def test_differences_list_leaves_joins_and_leader_changes():
    before = [
        {"session": "S1", "leader": "A", "members": ["A", "B", "C"]},
        {"session": "S2", "leader": "D", "members": ["D", "E", "F"]},
        {"session": "S3", "leader": "G", "members": ["G", "H", "I"]},
    ]
    after = [
        {"session": "S1", "leader": "B", "members": ["B", "C", "X"]},
        {"session": "S2", "leader": "E", "members": ["D", "E", "F"]},
        {"session": "S3", "leader": "G", "members": ["I", "H", "G"]},
    ]
    found = differences(before, after)
    assert [(d.session, d.leaves, d.joins, d.leader_before, d.leader_after) for d in found] == [
        ("S1", ("A",), ("X",), "A", "B"),
        ("S2", (), (), "D", "E"),
    ]


def test_sessions_held_since_publishing_become_history_not_differences(db, generated):
    inst, published = published_term(db, generated)
    first = published.result["assignments"][0]
    held = db.scalar(select(AssessmentSession).where(AssessmentSession.code == first["session"]))
    held.status = SessionStatus.HELD
    db.flush()
    gone = published.result["assignments"][10]
    outcome = what_if(db, inst, [Withdrawal(gone["members"][0], gone["session"])], FAST)
    history = {h["session"]["id"]: h for h in outcome.plan.instance["history"]}
    assert set(history[first["session"]]["members"]) == set(first["members"])
    assert first["session"] not in {d.session for d in outcome.differences}
    assert outcome.changes == outcome.plan.result["objective"]["changes"]


def test_the_rerun_keeps_the_policy_the_published_plan_was_solved_under(db, generated):
    inst = load_generated(db, generated)
    update_policy(db, inst, {"leader_min_experience_days": 500})  # stricter than the notice
    published = publish(db, inst, solve_and_store(db, inst, *TERM, FAST).version)
    update_policy(db, inst, {"leader_min_experience_days": 365})  # relaxed since publishing
    gone = published.result["assignments"][0]["members"][0]
    outcome = what_if(db, inst, [Withdrawal(gone)], FAST)
    assert load_instance(outcome.plan.instance)[0].policy.leader_min_experience_days == 500
