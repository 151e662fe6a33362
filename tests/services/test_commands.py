"""`panelplan demo` and `panelplan generate`: the commands a new user runs first."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from models import PanelSeat, Plan
from models.base import PlanStatus
from models.db import make_engine
from services.demo.run import run_demo
from solver.check import verify
from solver.load import load_instance
from solver.schema import Result


def test_demo_solves_the_sample_and_writes_a_plan_that_passes_the_checker(tmp_path: Path):
    out = io.StringIO()
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    today = date(2027, 3, 11)  # the demo's term starts the day after it is run
    assert run_demo("S", tmp_path, 30, 1, out, database=url, today=today) == 0
    text = out.getvalue()
    assert "组长" in text and "全部规则满足" in text and "已发布" in text
    instance, _ = load_instance(json.loads((tmp_path / "demo-S-instance.json").read_text("utf-8")))
    result = Result.model_validate_json((tmp_path / "demo-S-result.json").read_text("utf-8"))
    assert result.status in ("OPTIMAL", "FEASIBLE")
    assert len(result.assignments) == len(instance.sessions)
    assert verify(instance, result) == []
    engine = make_engine(url)
    with engine.connect() as connection:
        statuses = connection.scalars(select(Plan.status)).all()
        seats = connection.scalar(select(func.count()).select_from(PanelSeat))
    engine.dispose()
    assert statuses == [PlanStatus.PUBLISHED]
    first = min(s.start for s in instance.sessions)
    assert first.date() == date(2027, 3, 12)
    assert all(h.session.end <= first for h in instance.history)  # held before the term
    # the published panels and the sample's history (held sessions), all in force
    served = [a.members for a in result.assignments] + [h.members for h in instance.history]
    assert seats == sum(len(members) for members in served)


def test_generate_writes_a_loadable_instance(tmp_path: Path):
    target = tmp_path / "s.json"
    done = subprocess.run(
        [sys.executable, "-m", "cli", "generate", "S", "--seed", "3", "-o", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    instance, warnings = load_instance(json.loads(target.read_text("utf-8")))
    assert len(instance.examiners) == 40 and len(instance.sessions) == 30
    assert warnings == []
