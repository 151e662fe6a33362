"""Migrations run cleanly from empty on both databases and match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from dbtools import drop_database, fresh_database
from sqlalchemy import inspect

from models import Base
from models.migrate import downgrade, upgrade


def test_migrated_schema_matches_the_models(database) -> None:
    with database.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_every_model_table_exists_after_migration(database) -> None:
    tables = set(inspect(database.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_downgrade_to_empty_and_upgrade_again(database, tmp_path) -> None:
    scratch = fresh_database(database.backend, tmp_path)
    try:
        downgrade(scratch.engine)
        assert set(inspect(scratch.engine).get_table_names()) <= {"alembic_version"}
        upgrade(scratch.engine)
        assert set(Base.metadata.tables) <= set(inspect(scratch.engine).get_table_names())
    finally:
        drop_database(scratch)
