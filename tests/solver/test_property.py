"""Hypothesis: random small valid instances. Every plan the solver returns passes the
independent checker with its claims; on tiny instances the solver's optimum is brute force's."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any

from brute import MAX_EXAMINERS, MAX_SESSIONS, _locally_valid, brute_force, panels
from builders import examiner, history_entry, raw_instance, session
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from solver import relax
from solver.check import check, objective, verify
from solver.facts import Facts
from solver.load import load_instance
from solver.model import build
from solver.objective import evaluate
from solver.schema import Instance, Result
from solver.solve import Options, solve
from solver.warmstart import refilled_baseline, unavoidable_changes

OPTIONS = Options(time_limit=10, workers=1, deterministic=True)
OCCUPATIONS = ("O1", "O2")
VENUES = ("V1", "V2", "V3")
CANDIDATES = tuple(f"C{i}" for i in range(1, 7))
ORGANIZATIONS = ("学校0", "学校1", "单位A", "单位B", "考点单位1")
APPOINTMENTS = (
    {"start": "2025-01-01", "end": "2027-12-31"},
    {"start": "2026-03-03", "end": "2028-12-31"},
    {"start": "2024-01-01", "end": "2026-03-02"},
    {"start": "2023-06-01", "end": "2026-03-04"},
)
AWAY = (
    {"start": "2026-03-02", "end": "2026-03-02"},
    {"start": "2026-03-03", "end": "2026-03-04"},
    {"start": "2026-02-20", "end": "2026-03-01"},
)
SLOTS = ((8, 30, 3 * 60), (10, 0, 120), (13, 30, 3 * 60), (8, 0, 9 * 60), (18, 0, 6 * 60 + 30))
POLICY_CHOICES: dict[str, st.SearchStrategy] = {
    "min_panel_size": st.sampled_from([3, 3, 4]),
    "odd_panel_size": st.booleans(),
    "turnover": st.sampled_from([[1, 3], [1, 2], [2, 3], [1, 1]]),
    "rotation_scope": st.sampled_from(["venue_occupation", "occupation"]),
    "max_consecutive_same_venue": st.integers(1, 3),
    "consecutive_rule": st.sampled_from(["examiner_sequence", "venue_sequence", "both"]),
    "leader_min_experience_days": st.sampled_from([365, 400]),
    "grade_top_level": st.fixed_dictionaries(
        {"examiner": st.integers(2, 4), "senior": st.integers(1, 2)}
    ),
    "recuse_candidate_organization": st.booleans(),
}


def times(day: int, slot: tuple[int, int, int]) -> dict[str, str]:
    """Start and end of a slot on 2026-03-02 + `day` days (the last slot runs past midnight)."""
    hour, minute, length = slot
    start = datetime(2026, 3, 2, hour, minute) + timedelta(days=day)
    end = start + timedelta(minutes=length)
    return {"start": start.isoformat(timespec="minutes"), "end": end.isoformat(timespec="minutes")}


DEFECTS: dict[str, st.SearchStrategy] = {
    # field: values that keep an examiner off some seats (or only change what they may do)
    "grade": st.just("examiner"),
    "status": st.sampled_from(["suspended", "revocation_pending", "revoked"]),
    "organization": st.sampled_from(ORGANIZATIONS),
    "assessing_since": st.sampled_from([None, "2025-03-02", "2025-06-01"]),
    "leader_eligible": st.just(False),
    "qualifications": st.lists(
        st.fixed_dictionaries(
            {"occupation": st.sampled_from(OCCUPATIONS), "top_level": st.integers(1, 5)}
        ),
        max_size=2,
    ),
    "appointments": st.lists(st.sampled_from(APPOINTMENTS), max_size=2, unique_by=str),
    "unavailable": st.lists(st.sampled_from(AWAY), min_size=1, max_size=2),
    "certified_until": st.sampled_from(["2026-03-02", "2026-03-03", "2027-01-01"]),
    "max_sessions": st.integers(0, 2),
}


@st.composite
def examiners(draw: st.DrawFn, n: int) -> list[dict[str, Any]]:
    """Examiners E1..En: able to serve anywhere, each with zero to two random defects."""
    out = []
    for i in range(1, n + 1):
        quals = [{"occupation": o, "top_level": draw(st.integers(1, 3))} for o in OCCUPATIONS]
        defects = draw(st.lists(st.sampled_from(sorted(DEFECTS)), max_size=2, unique=True))
        over = {"qualifications": quals} | {key: draw(DEFECTS[key]) for key in defects}
        out.append(examiner(f"E{i}", **over))
    return out


@st.composite
def planned(draw: st.DrawFn, k: int, venues: int) -> list[dict[str, Any]]:
    """Sessions S1..Sk on a few days at the first `venues` venues; slots may overlap."""
    out = []
    for i in range(1, k + 1):
        over: dict[str, Any] = {
            "occupation": draw(st.sampled_from(OCCUPATIONS)),
            "level": draw(st.sampled_from([2, 3, 3, 4, 5])),
            **times(draw(st.integers(0, 2)), draw(st.sampled_from(SLOTS))),
        }
        if draw(st.booleans()):
            over["candidate_count"] = None
            over["candidates"] = draw(
                st.lists(st.sampled_from(CANDIDATES), max_size=4, unique=True)
            )
        else:
            over["candidate_count"] = draw(st.sampled_from([0, 3, 3, 12, 16]))
        if draw(st.integers(0, 5)) == 0:
            over["modules"] = draw(st.integers(1, 5))
        if draw(st.integers(0, 5)) == 0:
            over["panel_size"] = draw(st.integers(3, 4))
        out.append(session(f"S{i}", venue=draw(st.sampled_from(VENUES[:venues])), **over))
    return out


@st.composite
def past(draw: st.DrawFn, ids: list[str]) -> list[dict[str, Any]]:
    """Up to three served sessions before (or on) the first planned day."""
    out = []
    for i in range(1, draw(st.integers(0, 3)) + 1):
        members = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
        over = times(draw(st.integers(-3, 0)), draw(st.sampled_from(SLOTS)))
        entry = history_entry(
            f"H{i}",
            0,
            " ".join(members),
            venue=draw(st.sampled_from(VENUES)),
            occupation=draw(st.sampled_from(OCCUPATIONS)),
            **over,
        )
        out.append(entry)
    return out


@st.composite
def instances(draw: st.DrawFn, max_examiners: int = 6, max_sessions: int = 4) -> dict[str, Any]:
    """A random valid raw instance, with locks only on seats their examiner may hold."""
    n = draw(st.integers(2, max_examiners) | st.integers(max_examiners - 1, max_examiners))
    k = draw(st.integers(1, max_sessions))
    ids = [f"E{i}" for i in range(1, n + 1)]
    raw = raw_instance(n, draw(planned(k, draw(st.integers(1, 3)))))
    raw["examiners"] = draw(examiners(n))
    raw["occupations"].append({"code": "O2", "name": "钳工", "candidates_per_examiner": 4})
    raw["candidates"] = [
        {"id": c, "organization": draw(st.sampled_from([None, *ORGANIZATIONS]))} for c in CANDIDATES
    ]
    raw["venues"][1]["organization"] = "学校1"
    raw["policy"] = {
        key: draw(choice) for key, choice in POLICY_CHOICES.items() if draw(st.integers(0, 2)) == 0
    }
    if draw(st.integers(0, 2)) == 0:
        raw["policy"]["allow_unfilled"] = True
    for _ in range(draw(st.integers(0, 3))):
        target = draw(
            st.one_of(
                st.fixed_dictionaries({"candidate": st.sampled_from(CANDIDATES)}),
                st.fixed_dictionaries({"organization": st.sampled_from(ORGANIZATIONS)}),
            )
        )
        kind = draw(st.sampled_from(["relative", "teacher_student", "master_apprentice", "interest"]))  # fmt: skip
        raw["conflicts"].append({"examiner": draw(st.sampled_from(ids)), "kind": kind, **target})
    raw["history"] = draw(past(ids))
    for s in raw["sessions"]:
        if draw(st.integers(0, 3)) == 0:
            members = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=4, unique=True))
            lead = draw(st.sampled_from([None, *members]))
            raw["baseline"].append({"session": s["id"], "leader": lead, "members": members})
    raw["locks"] = draw(locks(raw))
    return raw


@st.composite
def locks(draw: st.DrawFn, raw: dict[str, Any]) -> list[dict[str, Any]]:
    """Zero to two locks, each on a seat its examiner is eligible for, one leader per session."""
    facts = Facts(load_instance(copy.deepcopy(raw))[0])
    out: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(0, 2))):
        s = draw(st.sampled_from(raw["sessions"]))["id"]
        leaders = facts.can_lead[s] if all(x["session"] != s for x in out) else []
        role = draw(st.sampled_from(["member", "leader"])) if leaders else "member"
        pool = leaders if role == "leader" else facts.eligible[s]
        if pool:
            out.append({"session": s, "examiner": draw(st.sampled_from(pool)), "role": role})
    return out


def loaded(raw: dict[str, Any]) -> Instance:
    instance, _ = load_instance(copy.deepcopy(raw))
    return instance


# Random instances are filtered (too many plans for brute force, infeasible ones): that is
# the point, not a slow generator; solves are timed by their own limits, not hypothesis.
PROPERTY = settings(
    deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)


def tiny_optimum(raw: dict[str, Any]) -> tuple[Instance, tuple[int, int, int, int] | None]:
    """Load a tiny instance small enough for brute force and return its brute-force optimum."""
    instance = loaded(raw)
    assume(plans_to_try(instance) <= 20_000)
    best, _ = brute_force(instance)
    return instance, best


def plans_to_try(instance: Instance) -> int:
    """How many plans brute force will enumerate (panels valid on their own, multiplied)."""
    count = 1
    for s in instance.sessions:
        count *= sum(1 for p in panels(instance, s) if _locally_valid(instance, p))
    return count


@settings(PROPERTY, max_examples=300)
@given(raw=instances())
def test_every_plan_the_solver_returns_passes_the_checker(raw):
    instance = loaded(raw)
    result = solve(instance, OPTIONS)
    event(result.status)
    assert result.status in ("OPTIMAL", "INFEASIBLE")  # tiny: proofs finish
    if result.status == "OPTIMAL":
        assert verify(instance, result) == []
        assert len(result.assignments) == len(instance.sessions)
    else:
        assert result.assignments == [] and result.diagnostics
        # the diagnostics name at least one planned session a planner can act on
        assert {d.session for d in result.diagnostics} & {s.id for s in instance.sessions}


@settings(PROPERTY, max_examples=250)
@given(raw=instances(max_examiners=MAX_EXAMINERS, max_sessions=MAX_SESSIONS))
def test_solver_optimum_equals_brute_force_on_tiny_instances(raw):
    instance, best = tiny_optimum(raw)
    result = solve(instance, OPTIONS)
    event(result.status)
    if best is None:
        assert result.status == "INFEASIBLE"
    else:
        assert result.status == "OPTIMAL"
        assert result.objective.as_tuple() == best
        assert verify(instance, result) == []


@settings(PROPERTY, max_examples=80)
@given(raw=instances(max_examiners=MAX_EXAMINERS, max_sessions=MAX_SESSIONS))
def test_lp_and_mip_bounds_never_pass_the_brute_force_optimum(raw):
    # A bound above the optimum would end a level early with a plan that is not optimal.
    instance, best = tiny_optimum(raw)
    assume(best is not None and not instance.policy.allow_unfilled)
    assert best is not None
    built = build(Facts(instance))
    for level, value in zip(("unfilled", "changes"), best, strict=False):
        earlier = built.term(level)  # the levels before, at their optimum (a baseline's changes)
        if not earlier.trivial:
            built.model.add(earlier.expr <= value)
    load = built.term("load_squares")
    program = relax.Program(built, load)
    assert (program.lp_bound(None) or 0) <= best[2]
    bound, plan = program.mip(30)
    assert bound is not None and bound <= best[2]
    assert plan is not None  # tiny: the MIP finds the optimum
    assert evaluate(built.v, lambda lit: plan[lit.index])["load_squares"] == best[2]
    built.model.add(load.expr <= best[2])
    lead = built.term("leader_squares")
    assert (relax.Program(built, lead).lp_bound(None) or 0) <= best[3]


@settings(PROPERTY, max_examples=100)
@given(raw=instances(max_examiners=MAX_EXAMINERS, max_sessions=MAX_SESSIONS))
def test_wall_clock_mode_with_the_lp_and_mip_engine_equals_brute_force(raw):
    # Deterministic mode skips the engine beside CP-SAT; this runs it (one CP-SAT worker).
    instance, best = tiny_optimum(raw)
    result = solve(instance, Options(time_limit=30, workers=1))
    event(result.status)
    if best is None:
        assert result.status == "INFEASIBLE"
    else:
        assert result.status == "OPTIMAL"
        assert result.objective.as_tuple() == best
        assert verify(instance, result) == []


@settings(PROPERTY, max_examples=150)
@given(raw=instances(max_examiners=MAX_EXAMINERS, max_sessions=MAX_SESSIONS), data=st.data())
def test_a_refilled_baseline_changes_only_the_seats_it_must(raw, data):
    # A plan published, then one of its examiners withdrawn for the whole term: where every
    # lost seat is refilled by a shift (`refilled_baseline`), the plan passes every rule and
    # its changes are brute force's fewest; the solve proves the same vector either way.
    assume(not loaded(raw).policy.allow_unfilled)
    published = solve(loaded(raw), OPTIONS)
    assume(published.status == "OPTIMAL")
    seated = sorted({e for a in published.assignments for e in a.members})
    gone = data.draw(st.sampled_from(seated))
    rerun = copy.deepcopy(raw)
    rerun["baseline"] = [a.model_dump(mode="json") for a in published.assignments]
    rerun["locks"] = [lock for lock in rerun["locks"] if lock["examiner"] != gone]
    days = [d for s in raw["sessions"] for d in (s["start"][:10], s["end"][:10])]
    for e in rerun["examiners"]:
        if e["id"] == gone:
            e["unavailable"] = [{"start": min(days), "end": max(days)}]
    instance, best = tiny_optimum(rerun)
    facts = Facts(instance)
    refilled = refilled_baseline(facts)
    if refilled is not None:
        assert best is not None
        assert check(instance, Result(status="FEASIBLE", assignments=refilled)) == []
        assert objective(instance, refilled).changes == unavoidable_changes(facts) == best[1]
    result = solve(instance, Options(time_limit=30, workers=1))
    event(f"refilled: {refilled is not None}")
    if best is None:
        assert result.status == "INFEASIBLE"
    else:
        assert result.status == "OPTIMAL" and result.objective.as_tuple() == best
