"""`panelplan init-db`: migrations from empty and the institution, on both databases."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
from dbtools import POSTGRES_URL
from sqlalchemy import inspect, select, text

from cli.main import main
from models import Base, Institution, User
from models.db import database_url, make_engine


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    """An empty database URL: a new SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'cli.db'}"
        return
    schema = f"pp_cli_{uuid.uuid4().hex[:10]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _institutions(url: str) -> list[tuple[str, str]]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(select(Institution.code, Institution.name)).all()
    engine.dispose()
    return [tuple(row) for row in rows]


def test_init_db_creates_every_table_and_the_institution(url, capsys) -> None:
    assert (
        main(["init-db", "--database", url, "--code", "3204005", "--name", "常州市测试中心"]) == 0
    )
    engine = make_engine(url)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()
    assert _institutions(url) == [("3204005", "常州市测试中心")]
    assert "database ready" in capsys.readouterr().out


def test_init_db_twice_changes_nothing_and_never_duplicates(url) -> None:
    assert main(["init-db", "--database", url, "--code", "32040051", "--name", "甲"]) == 0
    assert main(["init-db", "--database", url, "--code", "32040051"]) == 0
    assert _institutions(url) == [("32040051", "甲")]


def test_a_bad_institution_code_is_refused_with_a_reason(url, capsys) -> None:
    assert main(["init-db", "--database", url, "--code", "320400"]) == 2
    assert "7 或 8 位数字" in capsys.readouterr().err
    assert _institutions(url) == []


def test_the_default_database_is_a_sqlite_file_and_database_url_overrides_it() -> None:
    assert database_url({}) == "sqlite:///instance/panelplan.db"
    assert database_url({"DATABASE_URL": "postgres://u@h/db"}) == "postgresql+psycopg://u@h/db"


def test_a_command_on_a_database_never_set_up_says_to_run_init_db(tmp_path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    assert main(["review", "2026", "--database", url]) == 2
    assert "请先运行 panelplan init-db" in capsys.readouterr().err


def test_a_command_on_an_outdated_database_says_to_upgrade(tmp_path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    assert main(["init-db", "--database", url, "--code", "3204005"]) == 0
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    engine.dispose()
    assert main(["review", "2026", "--database", url, "--lang", "en"]) == 2
    assert "run panelplan init-db to upgrade" in capsys.readouterr().err


def test_an_unexpected_error_is_logged_not_shown(tmp_path, monkeypatch, capsys) -> None:
    import cli.main as cli

    def broken(_args) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "CRASH_LOG", tmp_path / "logs" / "errors.log")
    monkeypatch.delenv("PANELPLAN_DEBUG", raising=False)
    monkeypatch.setattr(cli, "_generate", broken)
    assert main(["generate", "S"]) == cli.EXIT_INTERNAL
    err = capsys.readouterr().err
    assert "内部错误" in err and "Traceback" not in err
    assert "RuntimeError: boom" in (tmp_path / "logs" / "errors.log").read_text("utf-8")


def test_output_cut_short_never_rolls_back_the_work(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'pipe.db'}"
    assert main(["init-db", "--database", url, "--code", "3204005"]) == 0
    read_end, write_end = os.pipe()
    os.close(read_end)  # every write to the command's standard output fails at once (EPIPE)
    command = [sys.executable, "-m", "cli", "create-user", "wu", "--role", "viewer"]
    env = {**os.environ, "PANELPLAN_PASSWORD": "viewer-pass-1"}
    done = subprocess.run(
        [*command, "--database", url], stdout=write_end, stderr=subprocess.PIPE, env=env
    )
    os.close(write_end)
    assert done.returncode == 0, done.stderr
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.scalars(select(User.username)).all() == ["wu"]
    engine.dispose()


def _users(url: str) -> list[tuple[str, str, str | None]]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(User.username, User.role, Institution.code)
            .outerjoin(Institution, User.institution_id == Institution.id)
            .order_by(User.username)
        ).all()
    engine.dispose()
    return [(name, str(getattr(role, "value", role)), code) for name, role, code in rows]


def test_three_institutions_on_one_database_each_with_its_admin_and_the_city_centre(
    url, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("PANELPLAN_PASSWORD", "a-long-pass-1")
    homes = [("3204005", "甲评价中心"), ("3204006", "乙评价中心"), ("32040077", "丙评价中心")]
    for code, name in homes:
        assert main(["init-db", "--database", url, "--code", code, "--name", name]) == 0
    assert sorted(_institutions(url)) == sorted(homes)
    for code, _name in homes:
        command = ["create-user", f"admin-{code}", "--role", "admin", "--institution", code]
        assert main([*command, "--database", url]) == 0
    # Without --institution, a database of several institutions asks which one.
    assert main(["create-user", "who", "--role", "planner", "--database", url]) == 2
    assert "--institution" in capsys.readouterr().err
    assert main(["create-user", "centre", "--role", "city", "--database", url]) == 0
    assert _users(url) == [
        ("admin-3204005", "admin", "3204005"),
        ("admin-3204006", "admin", "3204006"),
        ("admin-32040077", "admin", "32040077"),
        ("centre", "city", None),
    ]


def test_the_city_centre_belongs_to_no_institution_and_never_writes_the_catalogue(
    url, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("PANELPLAN_PASSWORD", "a-long-pass-1")
    assert main(["init-db", "--database", url, "--code", "3204005", "--name", "甲"]) == 0
    city = ["create-user", "centre", "--role", "city", "--database", url, "--lang", "en"]
    assert main([*city, "--institution", "3204005"]) == 2
    assert "belongs to no institution" in capsys.readouterr().err
    assert main([*city, "--deployment-admin"]) == 2
    assert "only reads" in capsys.readouterr().err
    assert main(city) == 0
    assert main(["deployment-admin", "centre", "--database", url, "--lang", "en"]) == 2
    assert "only reads" in capsys.readouterr().err
    assert _users(url) == [("centre", "city", None)]
