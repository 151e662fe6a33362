"""`panelplan demo` and `panelplan generate`: the commands a new user runs first."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from services.demo import run_demo
from solver.check import verify
from solver.load import load_instance
from solver.schema import Result


def test_demo_solves_the_sample_and_writes_a_plan_that_passes_the_checker(tmp_path: Path):
    out = io.StringIO()
    assert run_demo("S", tmp_path, time_limit=30, workers=1, stream=out) == 0
    text = out.getvalue()
    assert "组长" in text and "全部规则满足" in text
    instance, _ = load_instance(json.loads((tmp_path / "demo-S-instance.json").read_text("utf-8")))
    result = Result.model_validate_json((tmp_path / "demo-S-result.json").read_text("utf-8"))
    assert result.status in ("OPTIMAL", "FEASIBLE")
    assert len(result.assignments) == len(instance.sessions)
    assert verify(instance, result) == []


def test_generate_writes_a_loadable_instance(tmp_path: Path):
    target = tmp_path / "s.json"
    done = subprocess.run(
        [sys.executable, "-m", "services.cli", "generate", "S", "--seed", "3", "-o", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    instance, warnings = load_instance(json.loads(target.read_text("utf-8")))
    assert len(instance.examiners) == 40 and len(instance.sessions) == 30
    assert warnings == []


def test_demo_output_cut_short_by_a_closed_pipe_is_not_a_traceback(tmp_path: Path):
    shell = f"{sys.executable} -m services.cli demo --out {tmp_path} --time-limit 20 | head -1"
    done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, check=False)
    assert "考评小组安排" in done.stdout
    assert "Traceback" not in done.stderr
