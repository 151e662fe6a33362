"""Shared fixtures: the two real databases every persistence test runs on (see dbtools)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dbtools import BACKENDS, Database, drop_database, fresh_database
from sqlalchemy.orm import Session

from models.db import acting_as, session_factory


@pytest.fixture(scope="session", params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """A migrated database, once per backend per test process."""
    db = fresh_database(request.param, tmp_path_factory.mktemp("db"))
    yield db
    drop_database(db)


@pytest.fixture
def db(database: Database) -> Iterator[Session]:
    """A session inside a transaction that is rolled back when the test ends."""
    with database.engine.connect() as connection:
        outer = connection.begin()
        factory = session_factory(connection, join_transaction_mode="create_savepoint")
        with factory() as session:
            acting_as(session, "tester")
            yield session
        outer.rollback()
