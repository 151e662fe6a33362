"""Engine and session plumbing: where the database is, and the one transaction boundary.

The database is the SQLite file `instance/panelplan.db` (relative to the working
directory) unless `DATABASE_URL` names another, e.g.
`postgresql+psycopg://user@host:5432/panelplan`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from .history import track_changes

DEFAULT_SQLITE_PATH = Path("instance") / "panelplan.db"
READ_ONLY_OPTION = "panelplan_read_only"


def database_url(environ: dict[str, str] | None = None) -> str:
    """The configured database: `DATABASE_URL`, else the default SQLite file."""
    env = os.environ if environ is None else environ
    url = env.get("DATABASE_URL")
    if url:
        # Heroku-style URLs say postgres://; SQLAlchemy wants a dialect and driver.
        if url.startswith(("postgres://", "postgresql://")):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine for `url` (default: `database_url()`), with SQLite made strict."""
    url = url or database_url()
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            # A folder that cannot be made: connecting then says "unable to open database file".
            with suppress(OSError):
                Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Wait for a concurrent writer instead of failing at once.
        kwargs.setdefault("connect_args", {"timeout": 30})
    # A failed statement's message (logged, shown in crash logs) never carries the values it
    # bound: they hold ID numbers and phones (issue 13).
    kwargs["hide_parameters"] = True
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Python's sqlite3 module starts transactions lazily, only before data changes, so a
    # SAVEPOINT (dry runs, nested units) would open the outermost transaction itself. Take
    # over: no implicit transactions, and an explicit BEGIN whenever SQLAlchemy begins one
    # (SQLAlchemy's documented pysqlite recipe). A unit of work that may write begins
    # IMMEDIATE, taking the write lock at the start: one that read first and wrote later
    # could otherwise deadlock with another writer and fail at once with "database is
    # locked"; this way the second one waits (up to the 30 s timeout). Read-only units
    # (`read_only(engine)`: web pages that only show) begin DEFERRED and never queue behind
    # writers; write-ahead logging lets them read while a writer works.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # SQLite ignores foreign keys unless asked
    cursor.execute("PRAGMA journal_mode=WAL")  # a no-op answer "memory" for in-memory databases
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    reading = connection.get_execution_options().get(READ_ONLY_OPTION)
    connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


def read_only(engine: Engine) -> Engine:
    """The same engine for units that only read (on SQLite: no write lock taken up front)."""
    return engine.execution_options(**{READ_ONLY_OPTION: True})


def session_factory(bind: Any, **kwargs: Any) -> sessionmaker[Session]:
    """A session factory whose sessions record the change history (R1)."""
    factory = sessionmaker(bind=bind, expire_on_commit=False, **kwargs)
    track_changes(factory)
    return factory


@contextmanager
def transaction(factory: sessionmaker[Session], actor: str | None = None) -> Iterator[Session]:
    """One unit of work: commit when the block ends, roll back when it raises."""
    with factory() as session:
        acting_as(session, actor)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def acting_as(session: Session, actor: str | None) -> Session:
    """Name the user whose changes this session records in the history."""
    session.info["actor"] = actor
    return session
