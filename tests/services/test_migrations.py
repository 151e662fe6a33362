"""Migrations run cleanly from empty on both databases and match the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from dbtools import drop_database, fresh_database
from factories import Factory
from sqlalchemy import Column, MetaData, String, Table, inspect, text
from sqlalchemy.exc import IntegrityError
from test_notices import FAST, MARCH, term

from models import Base
from models.db import session_factory, transaction
from models.migrate import downgrade, include_name, upgrade
from services.planning.plans import solve_and_store
from services.planning.publishing import publish


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


def test_the_seat_answers_migration_moves_each_answer_to_its_seats(database, tmp_path) -> None:
    """0008: a notice answered as a whole answers each of its seats added or changed (a removed
    seat asks none); back at 0007 the notice holds the reason again."""
    scratch = fresh_database(database.backend, tmp_path)
    try:
        with transaction(session_factory(scratch.engine), "setup") as db:
            inst, _, _ = term(Factory(db), examiners=4)  # some told of two sessions
            publish(db, inst, solve_and_store(db, inst, *MARCH, FAST).version)
        downgrade(scratch.engine, "0007_city_centre")
        with scratch.engine.begin() as connection:
            ids = connection.execute(  # the notice told of most seats first
                text("SELECT notice_id FROM notice_seats GROUP BY notice_id"
                     " ORDER BY COUNT(*) DESC, notice_id")
            ).scalars().all()  # fmt: skip
            declined, confirmed, pending = ids[:3]
            for statement, values in (
                ("UPDATE notices SET status = 'declined', reason = '出差',"
                 " answered_at = CURRENT_TIMESTAMP WHERE id = :n", {"n": declined}),
                ("UPDATE notices SET status = 'confirmed', answered_at = CURRENT_TIMESTAMP"
                 " WHERE id = :n", {"n": confirmed}),
                ("UPDATE notice_seats SET change = 'removed', role = NULL WHERE id ="
                 " (SELECT MIN(id) FROM notice_seats WHERE notice_id = :n)", {"n": declined}),
            ):  # fmt: skip
                connection.execute(text(statement), values)
        upgrade(scratch.engine)
        with scratch.engine.begin() as connection:
            seats = connection.execute(
                text("SELECT notice_id, change, confirmed, reason FROM notice_seats ORDER BY id")
            ).all()
        answered = {(n, c, None if ok is None else bool(ok), why) for n, c, ok, why in seats}
        assert {a for a in answered if a[0] == declined} >= {(declined, "removed", None, None)}
        assert {a[2:] for a in answered if a[0] == declined and a[1] != "removed"} == {
            (False, "出差")
        }
        assert {a[2:] for a in answered if a[0] == confirmed} == {(True, None)}
        assert {a[2:] for a in answered if a[0] == pending} == {(None, None)}
        downgrade(scratch.engine, "0007_city_centre")
        with scratch.engine.begin() as connection:
            reasons = dict(connection.execute(text("SELECT id, reason FROM notices")).all())
        assert reasons[declined] == "出差" and reasons[confirmed] is None
    finally:
        drop_database(scratch)
