"""Migrations run cleanly from empty on both databases and match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from dbtools import drop_database, fresh_database
from sqlalchemy import Column, MetaData, String, Table, inspect

from models import Base
from models.migrate import downgrade, include_name, upgrade


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


def test_the_scheduler_job_table_is_not_ours_to_migrate(database, tmp_path) -> None:
    scratch = fresh_database(database.backend, tmp_path)
    try:
        extra = MetaData()
        Table("apscheduler_jobs", extra, Column("id", String(191), primary_key=True))
        extra.create_all(scratch.engine)
        with scratch.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"include_name": include_name})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        drop_database(scratch)
