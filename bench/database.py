"""What the database benchmarks share: a fresh migrated database per backend, and
writing their own marked section of docs/benchmarks.md.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, text

from models.db import make_engine
from models.migrate import upgrade

from .run import DOC

POSTGRES_URL = os.environ.get(
    "PANELPLAN_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def fresh_engine(backend: str, directory: Path) -> tuple[Engine, Callable[[], None]]:
    """A migrated empty database of `backend` and the function that removes it.

    SQLite: a file in `directory` (the caller's temporary directory removes it).
    PostgreSQL: a new schema on the server of the tests, dropped by the cleanup.
    """
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{directory / 'bench.db'}")
        upgrade(engine)
        return engine, engine.dispose
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    upgrade(engine)

    def drop() -> None:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return engine, drop


def write_section(name: str, title: str, section: str) -> None:
    """Replace benchmark `name`'s section of docs/benchmarks.md (new sections go under `title`)."""
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    doc = DOC.read_text(encoding="utf-8")
    if start not in doc:
        doc += f"\n## {title}\n\n{start}\n{end}\n"
    before, rest = doc.split(start, 1)
    _, after = rest.split(end, 1)
    DOC.write_text(f"{before}{start}\n{section}{end}{after}", encoding="utf-8")
