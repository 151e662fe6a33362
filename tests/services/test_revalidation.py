"""Published plans are re-checked when examiner data changes (services/planning/revalidation.py), and
expired examiners leave the eligible pool the day after their last valid day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import update

from models import Conflict, Examiner
from models.alerts import AlertKind, AlertState
from models.base import ConflictKind, ExaminerStatus, PlanStatus, SessionStatus
from services.alerts.store import describe, list_alerts
from services.planning.instance import build_instance
from services.planning.plans import solve_and_store
from services.planning.publishing import publish
from services.planning.revalidation import revalidate
from solver.check import check
from solver.load import load_instance
from solver.schema import Assignment, Result
from solver.solve import Options

FAST = Options(time_limit=10, workers=1, deterministic=True, seed=3)
MARCH = (date(2026, 3, 1), date(2026, 3, 31))
TODAY = date(2026, 3, 1)
NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def published(make, examiners: int = 5, sessions: int = 2):
    """An institution with a published March plan: (institution, plan, examiners, sessions)."""
    inst = make.institution()
    occ, venue = make.occupation(), make.venue(inst)
    people = [make.examiner(inst, occ) for _ in range(examiners)]
    start = datetime(2026, 3, 2, 9)
    staged = [
        make.session(inst, venue, occ, start=start + timedelta(days=k)) for k in range(sessions)
    ]
    plan = publish(make.db, inst, solve_and_store(make.db, inst, *MARCH, FAST).version)
    return inst, plan, people, staged, venue


def panel(plan, session) -> list[str]:
    return next(a["members"] for a in plan.result["assignments"] if a["session"] == session.code)


def by_code(people, code: str) -> Examiner:
    return next(p for p in people if p.code == code)


def plan_alerts(db, inst):
    return [a for a in list_alerts(db, inst) if a.kind == AlertKind.PLAN_INVALID]


def test_a_conflict_added_after_publishing_flags_the_plan_with_its_seats(db, make):
    inst, plan, people, staged, venue = published(make)
    assert revalidate(db, TODAY, NOW) == [] and plan_alerts(db, inst) == []
    serving = by_code(people, panel(plan, staged[0])[0])
    db.add(
        Conflict(
            examiner_id=serving.id,
            organization_id=venue.organization_id,
            kind=ConflictKind.INTEREST,
            declared_on=TODAY,
        )
    )
    db.flush()
    (alert,) = revalidate(db, TODAY, NOW)
    assert alert.subject_id == plan.id and alert.state == AlertState.OPEN
    hit = [s.code for s in staged if serving.code in panel(plan, s)]
    assert alert.params["sessions"] == hit
    assert alert.params["seats"] == [
        {"session": code, "examiner": serving.code, "rule": "H4"} for code in hit
    ]
    line = describe(alert, "zh")
    assert f"v{plan.version}" in line.text and hit[0] in line.text
    assert all(d.startswith("H4") for d in line.details)
    assert "H4" in describe(alert, "en").details[0]


def test_a_status_change_flags_the_plan_and_the_alert_resolves_when_it_passes_again(db, make):
    _inst, plan, people, staged, _ = published(make)
    revalidate(db, TODAY, NOW)
    serving = by_code(people, panel(plan, staged[1])[0])
    serving.status = ExaminerStatus.SUSPENDED
    db.flush()
    (alert,) = revalidate(db, TODAY, NOW)
    assert {s["rule"] for s in alert.params["seats"]} == {"H3"}
    assert {s["examiner"] for s in alert.params["seats"]} == {serving.code}
    assert revalidate(db, TODAY, NOW) == []  # nothing changed since: not checked again
    serving.status = ExaminerStatus.ACTIVE
    db.flush()
    assert revalidate(db, TODAY, NOW) == []
    assert alert.state == AlertState.RESOLVED and alert.resolved_at == NOW


def test_republishing_resolves_the_alert_of_the_superseded_plan(db, make):
    inst, plan, people, staged, _ = published(make, examiners=6)
    serving = by_code(people, panel(plan, staged[0])[0])
    serving.status = ExaminerStatus.SUSPENDED
    db.flush()
    (alert,) = revalidate(db, TODAY, NOW)
    fresh = publish(db, inst, solve_and_store(db, inst, *MARCH, FAST).version)
    assert plan.status == PlanStatus.SUPERSEDED and fresh.status == PlanStatus.PUBLISHED
    assert revalidate(db, TODAY, NOW) == []
    assert alert.state == AlertState.RESOLVED and plan_alerts(db, inst) == []


def test_only_sessions_still_to_come_are_checked(db, make):
    _inst, plan, people, staged, _ = published(make, examiners=6)
    first_only = [c for c in panel(plan, staged[0]) if c not in panel(plan, staged[1])]
    both = [c for c in panel(plan, staged[0]) if c in panel(plan, staged[1])]
    assert first_only  # H6 turnover: the two panels differ
    for code in first_only + both:
        by_code(people, code).status = ExaminerStatus.SUSPENDED
    db.flush()
    later = staged[1].start.date()  # the first session is behind us
    alerts = revalidate(db, later, NOW)
    seats = [s for a in alerts for s in a.params["seats"]]
    assert {s["session"] for s in seats} <= {staged[1].code}
    assert {s["examiner"] for s in seats} == set(both)


def test_the_watermark_skips_unchanged_data_and_force_checks_anyway(db, make):
    _inst, plan, people, staged, _ = published(make)
    revalidate(db, TODAY, NOW)
    serving = by_code(people, panel(plan, staged[0])[0])
    # A change that bypasses the ORM leaves no history row: the watermark sees nothing new.
    db.execute(
        update(Examiner).where(Examiner.id == serving.id).values(status=ExaminerStatus.SUSPENDED)
    )
    assert revalidate(db, TODAY, NOW) == []
    (alert,) = revalidate(db, TODAY, NOW, force=True)
    assert alert.params["version"] == plan.version


def test_expired_examiners_leave_the_pool_the_day_after_their_last_valid_day(db, make):
    inst = make.institution()
    occ, venue = make.occupation(), make.venue(inst)
    last_day = date(2026, 3, 2)
    cert = make.examiner(inst, occ)
    cert.certificates[0].valid_until = last_day
    term = make.examiner(inst, occ, term=(date(2025, 1, 1), last_day))
    others = [make.examiner(inst, occ) for _ in range(2)]
    on, after = (make.session(inst, venue, occ, start=datetime(2026, 3, d, 9)) for d in (2, 3))
    make.db.flush()
    instance, _ = load_instance(build_instance(db, inst, *MARCH))
    members = (cert.code, term.code, others[0].code)
    result = Result(
        status="FEASIBLE",
        assignments=[
            Assignment(session=s.code, leader=others[0].code, members=members) for s in (on, after)
        ],
    )
    found = {(d.session, d.examiner, d.rule) for d in check(instance, result) if d.rule == "H3"}
    assert found == {(after.code, cert.code, "H3"), (after.code, term.code, "H3")}


def test_a_staffed_session_cancelled_or_moved_out_of_the_range_is_named(db, make):
    inst, _plan, _people, staged, _ = published(make)
    staged[0].status = SessionStatus.CANCELLED
    staged[1].start += timedelta(days=60)  # into May, out of the March plan
    staged[1].end += timedelta(days=60)
    db.flush()
    alerts = revalidate(db, TODAY, NOW, force=True)
    lines = " ".join(d for a in alerts for d in describe(a, "en").details)
    for s in staged:
        assert f"assigns {s.code}, which is not a session of this instance" in lines
    assert [a.state for a in plan_alerts(db, inst)] == [AlertState.OPEN]
