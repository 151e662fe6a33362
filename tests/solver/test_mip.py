"""The MIP beside CP-SAT (HiGHS through highspy): it stops when told, shows its bound while it
runs, starts from a given plan, and prints nothing on standard output."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

from data.shapes import generate_shape
from solver.facts import Facts
from solver.load import load_instance
from solver.model import build
from solver.objective import evaluate
from solver.relax import Program
from solver.solve import Options, _plan_hint, solve


def _program(shape: str, size: str) -> Program:
    instance, _ = load_instance(generate_shape(shape, size, 0))
    built = build(Facts(instance))
    return Program(built, built.term("load_squares"))


def test_a_stopped_mip_returns_at_its_next_check_with_the_bounds_it_showed():
    # tight/M: HiGHS proves the bound within seconds, then searches for half a minute or more.
    program = _program("tight", "M")
    shown: list[int] = []
    threading.Timer(3.0, program.stopped.set).start()
    started = time.monotonic()
    bound, _plan = program.mip(600, on_bound=shown.append)
    elapsed = time.monotonic() - started
    assert elapsed < 60  # stopped, not ended by its limit of ten minutes
    assert shown and shown == sorted(shown)  # each bound shown was better than the last
    assert bound is not None and bound >= shown[-1]


def test_a_mip_stopped_before_it_starts_does_not_run():
    program = _program("tight", "S")
    assert program.proto.linear_constraints.ids  # its rows are built
    program.stopped.set()
    assert program.mip(600) == (None, None)


def test_the_mip_keeps_a_valid_start_when_it_has_no_time_to_improve_it():
    instance, _ = load_instance(generate_shape("two-sites", "S", 0))
    result = solve(instance, Options(time_limit=30, workers=2))
    built = build(Facts(instance))
    start = _plan_hint(built, result.assignments)
    program = Program(built, built.term("load_squares"))
    _bound, plan = program.mip(0.001, start=start)
    assert plan is not None
    value = evaluate(built.v, lambda lit: plan[lit.index])["load_squares"]
    assert value <= result.objective.load_squares


def test_highs_prints_nothing_on_standard_output():
    script = (
        "from solver import relax\n"
        "import highspy\n"
        "h = highspy.Highs()\n"
        "h.setOptionValue('output_flag', False)\n"
        "h.run()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout == ""
