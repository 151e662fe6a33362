"""`solver.solve` as a whole (SPEC 4.4-4.5): reproducible draws, progress, stopping from
another thread, a realistic term, partial plans, and results that survive JSON."""

from __future__ import annotations

import copy
import itertools
import threading
from pathlib import Path

import pytest
from builders import examiner, load, raw_instance, session
from ortools.sat.python import cp_model

import solver.solve as solving
from data.generate import generate
from data.scenarios import what_if
from solver.bound import relax_loads
from solver.check import check, verify
from solver.facts import Facts
from solver.load import InvalidInput, load_instance, read_instance
from solver.objective import TERMS
from solver.schema import Instance, Result
from solver.solve import Control, Options, Progress, solve
from solver.warmstart import refilled_baseline, repaired_plan, unavoidable_changes

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLES = ROOT / "data" / "samples"


def sample(name: str) -> Instance:
    """A sample from data/samples, or a builder instance when it is missing or invalid."""
    try:
        instance, _ = read_instance(SAMPLES / name)
    except InvalidInput:
        sessions = [session(f"S{i}", i // 3, f"V{i % 3 + 1}") for i in range(12)]
        instance = load(raw_instance(9, sessions))
    return instance


def plans(result: Result) -> list[tuple[str, str | None, tuple[str, ...]]]:
    return [(a.session, a.leader, a.members) for a in result.assignments]


def test_same_seed_in_deterministic_mode_gives_the_same_plan():
    instance = sample("S.json")
    options = Options(time_limit=5, workers=1, seed=7, deterministic=True)
    first, second = solve(instance, options), solve(instance, options)
    assert first.status in ("OPTIMAL", "FEASIBLE")
    assert plans(first) == plans(second)
    assert first.objective == second.objective and first.seed == second.seed == 7
    assert verify(instance, first) == []


def test_progress_reports_improving_plans_level_by_level():
    instance = sample("S.json")
    seen: list[Progress] = []
    result = solve(instance, Options(time_limit=5, workers=1, deterministic=True), seen.append)
    assert result.status in ("OPTIMAL", "FEASIBLE")
    assert seen
    levels = [TERMS.index(p.level) for p in seen]
    assert levels == sorted(levels)  # one level after the other, never back
    for before, after in itertools.pairwise(seen):
        assert after.elapsed >= before.elapsed
        if after.level == before.level:
            i = TERMS.index(after.level)
            assert after.objective.as_tuple()[i] < before.objective.as_tuple()[i]
    for p in seen:
        i = TERMS.index(p.level)
        assert p.bound.as_tuple()[i] <= p.objective.as_tuple()[i]
    last = seen[-1]
    i = TERMS.index(last.level)
    assert result.objective.as_tuple()[: i + 1] == last.objective.as_tuple()[: i + 1]


def test_progress_never_shows_a_worse_plan_within_a_level():
    # A final full solve that runs out of time can end on a plan worse than its hint; the
    # search keeps the better one, and progress must not show the worse one as news.
    instance = sample("S.json")
    result = solve(instance, Options(time_limit=5, workers=1, deterministic=True))
    seen: list[Progress] = []
    run = solving._Run(instance, Options(), seen.append, Control(), [])
    run.built = solving.build(run.facts)
    run.level = "load_squares"
    values = solving._plan_hint(run.built, result.assignments)
    worse = list(values)
    spare = next(lit for lit in run.built.v.sits.values() if not values[lit.index])
    worse[spare.index] = 1  # one seat more: a larger sum of squared loads
    run.reported, seen[:] = [], []  # forget the warm start shown while it was built
    for plan in (values, worse, values):
        run.report(solving.Outcome("FEASIBLE", None, 0, plan))
    assert [p.objective for p in seen] == [result.objective]


def test_stop_from_another_thread_keeps_the_best_plan():
    # An L term is not proven within seconds (its LP bound alone takes several), so a stop
    # a second after the first plan (the warm start) lands in the middle of the search.
    instance, _ = load_instance(generate("L", 0))
    control = Control()
    first_plan = threading.Event()

    def stop_a_second_after_the_first_plan() -> None:
        first_plan.wait(timeout=60)
        threading.Event().wait(1.0)
        control.stop()

    timer = threading.Thread(target=stop_a_second_after_the_first_plan, daemon=True)
    timer.start()
    result = solve(instance, Options(), lambda p: first_plan.set(), control)
    timer.join()
    assert result.status == "FEASIBLE"
    assert len(result.assignments) == len(instance.sessions)
    assert check(instance, result) == []
    assert verify(instance, result) == []


def test_stop_before_the_search_starts_is_not_ignored():
    # A job runner may cancel while the model is still being built: the solve must not then
    # run its whole time limit (here 10 minutes) as if nothing had happened. Building the
    # model takes about a second (more on a busy machine): the bound says "not the limit".
    instance = sample("M.json")
    control = Control()
    control.stop()
    result = solve(instance, Options(time_limit=600), control=control)
    assert result.solve_seconds < 60
    assert result.status != "OPTIMAL"
    if result.assignments:
        assert check(instance, result) == []


def test_deterministic_time_limit_covers_the_whole_solve(monkeypatch):
    # Every level gets what the earlier levels left of the one limit (SPEC 4.4: "a
    # deterministic time limit"), not the limit minus only the previous level's use.
    sessions = [session("S1"), session("S2", 1, "V2"), session("S3", 2, "V3")]
    raw = raw_instance(6, sessions, policy={"allow_unfilled": True})
    raw["baseline"] = [{"session": "S1", "leader": "E1", "members": ["E1", "E2", "E3"]}]
    instance = load(raw)
    calls: list[tuple[float, float]] = []
    original = cp_model.CpSolver.solve

    def recording(self, *args, **kwargs):
        status = original(self, *args, **kwargs)
        granted = self.parameters.max_deterministic_time
        calls.append((granted, self.response_proto.deterministic_time))
        return status

    monkeypatch.setattr(cp_model.CpSolver, "solve", recording)
    limit = 10.0
    result = solve(instance, Options(time_limit=limit, workers=1, deterministic=True))
    assert result.status == "OPTIMAL"
    # Levels the LP bound proves at once need no CP-SAT solve; the others have theirs.
    assert calls
    used = 0.0
    for granted, spent in calls:
        assert granted <= limit - used + 1e-9
        used += spent


def test_small_term_example_is_staffed_within_ten_seconds():
    instance, warnings = read_instance(FIXTURES / "small-term.json")
    result = solve(instance, Options(time_limit=10), warnings=warnings)
    assert result.status in ("OPTIMAL", "FEASIBLE")
    assert len(result.assignments) == len(instance.sessions) == 30
    assert result.unfilled == [] and result.objective.unfilled == 0
    assert verify(instance, result) == []
    assert result.solve_seconds < 30


def test_allow_unfilled_returns_the_partial_plan_with_its_empty_seats():
    # S2 needs five examiners for 25 candidates, but only E1-E4 are appointed on its day;
    # S3 is an occupation nobody is qualified for.
    exs = raw_instance(6)["examiners"]
    for e in exs[4:]:
        e["unavailable"] = [{"start": "2026-03-03", "end": "2026-03-03"}]
    sessions = [
        session("S1"),
        session("S2", 1, "V2", candidate_count=25),
        session("S3", 2, "V3", occupation="O2"),
    ]
    raw = raw_instance(6, sessions, examiners=exs, policy={"allow_unfilled": True})
    raw["occupations"].append({"code": "O2", "name": "钳工", "candidates_per_examiner": 5})
    instance = load(raw)
    result = solve(instance, Options(time_limit=10, workers=1, deterministic=True))
    assert result.status == "OPTIMAL"
    assert sorted((u.session, u.seats) for u in result.unfilled) == [("S2", 1), ("S3", 3)]
    assert result.objective.unfilled == 4
    by_session = {a.session: a for a in result.assignments}
    assert len(by_session["S1"].members) == 3
    assert set(by_session["S2"].members) == {"E1", "E2", "E3", "E4"}
    assert by_session["S3"].members == () and by_session["S3"].leader is None
    assert verify(instance, result) == []


@pytest.mark.parametrize("feasible", [True, False])
def test_result_round_trips_through_json(feasible):
    instance = load(raw_instance(6 if feasible else 2, [session("S1"), session("S2", 1, "V2")]))
    result = solve(instance, Options(time_limit=10, workers=1, deterministic=True))
    assert result.status == ("OPTIMAL" if feasible else "INFEASIBLE")
    again = Result.model_validate_json(result.model_dump_json())
    assert again == result
    assert Result.model_validate_json(result.model_dump_json(indent=1)) == result
    assert result.warnings  # count-only sessions are flagged, and survive the trip
    assert again.warnings == result.warnings


def test_a_rerun_keeps_the_baseline_leaders_of_panels_a_withdrawal_does_not_touch():
    raw = generate("S", 0)
    options = Options(time_limit=30, workers=1, deterministic=True)
    first = solve(load(raw), options)
    panel = next(a for a in first.assignments if len(a.members) >= 3)
    gone = next(e for e in panel.members if e != panel.leader)
    day = next(s["start"][:10] for s in raw["sessions"] if s["id"] == panel.session)
    rerun_raw = copy.deepcopy(raw)
    rerun_raw["baseline"] = [a.model_dump(mode="json") for a in first.assignments]
    for e in rerun_raw["examiners"]:
        if e["id"] == gone:
            e["unavailable"] = [*e.get("unavailable", []), {"start": day, "end": day}]
    rerun = solve(load(rerun_raw), options)
    assert rerun.objective.changes == 1
    before = {a.session: a.leader for a in first.assignments}
    moved = [a.session for a in rerun.assignments if a.leader != before[a.session]]
    # leadership is not part of `changes`; equally fair leaders are chosen to keep the baseline's
    assert moved == []
    assert verify(load(rerun_raw), rerun) == []


def test_a_limit_spent_before_the_model_is_built_ends_the_solve(monkeypatch):
    # On the largest terms the warm start and the model take minutes: a limit that runs out
    # meanwhile ends the solve there, with the warm start's plan when there is one.
    instance = sample("M.json")
    moments: list[float | None] = []
    original = solving.build

    def late(facts, deadline=None):
        moments.append(deadline)
        return original(facts, deadline=0.0)  # as if the clock had passed the limit

    monkeypatch.setattr(solving, "build", late)
    result = solve(instance, Options(time_limit=30))
    assert moments and moments[0] is not None
    assert result.status == "FEASIBLE"
    assert result.assignments and check(instance, result) == []
    assert result.objective.load_squares >= result.bound.load_squares > 0


def test_no_repair_round_starts_past_the_deadline():
    facts = Facts(sample("S.json"))
    relaxed = relax_loads(facts)
    assert repaired_plan(facts, 0, relaxed, deadline=0.0) is None
    assert repaired_plan(facts, 0, relaxed, deadline=None) is not None


def test_after_a_withdrawal_the_refilled_baseline_proves_the_changes_before_the_model():
    # Each seat the withdrawn examiner held goes to someone by a shift that breaks nothing:
    # exactly the unavoidable changes, so the level is proven (and shown so) before the
    # model is built; at L this took the build and a repair window of the model (2.1 s).
    raw = generate("M", 0)
    published = solve(load(raw), Options(time_limit=30, workers=2))
    assert published.status == "OPTIMAL"
    rerun_raw = what_if(raw, published.model_dump(mode="json"), withdrawals=1)
    instance = load(rerun_raw)
    lower = unavoidable_changes(Facts(instance))
    assert lower > 0
    events: list[str | Progress] = []
    original = solving.build

    def build(facts, deadline=None):
        events.append("build")
        return original(facts, deadline=deadline)

    with pytest.MonkeyPatch.context() as m:
        m.setattr(solving, "build", build)
        rerun = solve(instance, Options(time_limit=60, workers=2), events.append)
    first, second = events[:2]
    assert isinstance(first, Progress) and isinstance(second, Progress)
    assert (first.level, second.level) == ("changes", "load_squares")
    assert first.objective.changes == first.bound.changes == lower
    assert events[2] == "build"
    assert rerun.status == "OPTIMAL" and rerun.objective.changes == lower
    assert verify(instance, rerun) == []


def test_when_no_shift_refills_a_seat_the_model_finds_the_fewest_changes():
    # E1 leaves S1. E4-E6 sit on S2 at the same time and E7 may not assess S1's level, so no
    # single shift refills the seat; the model moves one of S2's members over and gives S2
    # E7: two changes against one unavoidable.
    sessions = [session("S1", 0, "V1", level=2), session("S2", 0, "V2")]
    raw = raw_instance(7, sessions)
    raw["examiners"][6] = examiner("E7", qualifications=[{"occupation": "O1", "top_level": 3}])
    raw["baseline"] = [
        {"session": "S1", "leader": "E1", "members": ["E1", "E2", "E3"]},
        {"session": "S2", "leader": "E4", "members": ["E4", "E5", "E6"]},
    ]
    raw["examiners"][0]["unavailable"] = [{"start": "2026-03-02", "end": "2026-03-02"}]
    instance = load(raw)
    facts = Facts(instance)
    assert unavoidable_changes(facts) == 1
    assert refilled_baseline(facts) is None
    result = solve(instance, Options(time_limit=20, workers=2))
    assert result.status == "OPTIMAL" and result.objective.changes == 2
    assert verify(instance, result) == []
