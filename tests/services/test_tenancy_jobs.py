"""Jobs and alerts stay in their institution (issue 16, item 6): the compliance sweep and the
plan revalidation of one institution, and a solve job of one institution, leave every row of
another as it was; the sweeps over every institution file each alert under the institution
whose examiner, revocation or plan it names. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from tenantrows import rows_of

from data.generate import generate
from models import Alert, Examiner, Plan, Revocation
from models.alerts import AlertKind
from services.alerts.compliance import sweep
from services.demo.loading import load_generated
from services.planning.plans import solve_and_store
from services.planning.publishing import publish
from services.planning.revalidation import revalidate, revalidate_institution
from services.planning.solve_jobs import request_plan
from services.planning.solve_runs import claim, prepare_job, store_job
from solver.solve import Options, solve

FROM, TO = date(2026, 3, 2), date(2026, 4, 12)
NOW = datetime(2026, 3, 2, 1, tzinfo=UTC)
OPTIONS = Options(time_limit=10, workers=1, deterministic=True)


@pytest.fixture
def two(db):
    """Institutions A and B, each with its own generated term and a published plan."""
    homes = []
    for code, seed in (("3204005", 5), ("3204777", 6)):
        home = load_generated(db, generate("S", seed=seed), code=code)
        plan = solve_and_store(db, home, FROM, TO, OPTIONS)
        publish(db, home, plan.version)
        homes.append(home)
    db.flush()
    return homes


def test_one_institutions_sweeps_leave_the_other_as_it_was(db, two) -> None:
    a, b = two
    before = rows_of(db, b.id)
    assert sweep(db, a, FROM, NOW)  # A's examiners have something to say
    revalidate_institution(db, a, FROM, NOW)
    db.flush()
    db.expire_all()
    assert rows_of(db, b.id) == before


def test_the_sweeps_of_every_institution_file_each_alert_under_its_own(db, two) -> None:
    for home in two:
        sweep(db, home, FROM, NOW)
    revalidate(db, FROM, NOW, force=True)
    alerts = db.scalars(select(Alert)).all()
    assert {alert.institution_id for alert in alerts} == {home.id for home in two}
    for alert in alerts:
        if alert.kind == AlertKind.PLAN_INVALID:
            owner = db.get_one(Plan, alert.subject_id).institution_id
        elif alert.kind == AlertKind.REVOCATION_PENDING:
            examiner = db.get_one(Revocation, alert.subject_id).examiner_id
            owner = db.get_one(Examiner, examiner).institution_id
        else:
            owner = db.get_one(Examiner, alert.subject_id).institution_id
        assert owner == alert.institution_id, alert.kind


def test_a_solve_job_of_one_institution_leaves_the_other_as_it_was(db, two) -> None:
    a, b = two
    before = rows_of(db, b.id)
    job = request_plan(db, a, FROM, TO, OPTIONS)
    assert claim(db, job.id) is job
    prepared = prepare_job(db, job)
    store_job(db, job.id, prepared, solve(prepared.instance, prepared.options))
    plan = db.get_one(Plan, job.plan_id)
    assert plan.institution_id == a.id and plan.version == 2
    mine = {(e.code, e.name) for e in db.scalars(select(Examiner).filter_by(institution_id=a.id))}
    assert {(e["id"], e["name"]) for e in plan.instance["examiners"]} <= mine
    db.expire_all()
    assert rows_of(db, b.id) == before
