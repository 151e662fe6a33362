"""`panelplan plan`, `jobs`, `cancel`, `publish` and `what-if` on a SQLite file.

`plan` is a solve job (cli/solving.py): with no scheduler running it runs the job itself
in a worker process; `publish` and `what-if` run in-process (cli/plans.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from cli import solving as plan_cli
from cli.main import main
from data.generate import generate
from jobs.solving import dispatch_solves
from models import Plan
from models.base import PlanStatus, utcnow
from models.db import make_engine, session_factory, transaction
from services.demo.loading import load_generated
from services.institution.scheduler_state import beat
from services.messages import Problem, Refused
from services.planning.publishing import MESSAGES

RANGE = ["--from", "2026-03-02", "--to", "2026-04-12"]
FAST = ["--time-limit", "10", "--workers", "1", "--deterministic", "--quiet"]


@pytest.fixture
def url(tmp_path: Path) -> str:
    """A migrated SQLite file holding the generated S term."""
    url = f"sqlite:///{tmp_path / 'plan.db'}"
    assert main(["init-db", "--database", url]) == 0
    engine = make_engine(url)
    with transaction(session_factory(engine), "tester") as db:
        load_generated(db, generate("S", seed=5))
    engine.dispose()
    return url


def plans(url: str) -> list[tuple[int, PlanStatus, int | None]]:
    engine = make_engine(url)
    with session_factory(engine)() as db:
        rows = db.execute(
            select(Plan.version, Plan.status, Plan.based_on_id).order_by(Plan.version)
        )
        found = [tuple(r) for r in rows]
    engine.dispose()
    return found


def test_plan_stores_a_draft_and_prints_it(url, capsys):
    assert main(["plan", "--database", url, *RANGE, *FAST]) == 0
    captured = capsys.readouterr()
    out = captured.out
    assert "已提交求解任务 #1" in captured.err and "由本命令在子进程中求解" in captured.err
    assert out.startswith("方案 v1  草稿  OPTIMAL  2026-03-02 ~ 2026-04-12  objective (0, 0,")
    assert "组长" in out and "另有 15 个场次" in out
    assert plans(url) == [(1, PlanStatus.DRAFT, None)]


def test_plan_publish_then_what_if_then_publish_the_rerun(url, capsys):
    assert main(["plan", "--database", url, *RANGE, *FAST, "--publish", "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith("plan v1  published  OPTIMAL")
    args = ["what-if", "--database", url, "--withdraw", "E0003", "--reason", "出差", *FAST]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.startswith("方案 v2  草稿  OPTIMAL") and "与已发布方案 v1 相比变动" in out
    assert main(["publish", "2", "--database", url]) == 0
    assert plans(url) == [(1, PlanStatus.SUPERSEDED, None), (2, PlanStatus.PUBLISHED, 1)]


def test_refusals_exit_2_with_the_reason_and_write_nothing(url, capsys):
    assert main(["publish", "4", "--database", url, "--lang", "en"]) == 2
    assert "no plan version v4" in capsys.readouterr().err
    assert main(["plan", "--database", url, "--from", "2030-01-01", "--to", "2030-01-31"]) == 2
    assert "没有待排的场次" in capsys.readouterr().err
    assert main(["what-if", "--database", url, "--withdraw", "E0001", *FAST]) == 2
    assert "还没有已发布的方案" in capsys.readouterr().err
    assert plans(url) == []


def test_a_refused_publish_keeps_the_draft_and_exits_2(url, capsys, monkeypatch):
    def refuse(*_args):
        raise Refused([Problem.of(MESSAGES, "no_plan", "plan", version=1, status="TEST")])

    monkeypatch.setattr(plan_cli, "publish", refuse)
    assert main(["plan", "--database", url, *RANGE, *FAST, "--publish"]) == 2
    captured = capsys.readouterr()
    assert "求解状态 TEST" in captured.err and captured.out.startswith("方案 v1  草稿")
    assert plans(url) == [(1, PlanStatus.DRAFT, None)]


def test_output_cut_short_by_a_closed_pipe_keeps_the_published_plan(url):
    command = [sys.executable, "-m", "cli", "plan", "--database", url, *RANGE, *FAST]
    loud = [arg for arg in command if arg != "--quiet"]  # progress lines on stderr too
    shell = " ".join([*loud, "--publish", "2>&1 | head -1"])
    done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, check=False)
    assert "Traceback" not in done.stdout + done.stderr
    assert plans(url) == [(1, PlanStatus.PUBLISHED, None)]


def test_no_wait_queues_then_jobs_lists_and_cancel_ends_the_job(url, capsys):
    assert main(["plan", "--database", url, *RANGE, *FAST, "--no-wait"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "1\n" and "已提交求解任务 #1" in captured.err
    assert main(["jobs", "--database", url]) == 0
    assert capsys.readouterr().out == "#1  排班  2026-03-02 ~ 2026-04-12  排队中\n"
    assert main(["cancel", "1", "--database", url, "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith("#1  plan  2026-03-02 ~ 2026-04-12  cancelled")
    assert main(["jobs", "--database", url]) == 0
    assert capsys.readouterr().out == "没有排队或进行中的求解任务\n"
    assert main(["jobs", "--database", url, "--all"]) == 0
    assert "已取消" in capsys.readouterr().out
    assert main(["cancel", "1", "--database", url]) == 2
    assert "已结束" in capsys.readouterr().err
    assert main(["plan", "--database", url, *RANGE, "--time-limit", "-1"]) == 2
    assert "求解时限应大于 0 秒" in capsys.readouterr().err
    assert plans(url) == []


def test_with_a_scheduler_alive_plan_waits_for_the_scheduler_to_run_it(url, capsys):
    engine = make_engine(url)
    with transaction(session_factory(engine), "scheduler") as db:
        beat(db, utcnow(), "elsewhere:1")
    engine.dispose()
    stop = threading.Event()

    def scheduler() -> None:  # what the scheduler's dispatch job does every 2 s
        while not stop.wait(0.2):
            dispatch_solves(url)

    thread = threading.Thread(target=scheduler)
    thread.start()
    try:
        assert main(["plan", "--database", url, *RANGE, *FAST]) == 0
    finally:
        stop.set()
        thread.join()
    captured = capsys.readouterr()
    assert "由调度进程求解" in captured.err and "由本命令" not in captured.err
    assert captured.out.startswith("方案 v1  草稿  OPTIMAL")
    assert plans(url) == [(1, PlanStatus.DRAFT, None)]


def test_plan_with_a_policy_file_solves_under_it_and_refuses_a_looser_one(url, tmp_path, capsys):
    stricter = tmp_path / "stricter.json"
    stricter.write_text(json.dumps({"max_consecutive_same_venue": 2}), encoding="utf-8")
    assert main(["plan", "--database", url, *RANGE, *FAST, "--policy", str(stricter)]) == 0
    engine = make_engine(url)
    with session_factory(engine)() as db:
        stored = db.scalars(select(Plan)).one().instance["policy"]
    engine.dispose()
    assert stored["max_consecutive_same_venue"] == 2
    looser = tmp_path / "looser.json"
    looser.write_text(json.dumps({"max_consecutive_same_venue": 5}), encoding="utf-8")
    assert main(["plan", "--database", url, *RANGE, *FAST, "--policy", str(looser)]) == 2
    refusal = capsys.readouterr().err
    assert "同一考点最多连续次数：取值 5 宽于" in refusal
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(SystemExit):
        main(["plan", "--database", url, *RANGE, "--policy", str(broken)])
    assert "broken.json" in capsys.readouterr().err
    assert len(plans(url)) == 1  # the refused requests queued nothing
