"""Migrations run cleanly from empty on both databases and match the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from dbtools import drop_database, fresh_database
from sqlalchemy import Column, MetaData, String, Table, inspect, text
from sqlalchemy.exc import IntegrityError

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


def _insert_user(connection, name: str, role: str, institution: int | None) -> None:
    connection.execute(
        text(
            "INSERT INTO users (institution_id, username, display_name, role, active,"
            " session_version, deployment_admin, created_at, updated_at) VALUES"
            " (:i, :n, :n, :r, true, 0, false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        ),
        {"i": institution, "n": name, "r": role},
    )


def test_the_city_centre_migration_keeps_users_and_ties_city_to_no_institution(
    database, tmp_path
) -> None:
    scratch = fresh_database(database.backend, tmp_path)
    try:
        downgrade(scratch.engine, "0005")
        with scratch.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO institutions (id, code, name, policy, certificate_years,"
                    " viewers_see_phones, created_at, updated_at) VALUES (1, '3204005', 'A',"
                    " '{}', 3, false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            _insert_user(connection, "wang", "admin", 1)
        upgrade(scratch.engine)
        with scratch.engine.begin() as connection:
            _insert_user(connection, "centre", "city", None)
            rows = connection.execute(text("SELECT username, role FROM users")).all()
        assert sorted(rows) == [("centre", "city"), ("wang", "admin")]
        for name, role, home in (("x1", "city", 1), ("x2", "admin", None), ("x3", "boss", 1)):
            with pytest.raises(IntegrityError), scratch.engine.begin() as connection:
                _insert_user(connection, name, role, home)
        downgrade(scratch.engine, "0005")
        with scratch.engine.begin() as connection:
            assert connection.execute(text("SELECT username FROM users")).all() == [("wang",)]
            with pytest.raises(IntegrityError):
                _insert_user(connection, "centre", "city", None)
    finally:
        drop_database(scratch)
