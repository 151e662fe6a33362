"""Races between concurrent requests, run for real on both databases (issue 13, 3 and 8):
two drafts of the same days published at once, forty sign-ins with a wrong password at once.

Each test works on a database of its own with committed data (the usual rolled-back session
cannot be shared between threads), and each thread has its own connection and transaction.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, date, datetime, timedelta

import pytest
from dbtools import BACKENDS, Database, drop_database, fresh_database
from factories import Factory
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from models import Institution, Notice, NoticeSeat, PanelSeat, Plan
from models.base import PlanStatus
from models.db import make_engine, session_factory, transaction
from services.institution import users
from services.institution.users import create_user, sign_in
from services.messages import Refused
from services.planning.plans import solve_and_store
from services.planning.publishing import publish
from solver.solve import Options

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
TRIALS = 4


@pytest.fixture(params=BACKENDS)
def fresh(request, tmp_path):
    """An empty migrated database of each kind, dropped after the test."""
    database = fresh_database(request.param, tmp_path)
    yield database
    drop_database(database)


def at_once(count: int, work: Callable[[int], None]) -> list[BaseException]:
    """Run `work(i)` in `count` threads released together; the exceptions they raised."""
    gate = threading.Barrier(count)
    failures: list[BaseException] = []

    def run(i: int) -> None:
        gate.wait()
        try:
            work(i)
        except BaseException as error:  # collected: a thread's failure must fail the test
            failures.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return failures


def two_drafts(factory: sessionmaker[Session]) -> tuple[int, tuple[int, int]]:
    """An institution with two sessions in March and two solved drafts of March."""
    with transaction(factory, "tester") as db:
        make = Factory(db)
        inst = make.institution()
        occ, venue = make.occupation(), make.venue(inst)
        for _ in range(6):
            make.examiner(inst, occ)
        for day in range(2):
            make.session(inst, venue, occ, start=datetime(2026, 3, 2, 9) + timedelta(days=day))
        versions = tuple(
            solve_and_store(db, inst, *MARCH, Options(10, 1, seed, True)).version
            for seed in (3, 11)
        )
        return inst.id, (versions[0], versions[1])


def test_two_drafts_of_the_same_days_published_at_once_leave_one_plan_published(
    fresh: Database,
) -> None:
    factory = session_factory(fresh.engine)
    inst_id, versions = two_drafts(factory)

    def publish_one(i: int) -> None:
        with transaction(factory, f"planner{i}") as db:
            institution = db.get(Institution, inst_id)
            assert institution is not None
            # Refused cleanly (nothing written) is a correct outcome too.
            with suppress(Refused):
                publish(db, institution, versions[i])

    for trial in range(TRIALS):
        assert at_once(2, publish_one) == [], f"trial {trial}"
        with transaction(factory) as db:
            published = db.scalars(select(Plan.id).where(Plan.status == PlanStatus.PUBLISHED))
            published = list(published)
            assert len(published) == 1, f"trial {trial}: {published}"
            in_force = set(db.scalars(select(PanelSeat.plan_id)))
            assert in_force == set(published), f"trial {trial}"
            # whichever order the two publications took, everyone seated now has been told
            told = set(db.scalars(select(Notice.examiner_id)))
            assert told >= set(db.scalars(select(PanelSeat.examiner_id))), f"trial {trial}"
            # Back to two drafts for the next trial.
            db.execute(NoticeSeat.__table__.delete())
            db.execute(Notice.__table__.delete())
            db.execute(PanelSeat.__table__.delete())
            db.execute(update(Plan).values(status=PlanStatus.DRAFT, published_at=None))


def test_forty_wrong_passwords_at_once_get_at_most_five_password_checks(
    fresh: Database, monkeypatch
) -> None:
    engine = make_engine(fresh.url, pool_size=40, **_search_path(fresh))
    factory = session_factory(engine)
    with transaction(factory, "seed") as db:
        create_user(db, Factory(db).institution(), "qian", "planner", "right-pass-1")
    checks: list[str] = []
    real = users.check_password_hash

    def counted(stored: str, password: str) -> bool:
        checks.append(password)  # list.append is atomic: no lock needed
        return real(stored, password)

    monkeypatch.setattr(users, "check_password_hash", counted)
    now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

    def attempt(i: int) -> None:
        with transaction(factory, None) as db, suppress(Refused):
            sign_in(db, "qian", f"wrong-{i}", now, attempts=5, minutes=15)

    try:
        assert at_once(40, attempt) == []
    finally:
        engine.dispose()
    assert len(checks) == 5


def _search_path(database: Database) -> dict:
    """The connection options that put an engine in the database's PostgreSQL schema."""
    if database.schema is None:
        return {}
    return {"connect_args": {"options": f"-csearch_path={database.schema}"}}
