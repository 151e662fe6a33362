"""Alembic environment: runs on the connection `models.migrate` hands over (or the URL)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from models import Base
from models.migrate import include_name

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "", hide_parameters=True)
    with engine.begin() as conn:
        _run_on(conn)


def _run_on(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        include_name=include_name,
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters by copying tables
        compare_type=True,
        version_table_schema=config.attributes.get("schema"),
    )
    with context.begin_transaction():
        context.run_migrations()


run()
