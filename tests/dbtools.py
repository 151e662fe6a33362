"""Real test databases: SQLite files and PostgreSQL schemas, created migrated and dropped.

SQLite is a file per database; PostgreSQL is the server at 127.0.0.1:5432 (database
`test`, or `PANELPLAN_TEST_POSTGRES`), in a schema of its own per database so that
parallel workers and concurrent runs never see each other's tables. A database that is
not reachable fails the tests that need it: it is never skipped.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text

from models.db import make_engine
from models.migrate import upgrade

POSTGRES_URL = os.environ.get(
    "PANELPLAN_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ("sqlite", "postgresql")


@dataclass(frozen=True)
class Database:
    """A migrated, empty database for tests: its engine, URL and (PostgreSQL) schema."""

    backend: str
    engine: Engine
    url: str
    schema: str | None


def fresh_database(backend: str, directory: Path) -> Database:
    """Create an empty database of `backend` (its own file or schema) and migrate it."""
    if backend == "sqlite":
        url = f"sqlite:///{directory / f'pp-{uuid.uuid4().hex[:8]}.db'}"
        database = Database(backend, make_engine(url), url, None)
    else:
        schema = f"pp_{uuid.uuid4().hex[:12]}"
        admin = make_engine(POSTGRES_URL)
        try:
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        except Exception as error:
            raise RuntimeError(
                f"PostgreSQL is not reachable at {POSTGRES_URL} ({error}); "
                "start it (see .ci/run) - database tests are never skipped"
            ) from error
        finally:
            admin.dispose()
        engine = make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
        database = Database(backend, engine, POSTGRES_URL, schema)
    upgrade(database.engine)
    return database


def drop_database(database: Database) -> None:
    """Remove what `fresh_database` made."""
    database.engine.dispose()
    if database.schema:
        admin = make_engine(POSTGRES_URL)
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{database.schema}" CASCADE'))
        admin.dispose()


def worker_url(database: Database) -> str:
    """The database URL a child process connects with (PostgreSQL: its schema in the URL)."""
    if database.schema is None:
        return database.url
    return f"{database.url}?options=-csearch_path%3D{database.schema}"
