"""`panelplan alerts [--all] [--ack ID] [--resolve ID]` and `panelplan confirm CODE` on a SQLite
file, after a `panelplan scheduler --once` pass found something."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from cli.main import main
from models import Appointment, Examiner, Institution
from models.base import DocumentType, Grade, Sex
from models.db import make_engine, session_factory, transaction


@pytest.fixture
def url(tmp_path: Path, monkeypatch) -> str:
    """A SQLite file with one examiner whose appointment ended on 2025-12-31, swept once."""
    url = f"sqlite:///{tmp_path / 'alerts.db'}"
    monkeypatch.setenv("DATABASE_URL", url)  # restored after the test (the scheduler sets it)
    init = ["init-db", "--database", url, "--code", "3204005", "--name", "测试机构"]
    assert main([*init, "--no-catalogue"]) == 0
    engine = make_engine(url)
    with transaction(session_factory(engine), "setup") as db:
        home = db.scalar(select(Institution))
        person = Examiner(
            institution_id=home.id, code="E1", name="张三", sex=Sex.MALE,
            document_type=DocumentType.PASSPORT, document_number="E1234567", grade=Grade.SENIOR,
        )  # fmt: skip
        db.add(person)
        db.flush()
        db.add(Appointment(examiner_id=person.id, start=date(2023, 1, 1), end=date(2025, 12, 31)))
    engine.dispose()
    assert main(["scheduler", "--once", "--database", url]) == 0
    return url


def test_alerts_are_listed_acknowledged_and_resolved(url: str, capsys) -> None:
    capsys.readouterr()
    assert main(["alerts", "--database", url]) == 0
    listed = capsys.readouterr().out.splitlines()
    expired = next(line for line in listed if "聘期已于 2025-12-31 届满" in line)
    alert_id = re.match(r"#(\d+) \[未处理\]", expired).group(1)
    assert main(["alerts", "--database", url, "--ack", alert_id, "--lang", "en"]) == 0
    assert f"#{alert_id} [acknowledged]" in capsys.readouterr().out
    assert main(["alerts", "--database", url, "--resolve", alert_id]) == 0
    assert f"#{alert_id} " not in capsys.readouterr().out
    assert main(["alerts", "--all", "--database", url]) == 0
    assert f"#{alert_id} [已解决]" in capsys.readouterr().out


def test_an_unknown_alert_is_refused(url: str, capsys) -> None:
    assert main(["alerts", "--database", url, "--ack", "999", "--lang", "en"]) == 2
    assert "no alert with id 999" in capsys.readouterr().err


def test_confirm_records_the_day(url: str, capsys) -> None:
    assert main(["confirm", "E1", "--database", url, "--date", "2026-03-01"]) == 0
    assert "张三（E1）信息已确认" in capsys.readouterr().out
    engine = make_engine(url)
    with transaction(session_factory(engine)) as db:
        assert db.scalar(select(Examiner.data_confirmed_on)) == date(2026, 3, 1)
    engine.dispose()
    assert main(["confirm", "E9", "--database", url]) == 2
    assert "没有编号为 E9 的考评员" in capsys.readouterr().err
