"""Ctrl-C still reaches Python after a solve (CP-SAT catches SIGINT only while it runs)."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import os, signal, time
from data.generate import generate
from solver.load import load_instance
from solver.solve import Options, solve
instance, _ = load_instance(generate("S", 0))
solve(instance, Options(time_limit=5, workers=1))
try:
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(2)
    print("not interrupted")
except KeyboardInterrupt:
    print("KeyboardInterrupt")
"""


def test_after_a_solve_ctrl_c_raises_keyboard_interrupt_instead_of_killing_the_process():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "KeyboardInterrupt"
