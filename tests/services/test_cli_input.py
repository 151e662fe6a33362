"""Bad input on the command line (issue 13): a database that cannot be reached or named is
"cannot connect to ..." and exit 2 (never 70), the demo refuses a database that already holds
it, and solve options are read by the shared number parser (exit 2 with its message)."""

from __future__ import annotations

import pytest
from dbtools import BACKENDS, drop_database, fresh_database, worker_url
from sqlalchemy import func, select

from cli.main import main
from models import Institution
from models.db import session_factory, transaction
from services.demo.loading import load_generated
from services.demo.run import sample

UNREACHABLE = [
    "postgresql://nobody:secret@127.0.0.1:1/panelplan",
    "postgresql+psycopg://nobody:secret@host.invalid/panelplan",
    "sqlite:////proc/no/such/folder/panelplan.db",
    "nosuchdialect://somewhere/db",
]
COMMANDS = [["jobs"], ["init-db"], ["create-user", "x", "--role", "viewer"], ["alerts"]]


@pytest.mark.parametrize("url", UNREACHABLE)
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_an_unreachable_database_is_named_with_exit_2(url, command, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PANELPLAN_PASSWORD", "pw-123456789")
    monkeypatch.delenv("PANELPLAN_DEBUG", raising=False)
    assert main(command) == 2
    err = capsys.readouterr().err
    assert "无法连接数据库" in err and "cannot connect to" in err
    assert "secret" not in err and "internal error" not in err


def test_the_database_option_is_named_too(capsys) -> None:
    assert main(["jobs", "--database", "postgresql://u:pw@127.0.0.1:1/x"]) == 2
    assert "cannot connect to postgresql://u:***@127.0.0.1:1/x" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["nan", "inf", "1e999", "²", str(10**30)])
@pytest.mark.parametrize("option", ["--time-limit", "--seed", "--workers"])
def test_plan_options_are_refused_by_the_shared_parser(option, value, capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["plan", "--from", "2026-03-01", "--to", "2026-03-31", option, value])
    assert stop.value.code == 2
    assert f"“{value}”" in capsys.readouterr().err


@pytest.fixture(params=BACKENDS)
def demo_loaded(request, tmp_path):
    """A database of each kind already holding the demo's institution."""
    database = fresh_database(request.param, tmp_path)
    with transaction(session_factory(database.engine), "seed") as session:
        load_generated(session, sample("S"))
    yield database
    drop_database(database)


def test_the_demo_refuses_a_database_that_already_holds_it(demo_loaded, tmp_path, capsys) -> None:
    url = worker_url(demo_loaded)
    argv = ["demo", "--database", url, "--no-serve", "--out", str(tmp_path), "--workers", "1"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "已有演示机构" in err and "already holds the demo" in err
    with demo_loaded.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Institution)) == 1
