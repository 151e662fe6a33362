"""The MIP beside CP-SAT (HiGHS through highspy): it stops when told, shows its bound while it
runs, starts from a given plan, and prints nothing on standard output."""

from __future__ import annotations

import random
import subprocess
import sys
import threading
import time
import types

import pytest
from ortools.sat.python import cp_model

import solver.beside as beside_module
from data.shapes import generate_shape
from solver.beside import Beside
from solver.facts import Facts
from solver.load import load_instance
from solver.model import Built, build
from solver.objective import evaluate
from solver.relax import Program
from solver.running import Budget, Control, Outcome, Watch
from solver.search import Searcher
from solver.solve import Options, _plan_hint, solve
from solver.windows import Windows


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
    assert program.proto(exact=True).linear_constraints.ids  # the MIP's rows are built
    program.stopped.set()
    assert program.mip(600) == (None, None)


def test_the_mip_keeps_a_valid_start_when_it_has_little_time_to_improve_it():
    """HiGHS takes the start as its incumbent: a plan no worse comes back. (With a
    millisecond, a busy machine left it still in presolve, with no plan at all.)"""
    instance, _ = load_instance(generate_shape("two-sites", "S", 0))
    result = solve(instance, Options(time_limit=30, workers=2))
    built = build(Facts(instance))
    start = _plan_hint(built, result.assignments)
    program = Program(built, built.term("load_squares"))
    _bound, plan = program.mip(0.2, start=start)
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


def _beside_on(
    shape: str, size: str, calls: list[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[Beside, int]:
    """An engine beside on a valid start, its MIP recorded; and the LP's bound there. Its
    target (the start plan's value, as the search passes it) is set to that bound: the
    tests move it."""
    instance, _ = load_instance(generate_shape(shape, size, 0))
    result = solve(instance, Options(time_limit=30, workers=2))
    built = build(Facts(instance))
    term = built.term("load_squares")
    lp = Program(built, term).lp_bound(30)
    assert lp is not None

    def mip(*args: object, **kwargs: object) -> tuple[None, None]:
        calls.append("mip")
        return None, None

    monkeypatch.setattr(Program, "mip", mip)
    # However long the LP takes on a busy machine, the MIP may follow it.
    monkeypatch.setattr(beside_module, "MIP_AFTER_LP", 3600.0)
    return Beside(built, term, 30, _plan_hint(built, result.assignments), lp), lp


def test_the_engine_beside_runs_no_mip_once_the_lp_bound_meets_its_target(
    monkeypatch: pytest.MonkeyPatch,
):
    calls: list[str] = []
    beside, lp = _beside_on("three-sites", "S", calls, monkeypatch)
    beside.start().thread.join(60)
    assert beside.bound == lp and beside.done.is_set()
    assert calls == []  # the start plan is proven: nothing left for the MIP


def test_the_engine_beside_runs_its_mip_while_the_lp_falls_short(monkeypatch: pytest.MonkeyPatch):
    calls: list[str] = []
    beside, lp = _beside_on("three-sites", "S", calls, monkeypatch)
    beside.target = lp + 1  # a start plan above the LP's bound
    beside.start().thread.join(60)
    assert calls == ["mip"]


def test_a_mip_bound_reaching_the_start_plan_stops_the_mip(monkeypatch: pytest.MonkeyPatch):
    beside, lp = _beside_on("three-sites", "S", [], monkeypatch)
    beside.target = lp + 2
    beside._raise_bound(lp + 1)
    assert not beside.program.stopped.is_set()
    beside._raise_bound(lp + 2)
    assert beside.program.stopped.is_set()


def test_the_stall_clock_waits_for_a_plan_better_than_the_hint():
    class Seen(Watch):
        value = 0.0

        @property
        def objective_value(self) -> float:  # what CP-SAT would report
            return self.value

    watch = Seen(cp_model.CpSolver(), lambda: 0, stall=2.0, offered=lambda: False, beat=100)
    watch.last = 0.0  # the clock's start, long ago
    watch.value = 3000.0  # CP-SAT's first plans at M: far worse than its hint
    watch.on_solution_callback()
    assert watch.last == 0.0
    watch.value = 98.0
    watch.on_solution_callback()
    assert watch.last is not None and watch.last > 0.0


def test_a_bound_meeting_the_hint_stops_a_solve_that_has_reported_no_plan():
    """The hint is a valid plan: once the engine beside proves its value, the solve is done,
    even before CP-SAT reports a plan of its own (it may never report the hint itself)."""
    lower = [90]
    solver = cp_model.CpSolver()
    stops: list[str] = []
    solver.stop_search = lambda: stops.append("stop")  # type: ignore[method-assign]
    watch = Watch(solver, lambda: lower[0], stall=None, offered=lambda: False, beat=100)
    with watch:
        time.sleep(0.2)
        assert stops == []
        lower[0] = 100
        watch.thread.join(5)
    assert stops == ["stop"]


def test_the_head_start_ends_when_the_lp_runs_too_long_for_a_mip(monkeypatch: pytest.MonkeyPatch):
    """A slow LP takes one core and no MIP follows it: the search starts beside it."""
    beside, _ = _beside_on("three-sites", "S", [], monkeypatch)
    monkeypatch.setattr(beside_module, "MIP_AFTER_LP", 0.2)
    release = threading.Event()
    monkeypatch.setattr(Program, "lp_bound", lambda self, *args: release.wait(30) and None)
    beside.start()
    started = time.monotonic()
    beside.head_start(10.0)
    waited = time.monotonic() - started
    release.set()
    beside.stop()
    assert 0.2 <= waited < 5.0


def test_the_head_start_waits_for_a_mip_after_a_quick_lp(monkeypatch: pytest.MonkeyPatch):
    calls: list[str] = []
    beside, lp = _beside_on("three-sites", "S", calls, monkeypatch)
    beside.target = lp + 1  # the MIP follows
    beside.start().head_start(60.0)
    assert beside.done.is_set() and calls == ["mip"]


def _searcher(built: Built) -> Searcher:
    return Searcher(
        built,
        workers=2,
        seed=0,
        budget=Budget(60.0, False),
        control=Control(),
        make_solver=lambda limit, seed: cp_model.CpSolver(),
    )


def test_the_crews_keep_their_patience_while_the_lp_runs(monkeypatch: pytest.MonkeyPatch):
    """Neighbourhoods without a better plan count against the patience only once the LP has
    ended: before that the crews go on, since the LP's shares are what finds the last seat."""
    instance, _ = load_instance(generate_shape("spread", "M", 0))
    built = build(Facts(instance))
    result = solve(instance, Options(time_limit=30, workers=2))
    values = _plan_hint(built, result.assignments)
    lp_done = threading.Event()
    side = types.SimpleNamespace(
        lp_done=lp_done,
        done=threading.Event(),
        bound=0,
        plan=None,
        program=types.SimpleNamespace(values=None),
    )
    tried: list[int] = []

    def window(self: Searcher, free: set[int], best: Outcome) -> Outcome:
        tried.append(len(free))
        if len(tried) == 50:
            lp_done.set()  # the LP ends during the fiftieth: it is the first to count
        return Outcome("UNKNOWN")

    monkeypatch.setattr(Searcher, "_solve_window", window)
    searcher = _searcher(built)
    searcher.beside = side  # type: ignore[assignment]
    searcher._neighbourhoods(Outcome("FEASIBLE", 10**9, 0, values), "load_squares")
    patience = Windows(built, random.Random(0), "load_squares").patience
    assert len(tried) == 49 + patience


def test_the_crews_read_the_flows_plan_as_shares_until_the_lps_arrive():
    """Until the LP has its solution the flow's plan says who is a seat short (spread/L: the
    crews then look for the seat during the LP's 26 s instead of after them)."""
    instance, _ = load_instance(generate_shape("spread", "S", 0))
    built = build(Facts(instance))
    searcher = _searcher(built)
    program = types.SimpleNamespace(values=None)
    searcher.beside = types.SimpleNamespace(program=program)  # type: ignore[assignment]
    guide = [1] * len(built.model.proto.variables)
    searcher.relaxed = guide
    assert searcher._relaxed() is guide
    program.values = [0.5] * len(guide)
    assert searcher._relaxed() is program.values
    searcher.relaxed = None
    searcher.beside = None
    assert searcher._relaxed() is None
