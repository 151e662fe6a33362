"""Tests for the instance generator `data.generate` and its scenarios."""

import json
import random
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from data.eligibility import Roster, add_years, session_days
from data.generate import SIZES, generate, generate_custom, infeasible, main, what_if
from data.staffing import Staffer

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
KINDS = {"relative", "teacher_student", "master_apprentice", "interest"}


@pytest.fixture(scope="module")
def instances() -> dict[str, dict]:
    """Generate S, M and L once for the whole module."""
    return {size: generate(size, 0) for size in ("S", "M", "L")}


def greedy_result(instance: dict) -> dict:
    """Staff the instance greedily into a `panel-result/1`-shaped dict."""
    roster = Roster(instance)
    staffer = Staffer(roster.policy, roster.can_lead, random.Random(0))
    for h in instance["history"]:
        staffer.record(h["session"], h["leader"], h["members"])
    assignments = []
    for s in sorted(instance["sessions"], key=lambda s: (s["start"], s["id"])):
        panel = staffer.place(s, roster.pool(s), roster.size(s))
        assignments.append(panel or {"session": s["id"], "leader": None, "members": []})
    return {"format": "panel-result/1", "status": "FEASIBLE", "assignments": assignments}


def test_same_seed_gives_identical_instance(instances):
    assert generate("S", 0) == instances["S"]
    assert generate("M", 0) == instances["M"]


def test_other_seed_gives_other_instance(instances):
    assert generate("S", 1) != instances["S"]


@pytest.mark.parametrize("size", ["S", "M", "L"])
def test_named_size_has_named_counts(instances, size):
    instance, expected = instances[size], SIZES[size]
    assert instance["format"] == "panel-instance/1"
    assert len(instance["examiners"]) == expected.examiners
    assert len(instance["sessions"]) == expected.sessions
    assert len(instance["venues"]) == expected.venues
    first, last = (
        min(s["start"] for s in instance["sessions"]),
        max(s["end"] for s in instance["sessions"]),
    )
    weeks = (date.fromisoformat(last[:10]) - date.fromisoformat(first[:10])).days / 7
    assert expected.weeks - 1 <= weeks < expected.weeks


def test_xl_has_named_counts():
    instance = generate("XL", 0)
    assert len(instance["examiners"]) == 1000
    assert len(instance["sessions"]) == 2500
    assert len(instance["venues"]) == 40


@pytest.mark.parametrize("size", ["S", "M", "L"])
def test_every_reference_is_known(instances, size):
    instance = instances[size]
    examiners = {e["id"] for e in instance["examiners"]}
    candidates = {c["id"] for c in instance["candidates"]}
    venues = {v["id"] for v in instance["venues"]}
    occupations = {o["code"] for o in instance["occupations"]}
    orgs = {c["organization"] for c in instance["candidates"]}
    orgs |= {e["organization"] for e in instance["examiners"]}
    orgs |= {v["organization"] for v in instance["venues"]}
    for e in instance["examiners"]:
        assert {q["occupation"] for q in e["qualifications"]} <= occupations
    for s in instance["sessions"]:
        assert s["venue"] in venues and s["occupation"] in occupations
        assert set(s.get("candidates", ())) <= candidates
    for c in instance["conflicts"]:
        assert c["examiner"] in examiners and c["kind"] in KINDS
        assert c["candidate"] in candidates if "candidate" in c else c["organization"] in orgs
    for h in instance["history"]:
        assert h["session"]["venue"] in venues and h["session"]["occupation"] in occupations
        assert h["leader"] in h["members"] and set(h["members"]) <= examiners


@pytest.mark.parametrize("size", ["S", "M", "L"])
def test_ids_are_unique(instances, size):
    instance = instances[size]
    for key in ("examiners", "candidates", "sessions", "venues"):
        ids = [x["id"] for x in instance[key]]
        assert len(ids) == len(set(ids)), key
    history = [h["session"]["id"] for h in instance["history"]]
    assert len(history) == len(set(history))
    assert not set(history) & {s["id"] for s in instance["sessions"]}


@pytest.mark.parametrize("size", ["S", "M", "L"])
def test_appointment_terms_are_under_three_years(instances, size):
    for e in instances[size]["examiners"]:
        for a in e["appointments"]:
            start, end = date.fromisoformat(a["start"]), date.fromisoformat(a["end"])
            assert start <= end < add_years(start, 3)


def test_examiners_vary_as_in_practice(instances):
    examiners = instances["M"]["examiners"]
    statuses = Counter(e["status"] for e in examiners)
    assert 0.93 <= statuses["active"] / len(examiners) < 1
    assert 0.2 <= sum(e["grade"] == "senior" for e in examiners) / len(examiners) <= 0.4
    assert any(e.get("max_sessions") for e in examiners)
    assert any(e["unavailable"] for e in examiners)
    assert any(len(e["appointments"]) > 1 for e in examiners)


def test_conflicts_of_every_kind_at_m(instances):
    conflicts = instances["M"]["conflicts"]
    assert {c["kind"] for c in conflicts if "candidate" in c} == KINDS
    assert any("organization" in c for c in conflicts)
    assert any("since" in c for c in conflicts)


@pytest.mark.parametrize("size", ["S", "M", "L"])
def test_sessions_keep_working_hours(instances, size):
    for s in instances[size]["sessions"]:
        first, last = session_days(s["start"], s["end"])
        assert date.fromisoformat(first).weekday() < 5 and date.fromisoformat(last).weekday() < 5
        assert (s["start"][11:], s["end"][11:]) in {
            ("08:30", "11:30"),
            ("13:30", "16:30"),
            ("09:00", "16:00"),
        }
        assert s["level"] in range(1, 6)


def test_panels_are_mostly_three_to_five(instances):
    roster = Roster(instances["M"])
    sizes = Counter(roster.size(s) for s in instances["M"]["sessions"])
    assert min(sizes) >= 3 and max(sizes) <= 7
    assert (sizes[3] + sizes[5]) / sum(sizes.values()) > 0.85


@pytest.mark.parametrize("size", ["S", "M", "L"])
def test_every_session_has_a_comfortable_pool(instances, size):
    roster = Roster(instances[size])
    for s in instances[size]["sessions"]:
        pool = roster.pool(s)
        assert len(pool) >= 2 * roster.size(s) + 1, s["id"]
        assert sum(roster.can_lead(e, s["start"][:10]) for e in pool) >= 2, s["id"]


def test_history_ends_before_the_horizon(instances):
    instance = instances["M"]
    first = min(s["start"] for s in instance["sessions"])
    assert instance["history"]
    assert all(h["session"]["end"] <= first for h in instance["history"])


def test_greedy_staffs_every_session_of_s(instances):
    result = greedy_result(instances["S"])
    assert all(a["members"] for a in result["assignments"])


def test_samples_on_disk_are_seed_zero(instances):
    for size in ("S", "M"):
        on_disk = json.loads((SAMPLES / f"{size}.json").read_text(encoding="utf-8"))
        assert on_disk == instances[size], size


def test_custom_counts():
    instance = generate_custom(60, 40, 8, seed=3)
    assert (len(instance["examiners"]), len(instance["sessions"])) == (60, 40)


def test_what_if_withdraws_a_busy_examiner(instances):
    instance = instances["S"]
    result = greedy_result(instance)
    derived = what_if(instance, result, withdrawals=1, seed=0)
    assert derived["baseline"] == [a for a in result["assignments"] if a["members"]]
    assert [e["id"] for e in derived["examiners"]] == [e["id"] for e in instance["examiners"]]
    changed = [
        (old, new)
        for old, new in zip(instance["examiners"], derived["examiners"], strict=True)
        if old != new
    ]
    assert len(changed) == 1
    old, new = changed[0]
    period = new["unavailable"][-1]
    assert period["start"] <= min(s["start"][:10] for s in instance["sessions"])
    assert period["end"] >= max(s["end"][:10] for s in instance["sessions"])
    load = Counter(e for a in result["assignments"] for e in a["members"])
    assert load[old["id"]] >= sorted(load.values())[-5]
    assert instance["baseline"] == []


@pytest.mark.parametrize("how", ["panel_size", "conflicts"])
def test_infeasible_leaves_one_session_short(instances, how):
    derived, culprit = infeasible(instances["S"], seed=1, how=how)
    roster = Roster(derived)
    short = [s["id"] for s in derived["sessions"] if len(roster.pool(s)) < roster.size(s)]
    assert short == [culprit]
    assert instances["S"]["conflicts"] != derived["conflicts"] or how == "panel_size"


def test_cli_writes_the_instance(tmp_path, instances):
    target = tmp_path / "s.json"
    assert main(["S", "--seed", "0", "-o", str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8")) == instances["S"]
    assert "考点" in target.read_text(encoding="utf-8")


def test_a_large_one_site_term_is_generated():
    # 600 sessions at one venue leave days where it already holds three at once: the
    # generator used to stop there ("unreachable"); a large site has more rooms.
    from data.shapes import generate_shape
    from solver.load import load_instance

    raw = generate_shape("one-site", "L", 0)
    load_instance(raw)  # valid: an earlier term ending 28 Feb 2024 was a day over three years
    assert len(raw["sessions"]) == 600 and len({s["venue"] for s in raw["sessions"]}) == 1
    assert raw == generate_shape("one-site", "L", 0)
    for day, group in Counter((s["start"], s["occupation"]) for s in raw["sessions"]).items():
        assert group == 1, day  # never two sessions of one lineage at the same start
