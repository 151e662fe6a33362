"""`panelplan notices VERSION [-o PATH] [--links]` on a committed database (SQLite and
PostgreSQL): the call list printed as the web page shows it, the workbook opened back, the
personal links signed as the notices job signs them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from dbtools import drop_database, fresh_database, worker_url
from factories import Factory
from openpyxl import load_workbook
from sqlalchemy import select
from test_notices import FAST, MARCH, term

from cli.main import main
from models.db import session_factory, transaction
from models.notices import Notice
from services.notices.links import answer, open_notice, waiting
from services.planning.plans import solve_and_store
from services.planning.publishing import publish

NOW = datetime(2026, 2, 20, 8, 0, tzinfo=UTC)


@pytest.fixture
def published(database, tmp_path: Path):
    """v1 published (some examiners without e-mail); one examiner declined one session."""
    scratch = fresh_database(database.backend, tmp_path)
    factory = session_factory(scratch.engine)
    with transaction(factory, "setup") as db:
        inst, _, _ = term(Factory(db), examiners=4)
        publish(db, inst, solve_and_store(db, inst, *MARCH, FAST).version)
        notice = db.scalars(select(Notice).order_by(Notice.id)).first()
        first = sorted(waiting(notice))[0]
        answer(db, notice, {first: (False, "单位临时安排出差")}, NOW)
        declined = (notice.examiner.code, first)
    yield worker_url(scratch), declined, scratch, factory
    drop_database(scratch)


def test_the_call_list_is_printed_and_written(published, tmp_path: Path, capsys) -> None:
    url, (code, _session), _, _ = published
    out = tmp_path / "calls"
    out.mkdir()
    assert main(["notices", "1", "--database", url, "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    lines = printed.splitlines()
    assert lines[0].startswith("方案 v1 通知名单：") and "无电子邮箱者在前" in lines[0]
    mine = next(n for n, line in enumerate(lines) if line.startswith(f"{code} "))
    assert "答复：待答复" in lines[mine] or "有 1 场不能参加" in lines[mine]
    assert any("✗ 不能参加：单位临时安排出差" in line for line in lines[mine + 1 :])
    assert "无邮箱：请电话通知" in printed  # those without e-mail are to be called
    (book,) = out.glob("通知名单_v1.xlsx")
    ws = load_workbook(book).active
    assert ws["A1"].value.endswith("考评任务变更通知名单")
    codes = [ws.cell(row=r, column=2).value for r in range(4, ws.max_row + 1)]
    row = 4 + codes.index(code)
    assert "（✗ 不能参加）" in ws.cell(row=row, column=6).value
    assert ws.cell(row=row, column=9).value.endswith("：单位临时安排出差")
    assert main(["notices", "1", "--database", url, "--lang", "en"]) == 0
    assert "whom to tell" in capsys.readouterr().out


def test_personal_links_need_the_settings_and_open_their_notice(
    published, monkeypatch, capsys
) -> None:
    url, _, _, factory = published
    monkeypatch.delenv("PANELPLAN_SECRET_KEY", raising=False)
    assert main(["notices", "1", "--database", url, "--links"]) == 2
    assert "PANELPLAN_PUBLIC_URL" in capsys.readouterr().out
    monkeypatch.setenv("PANELPLAN_SECRET_KEY", "cli-secret")
    monkeypatch.setenv("PANELPLAN_PUBLIC_URL", "https://plan.example.org")
    assert main(["notices", "1", "--database", url, "--links"]) == 0
    links = [
        line.split("个人链接：")[1]
        for line in capsys.readouterr().out.splitlines()
        if "个人链接：" in line
    ]
    assert links and all(link.startswith("https://plan.example.org/n/") for link in links)
    with transaction(factory, "check") as db:
        opened = open_notice(db, "cli-secret", links[0].rsplit("/", 1)[1], NOW)
        assert opened.plan.version == 1


def test_an_unknown_plan_is_refused(published, capsys) -> None:
    url = published[0]
    assert main(["notices", "9", "--database", url]) == 2
    assert "9" in capsys.readouterr().err
