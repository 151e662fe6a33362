"""The CP-SAT solver, rule by rule (SPEC 4.2-4.3): for every hard rule and policy variant, a
feasible instance where the rule changes what the solver may do, solved to a plan the
independent checker accepts, and an infeasible one whose diagnostics name the culprit."""

from __future__ import annotations

from typing import Any

import pytest
from builders import examiner, history_entry, load, raw_instance, second_occupation, session

from solver.check import check, verify
from solver.schema import Result
from solver.solve import Options, solve

OPTIONS = Options(time_limit=20, workers=1, deterministic=True)


def solved(raw: dict[str, Any]) -> Result:
    """Solve a raw instance that must be feasible: proven optimal, every rule and claim holds."""
    instance = load(raw)
    result = solve(instance, OPTIONS)
    assert result.status == "OPTIMAL", [d.line() for d in result.diagnostics]
    assert check(instance, result) == []
    assert verify(instance, result) == []
    return result


def infeasible(raw: dict[str, Any]) -> Result:
    """Solve a raw instance that must be infeasible: no plan, some diagnostics."""
    result = solve(load(raw), OPTIONS)
    assert result.status == "INFEASIBLE"
    assert result.assignments == []
    assert result.diagnostics
    return result


def members(result: Result, sid: str) -> set[str]:
    return next(set(a.members) for a in result.assignments if a.session == sid)


def leader(result: Result, sid: str) -> str | None:
    return next(a.leader for a in result.assignments if a.session == sid)


def named(result: Result) -> set[str]:
    """Sessions the diagnostics name."""
    return {d.session for d in result.diagnostics if d.session}


def rules(result: Result) -> set[str]:
    """Rules the diagnostics name ("H1+H5" counts as both)."""
    return {r for d in result.diagnostics for r in d.rule.split("+")}


def only(result: Result, rule: str, sid: str) -> None:
    """The cheap counts found it: one diagnostic, for `rule` on `sid`, naming the session."""
    assert [(d.rule, d.session) for d in result.diagnostics] == [(rule, sid)]
    assert sid in result.diagnostics[0].message


def examiners(n: int, **changes: dict[str, Any]) -> list[dict[str, Any]]:
    """Examiners E1..En; `changes` maps an id to its changed fields."""
    return [examiner(f"E{i}", **changes.get(f"E{i}", {})) for i in range(1, n + 1)]


def everyone(n: int, **over: Any) -> list[dict[str, Any]]:
    """Examiners E1..En, all changed the same way."""
    return [examiner(f"E{i}", **over) for i in range(1, n + 1)]


def baseline(sid: str, panel: str) -> dict[str, Any]:
    names = panel.split()
    return {"session": sid, "leader": names[0], "members": names}


def lock(sid: str, eid: str, role: str = "member") -> dict[str, Any]:
    return {"session": sid, "examiner": eid, "role": role}


# ----- H1 size (odd_panel_size, min_panel_size, allow_unfilled) -----------------------

SIZES = [
    # (session changes, policy, required size)
    ({}, {}, 3),
    ({"candidate_count": 16}, {}, 5),
    ({"candidate_count": 16}, {"odd_panel_size": False}, 4),
    ({"modules": 4}, {}, 5),
    ({"modules": 4}, {"odd_panel_size": False}, 4),
    ({"panel_size": 4}, {}, 4),
    ({}, {"min_panel_size": 4}, 5),
    ({}, {"min_panel_size": 4, "odd_panel_size": False}, 4),
]


@pytest.mark.parametrize(("over", "policy", "size"), SIZES)
def test_h1_panel_has_exactly_the_required_size(over, policy, size):
    result = solved(raw_instance(7, [session("S1", **over)], policy=policy))
    assert len(members(result, "S1")) == size
    assert leader(result, "S1") in members(result, "S1")


@pytest.mark.parametrize(("over", "policy", "size"), SIZES)
def test_h1_one_examiner_short_is_infeasible(over, policy, size):
    result = infeasible(raw_instance(size - 1, [session("S1", **over)], policy=policy))
    only(result, "H1", "S1")
    assert f"需要 {size} 名" in result.diagnostics[0].message


@pytest.mark.parametrize("odd", [True, False])
def test_h1_odd_panel_size_decides_whether_four_examiners_suffice(odd):
    raw = raw_instance(4, [session("S1", candidate_count=16)], policy={"odd_panel_size": odd})
    if odd:
        only(infeasible(raw), "H1", "S1")
    else:
        assert members(solved(raw), "S1") == {"E1", "E2", "E3", "E4"}


def test_h1_allow_unfilled_leaves_seats_empty_and_lists_them():
    overlapping = session("S2", venue="V2", start="2026-03-02T09:00")
    raw = raw_instance(4, [session("S1"), overlapping], policy={"allow_unfilled": True})
    result = solved(raw)
    assert result.objective.unfilled == 2
    assert sum(u.seats for u in result.unfilled) == 2
    assert sorted(len(members(result, s)) for s in ("S1", "S2")) in ([1, 3], [2, 2])
    for sid in ("S1", "S2"):
        assert leader(result, sid) in members(result, sid)


@pytest.mark.parametrize(("n", "size"), [(2, 3), (3, 4), (4, 5), (5, 7)])
def test_h1_allow_unfilled_leaves_exactly_the_missing_seats_empty(n, size):
    raw = raw_instance(n, [session("S1", panel_size=size)], policy={"allow_unfilled": True})
    result = solved(raw)
    assert len(members(result, "S1")) == n
    assert result.objective.unfilled == size - n
    assert [(u.session, u.seats) for u in result.unfilled] == [("S1", size - n)]


def test_h1_allow_unfilled_fills_every_seat_it_can():
    raw = raw_instance(6, [session("S1"), session("S2", 1, "V2")], policy={"allow_unfilled": True})
    result = solved(raw)
    assert result.objective.unfilled == 0 and result.unfilled == []


def test_h1_allow_unfilled_does_not_undo_locks():
    # E1 is locked into two overlapping sessions: no empty seat can make that possible.
    overlapping = session("S2", venue="V2", start="2026-03-02T09:00")
    raw = raw_instance(
        6,
        [session("S1"), overlapping],
        policy={"allow_unfilled": True},
        locks=[lock("S1", "E1"), lock("S2", "E1")],
    )
    result = infeasible(raw)
    assert named(result) & {"S1", "S2"}
    assert "H5" in rules(result) or "H8" in rules(result)


def test_h1_allow_unfilled_diagnostics_do_not_blame_a_session_that_may_stay_empty():
    # S1 has eligible examiners but none may lead it: with allow_unfilled it simply stays
    # empty. The instance is infeasible only because E1 is locked into overlapping S2 and S3.
    exs = examiners(6, **{f"E{i}": {"leader_eligible": False} for i in range(2, 7)})
    exs[0]["unavailable"] = [{"start": "2026-03-04", "end": "2026-03-04"}]
    sessions = [
        session("S1", 2, "V3"),
        session("S2"),
        session("S3", venue="V2", start="2026-03-02T09:00"),
    ]
    raw = raw_instance(6, sessions, policy={"allow_unfilled": True}, examiners=exs)
    raw["locks"] = [lock("S2", "E1"), lock("S3", "E1")]
    result = infeasible(raw)
    assert named(result) & {"S2", "S3"}, [d.line() for d in result.diagnostics]
    assert "S1" not in named(result)


# ----- H2 leader (leader_eligible, experience, leader_min_experience_days) -------------

NOT_A_LEADER = [
    # (case, change to every examiner but E3, policy)
    ("not leader-eligible", {"leader_eligible": False}, {}),
    ("no experience date", {"assessing_since": None}, {}),
    ("364 days of experience", {"assessing_since": "2025-03-03"}, {}),
    ("394 days, policy asks 400", {"assessing_since": "2025-02-01"}, {"leader_min_experience_days": 400}),
]  # fmt: skip


@pytest.mark.parametrize(("case", "over", "policy"), NOT_A_LEADER, ids=[c[0] for c in NOT_A_LEADER])
def test_h2_only_the_one_who_may_lead_leads(case, over, policy):
    exs = [examiner(f"E{i}", **({} if i == 3 else over)) for i in range(1, 5)]
    result = solved(raw_instance(4, examiners=exs, policy=policy))
    assert leader(result, "S1") == "E3"
    assert "E3" in members(result, "S1")


@pytest.mark.parametrize(("case", "over", "policy"), NOT_A_LEADER, ids=[c[0] for c in NOT_A_LEADER])
def test_h2_nobody_may_lead_is_infeasible(case, over, policy):
    result = infeasible(raw_instance(4, examiners=everyone(4, **over), policy=policy))
    only(result, "H2", "S1")


def test_h2_experience_is_counted_to_the_start_date():
    # exactly 365 days before 2026-03-02 is enough
    exs = [examiner(f"E{i}", assessing_since="2025-03-02" if i == 1 else None) for i in range(1, 5)]
    assert leader(solved(raw_instance(4, examiners=exs)), "S1") == "E1"


def test_h2_the_only_leader_leads_everything_against_leader_squares():
    exs = examiners(6, **{f"E{i}": {"leader_eligible": False} for i in range(2, 7)})
    raw = raw_instance(6, [session("S1"), session("S2", 1, "V2")], examiners=exs)
    result = solved(raw)
    assert leader(result, "S1") == leader(result, "S2") == "E1"
    assert result.objective.leader_squares == 4


# ----- H3 eligibility (status, appointment, certificate, availability, qualification, grade) --

TWO_DAYS = {"start": "2026-03-02T08:30", "end": "2026-03-03T12:00"}
INELIGIBLE = [
    # (case, change to E1, session changes, policy)
    ("suspended", {"status": "suspended"}, {}, {}),
    ("revocation pending", {"status": "revocation_pending"}, {}, {}),
    ("revoked", {"status": "revoked"}, {}, {}),
    ("appointment ended the day before", {"appointments": [{"start": "2024-01-01", "end": "2026-03-01"}]}, {}, {}),
    ("no appointment", {"appointments": []}, {}, {}),
    ("back-to-back appointments do not join", {"appointments": [{"start": "2024-03-03", "end": "2026-03-02"}, {"start": "2026-03-03", "end": "2027-12-31"}]}, TWO_DAYS, {}),
    ("certificate expired", {"certified_until": "2026-03-01"}, {}, {}),
    ("certificate expires mid-session", {"certified_until": "2026-03-02"}, TWO_DAYS, {}),
    ("unavailable that day", {"unavailable": [{"start": "2026-03-02", "end": "2026-03-02"}]}, {}, {}),
    ("unavailable on the second day", {"unavailable": [{"start": "2026-03-03", "end": "2026-03-09"}]}, TWO_DAYS, {}),
    ("not qualified for the occupation", {"qualifications": []}, {}, {}),
    ("qualified down to level 4 only", {"qualifications": [{"occupation": "O1", "top_level": 4}]}, {}, {}),
    ("examiner grade, level 2", {"grade": "examiner"}, {"level": 2}, {}),
    ("custom grade_top_level: examiners 4-5 only", {"grade": "examiner"}, {}, {"grade_top_level": {"examiner": 4, "senior": 1}}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "change", "over", "policy"), INELIGIBLE, ids=[c[0] for c in INELIGIBLE]
)
def test_h3_ineligible_examiner_is_left_out(case, change, over, policy):
    raw = raw_instance(4, [session("S1", **over)], examiners=examiners(4, E1=change))
    raw["policy"] = policy
    assert members(solved(raw), "S1") == {"E2", "E3", "E4"}


@pytest.mark.parametrize(
    ("case", "change", "over", "policy"), INELIGIBLE, ids=[c[0] for c in INELIGIBLE]
)
def test_h3_ineligible_examiner_makes_three_too_few(case, change, over, policy):
    raw = raw_instance(3, [session("S1", **over)], examiners=examiners(3, E1=change))
    raw["policy"] = policy
    result = infeasible(raw)
    only(result, "H3", "S1")
    assert "E1" in result.diagnostics[0].message


@pytest.mark.parametrize(
    ("grade", "level", "grade_top_level", "feasible"),
    [
        ("examiner", 2, None, False),
        ("examiner", 2, {"examiner": 2, "senior": 1}, True),
        ("examiner", 3, {"examiner": 4, "senior": 1}, False),
        ("senior", 1, None, True),
        ("senior", 1, {"examiner": 3, "senior": 2}, False),
        ("senior", 2, {"examiner": 3, "senior": 2}, True),
    ],
)
def test_h3_custom_grade_top_level(grade, level, grade_top_level, feasible):
    policy = {} if grade_top_level is None else {"grade_top_level": grade_top_level}
    exs = everyone(3, grade=grade)
    raw = raw_instance(3, [session("S1", level=level)], examiners=exs, policy=policy)
    if feasible:
        assert members(solved(raw), "S1") == {"E1", "E2", "E3"}
    else:
        only(infeasible(raw), "H3", "S1")


# ----- H4 recusal (recuse_candidate_organization on/off) --------------------------------

LISTED = {"candidate_count": None, "candidates": ["C1", "C2"]}  # C1: 学校1, C2: 学校0
RECUSALS = [
    # (case, conflict of E1 or None, E1's organisation or None, session changes)
    ("conflict with a candidate", {"candidate": "C1"}, None, LISTED),
    ("conflict with a candidate's organisation", {"organization": "学校1"}, None, LISTED),
    ("conflict with the venue's organisation", {"organization": "考点单位1"}, None, {}),
    ("same organisation as a candidate", None, "学校0", LISTED),
]


def _recusal(n: int, conflict: dict | None, org: str | None, over: dict, recuse: bool = True):
    exs = examiners(n, E1={"organization": org} if org else {})
    raw = raw_instance(n, [session("S1", **over)], examiners=exs)
    raw["policy"] = {"recuse_candidate_organization": recuse}
    if conflict:
        raw["conflicts"] = [{"examiner": "E1", "kind": "relative", **conflict}]
    return raw


@pytest.mark.parametrize(
    ("case", "conflict", "org", "over"), RECUSALS, ids=[c[0] for c in RECUSALS]
)
def test_h4_conflicted_examiner_is_left_out(case, conflict, org, over):
    assert members(solved(_recusal(4, conflict, org, over)), "S1") == {"E2", "E3", "E4"}


@pytest.mark.parametrize(
    ("case", "conflict", "org", "over"), RECUSALS, ids=[c[0] for c in RECUSALS]
)
def test_h4_conflicted_examiner_makes_three_too_few(case, conflict, org, over):
    result = infeasible(_recusal(3, conflict, org, over))
    only(result, "H4", "S1")
    assert "E1" in result.diagnostics[0].message


def test_h4_same_organisation_is_allowed_when_recusal_by_organisation_is_off():
    result = solved(_recusal(3, None, "学校0", LISTED, recuse=False))
    assert members(result, "S1") == {"E1", "E2", "E3"}


def test_h4_conflicts_still_apply_when_recusal_by_organisation_is_off():
    only(infeasible(_recusal(3, {"candidate": "C1"}, None, LISTED, recuse=False)), "H4", "S1")


# ----- H5 no double booking (history, max_sessions) -------------------------------------

OVERLAPPING = {"venue": "V2", "start": "2026-03-02T10:00", "end": "2026-03-02T12:00"}


def test_h5_overlapping_sessions_get_disjoint_panels():
    result = solved(raw_instance(6, [session("S1"), session("S2", **OVERLAPPING)]))
    assert not members(result, "S1") & members(result, "S2")


def test_h5_touching_sessions_may_share_a_panel():
    touching = session("S2", venue="V2", start="2026-03-02T11:30", end="2026-03-02T14:00")
    result = solved(raw_instance(3, [session("S1"), touching]))
    assert members(result, "S1") == members(result, "S2") == {"E1", "E2", "E3"}


def test_h5_overlapping_sessions_with_five_examiners_are_infeasible():
    result = infeasible(raw_instance(5, [session("S1"), session("S2", **OVERLAPPING)]))
    assert named(result) & {"S1", "S2"}
    assert "H5" in rules(result)


def test_h5_history_session_blocks_an_overlapping_one():
    past = history_entry("H1", 0, "E1 E2 E3", **OVERLAPPING)
    result = solved(raw_instance(6, history=[past]))
    assert members(result, "S1") == {"E4", "E5", "E6"}


def test_h5_history_session_overlap_is_infeasible_when_nobody_else_is_left():
    past = history_entry("H1", 0, "E1 E2 E3", **OVERLAPPING)
    result = infeasible(raw_instance(5, history=[past]))
    assert "S1" in named(result)
    assert "H5" in rules(result)


def test_h5_max_sessions_caps_planned_sessions():
    exs = examiners(4, E1={"max_sessions": 1}, E2={"max_sessions": 1})
    result = solved(raw_instance(4, [session("S1"), session("S2", 1, "V2")], examiners=exs))
    assert members(result, "S1") & members(result, "S2") == {"E3", "E4"}
    assert {"E1", "E2"} == (members(result, "S1") | members(result, "S2")) - {"E3", "E4"}


def test_h5_max_sessions_zero_never_serves():
    result = solved(raw_instance(4, examiners=examiners(4, E1={"max_sessions": 0})))
    assert members(result, "S1") == {"E2", "E3", "E4"}


def test_h5_max_sessions_ignores_history():
    exs = examiners(3, E1={"max_sessions": 1})
    raw = raw_instance(3, examiners=exs, history=[history_entry("H1", -1, "E1", venue="V2")])
    assert "E1" in members(solved(raw), "S1")


def test_h5_max_sessions_too_low_is_infeasible():
    exs = examiners(3, E1={"max_sessions": 1})
    result = infeasible(raw_instance(3, [session("S1"), session("S2", 1, "V2")], examiners=exs))
    assert named(result) & {"S1", "S2"}
    assert "H5" in rules(result)
    assert "E1" in {d.examiner for d in result.diagnostics}


# ----- H6 turnover (history, rotation_scope, turnover) --------------------------------


@pytest.mark.parametrize(("turnover", "new"), [([1, 3], 1), ([2, 3], 2), ([1, 1], 3)])
def test_h6_history_panel_must_be_renewed(turnover, new):
    raw = raw_instance(6, history=[history_entry("H1", -1, "E1 E2 E3")])
    raw["policy"] = {"turnover": turnover}
    raw["baseline"] = [baseline("S1", "E1 E2 E3")]  # the plan would rather keep it
    result = solved(raw)
    assert len(members(result, "S1") - {"E1", "E2", "E3"}) == new
    assert result.objective.changes == new


def test_h6_too_few_new_versus_a_history_panel_is_infeasible():
    raw = raw_instance(4, history=[history_entry("H1", -1, "E1 E2 E3")])
    raw["policy"] = {"turnover": [2, 3]}
    only(infeasible(raw), "H6", "S1")


def test_h6_turnover_rounds_up():
    # a panel of 4 at one third: ceil(4/3) = 2 new members, not 1
    past = history_entry("H1", -1, "E1 E2 E3 E4")
    only(infeasible(raw_instance(5, [session("S1", panel_size=4)], history=[past])), "H6", "S1")
    result = solved(raw_instance(6, [session("S1", panel_size=4)], history=[past]))
    assert {"E5", "E6"} <= members(result, "S1")


@pytest.mark.parametrize(
    ("scope", "venue", "constrained"),
    [
        ("venue_occupation", "V1", True),
        ("venue_occupation", "V2", False),
        ("occupation", "V1", True),
        ("occupation", "V2", True),
    ],
)
def test_h6_rotation_scope_decides_the_lineage(scope, venue, constrained):
    past = history_entry("H1", -1, "E1 E2 E3", venue=venue)
    raw = raw_instance(4, history=[past], baseline=[baseline("S1", "E1 E2 E3")])
    raw["policy"] = {"rotation_scope": scope, "turnover": [2, 3]}
    if constrained:
        only(infeasible(raw), "H6", "S1")
    else:
        result = solved(raw)
        assert members(result, "S1") == {"E1", "E2", "E3"} and result.objective.changes == 0
    raw["examiners"] = everyone(5)
    result = solved(raw)
    assert ({"E4", "E5"} <= members(result, "S1")) == constrained


@pytest.mark.parametrize(("scope", "venue"), [("venue_occupation", "V1"), ("occupation", "V2")])
def test_h6_planned_panels_rotate(scope, venue):
    sessions = [session("S1"), session("S2", 1, venue)]
    raw = raw_instance(6, sessions, policy={"rotation_scope": scope, "turnover": [1, 1]})
    result = solved(raw)
    assert not members(result, "S1") & members(result, "S2")
    raw["examiners"] = everyone(5)
    result = infeasible(raw)
    assert named(result) & {"S1", "S2"}
    assert "H6" in rules(result)


def test_h6_other_occupation_is_another_lineage():
    sessions = [session("S1"), session("S2", 1, occupation="O2")]
    raw = second_occupation(raw_instance(3, sessions, policy={"rotation_scope": "occupation"}))
    result = solved(raw)
    assert members(result, "S1") == members(result, "S2")


def test_h6_three_examiners_cannot_rotate_a_lineage():
    result = infeasible(raw_instance(3, [session("S1"), session("S2", 1)]))
    assert named(result) & {"S1", "S2"}
    assert "H6" in rules(result)


# ----- H7 consecutive venues (history, consecutive_rule, max_consecutive_same_venue) -----------


def _with_history(n: int, past: list[dict], policy: dict, **over: Any) -> dict[str, Any]:
    """S1 (O1) at V1 after history sessions of occupation O2 (another H6 lineage)."""
    raw = raw_instance(n, [session("S1")], history=past, policy=policy, **over)
    return second_occupation(raw)


def _visits(e: str, venues: str) -> list[dict[str, Any]]:
    """History: `e` served at each venue in turn on the days before S1, with E5 and E6."""
    listed = venues.split()
    return [
        history_entry(f"H{i}", i - len(listed), f"{e} E5 E6", venue=v, occupation="O2")
        for i, v in enumerate(listed)
    ]


@pytest.mark.parametrize("rule", ["examiner_sequence", "venue_sequence", "both"])
def test_h7_three_visits_in_a_row_keep_an_examiner_off_the_fourth(rule):
    raw = _with_history(6, _visits("E1", "V1 V1 V1"), {"consecutive_rule": rule})
    raw["baseline"] = [baseline("S1", "E1 E2 E3")]  # the plan would rather keep E1
    result = solved(raw)
    assert "E1" not in members(result, "S1")
    assert result.objective.changes == 1


@pytest.mark.parametrize("rule", ["examiner_sequence", "venue_sequence", "both"])
def test_h7_a_visit_elsewhere_breaks_the_run(rule):
    # E1: V1 V2 V1 V1 then S1 at V1. At V1, its sessions H0 H2 H3 S1 all have E1 except
    # that H1 (at V2) is not a V1 session, so only the examiner sequence is broken.
    raw = _with_history(6, _visits("E1", "V1 V2 V1 V1"), {"consecutive_rule": rule})
    raw["baseline"] = [baseline("S1", "E1 E2 E3")]
    result = solved(raw)
    assert ("E1" in members(result, "S1")) == (rule == "examiner_sequence")


@pytest.mark.parametrize("rule", ["examiner_sequence", "venue_sequence", "both"])
def test_h7_another_session_at_the_venue_breaks_a_venue_sequence(rule):
    # E1: V1 V1 V1 in a row; at V1 a session without E1 comes between the first two.
    past = _visits("E1", "V1 V1 V1")
    between = {"start": "2026-02-27T13:30", "end": "2026-02-27T16:30", "occupation": "O2"}
    past.insert(1, history_entry("HX", -3, "E4 E5 E6", **between))
    raw = _with_history(6, past, {"consecutive_rule": rule})
    raw["baseline"] = [baseline("S1", "E1 E2 E3")]
    result = solved(raw)
    assert ("E1" in members(result, "S1")) == (rule == "venue_sequence")


@pytest.mark.parametrize(("limit", "visits"), [(2, "V1 V1"), (1, "V1")])
def test_h7_stricter_limit(limit, visits):
    raw = _with_history(6, _visits("E1", visits), {"max_consecutive_same_venue": limit})
    raw["baseline"] = [baseline("S1", "E1 E2 E3")]
    assert "E1" not in members(solved(raw), "S1")
    raw["policy"] = {}
    assert "E1" in members(solved(raw), "S1")


@pytest.mark.parametrize(("limit", "visits"), [(2, "V1 V1"), (1, "V1")])
def test_h7_stricter_limit_leaves_too_few(limit, visits):
    past = _visits("E1", visits)
    for h in past:
        h["members"] = ["E1", "E2", "E3"]
    raw = _with_history(5, past, {"max_consecutive_same_venue": limit})
    result = infeasible(raw)
    assert "S1" in named(result)
    assert "H7" in rules(result)
    raw["policy"] = {}  # at the notice's limit of 3 they may serve again
    assert len(members(solved(raw), "S1")) == 3


def test_h7_history_only_run_around_a_planned_session_is_not_the_plans_doing():
    # E1 served V1 on three days and again this afternoon: four in a row, all history (SPEC 4.3
    # and the checker: a run of history alone is not this plan's doing). This morning's S1 at
    # V1 is staffed by E2-E4; E1 would make five. The plan E2 E3 E4 breaks no rule.
    past = [history_entry(f"H{i}", i - 4, "E1", occupation="O2") for i in (1, 2, 3)]
    afternoon = {"start": "2026-03-02T13:30", "end": "2026-03-02T16:30", "occupation": "O2"}
    past.append(history_entry("H4", 0, "E1", **afternoon))
    result = solved(_with_history(4, past, {}))
    assert members(result, "S1") == {"E2", "E3", "E4"}


@pytest.mark.parametrize("rule", ["examiner_sequence", "venue_sequence", "both"])
def test_h7_history_runs_leave_too_few(rule):
    past = _visits("E1", "V1 V1 V1")
    for h in past:
        h["members"] = ["E1", "E2", "E3"]
    raw = _with_history(5, past, {"consecutive_rule": rule})
    result = infeasible(raw)
    assert "S1" in named(result)
    assert "H7" in rules(result)


@pytest.mark.parametrize("rule", ["examiner_sequence", "venue_sequence", "both"])
def test_h7_planned_sessions_alone(rule):
    # Four sessions at V1 on four days, each its own occupation (no H6 lineage): three
    # examiners would have to serve four in a row; a fourth examiner lets each rest once.
    occupations = [{"code": f"O{i}", "name": f"工种{i}", "candidates_per_examiner": 5} for i in range(1, 5)]  # fmt: skip
    quals = [{"occupation": f"O{i}", "top_level": 1} for i in range(1, 5)]
    sessions = [session(f"S{i}", i - 1, occupation=f"O{i}") for i in range(1, 5)]
    raw = raw_instance(4, sessions, occupations=occupations, policy={"consecutive_rule": rule})
    raw["examiners"] = everyone(4, qualifications=quals)
    result = solved(raw)
    for e in ("E1", "E2", "E3", "E4"):
        assert sum(e in members(result, f"S{i}") for i in range(1, 5)) == 3
    raw["examiners"] = everyone(3, qualifications=quals)
    result = infeasible(raw)
    assert named(result) & {"S1", "S2", "S3", "S4"}
    assert "H7" in rules(result)


# ----- H8 locks (member, leader) --------------------------------------------------------------


def test_h8_member_locks_hold_against_load_squares():
    sessions = [session("S1"), session("S2", 1, "V2")]
    raw = raw_instance(6, sessions, locks=[lock("S1", "E6"), lock("S2", "E6")])
    result = solved(raw)
    assert "E6" in members(result, "S1") and "E6" in members(result, "S2")
    assert result.objective.load_squares == 4 + 4


def test_h8_leader_locks_hold_against_leader_squares():
    sessions = [session("S1"), session("S2", 1, "V2")]
    raw = raw_instance(6, sessions, locks=[lock("S1", "E6", "leader"), lock("S2", "E6", "leader")])
    result = solved(raw)
    assert leader(result, "S1") == leader(result, "S2") == "E6"
    assert result.objective.leader_squares == 4


def test_h8_member_lock_on_someone_who_cannot_lead_still_leaves_a_leader():
    exs = examiners(4, E4={"leader_eligible": False})
    result = solved(raw_instance(4, examiners=exs, locks=[lock("S1", "E4")]))
    assert "E4" in members(result, "S1") and leader(result, "S1") != "E4"


@pytest.mark.parametrize("role", ["member", "leader"])
def test_h8_locks_into_overlapping_sessions_are_infeasible(role):
    raw = raw_instance(6, [session("S1"), session("S2", **OVERLAPPING)])
    raw["locks"] = [lock("S1", "E1", role), lock("S2", "E1", role)]
    result = infeasible(raw)
    assert named(result) & {"S1", "S2"}
    assert rules(result) & {"H5", "H8"}


def test_h8_more_locks_than_seats_are_infeasible():
    raw = raw_instance(6, locks=[lock("S1", f"E{i}") for i in range(1, 5)])
    result = infeasible(raw)
    assert "S1" in named(result)
    assert rules(result) & {"H1", "H8"}


def test_h8_leader_lock_against_turnover_is_infeasible():
    past = history_entry("H1", -1, "E1 E2 E3")
    raw = raw_instance(6, history=[past], policy={"turnover": [1, 1]})
    raw["locks"] = [lock("S1", "E1", "leader")]
    result = infeasible(raw)
    assert "S1" in named(result)
    assert rules(result) & {"H6", "H8"}


# ----- baseline changes (objective level 2; never a cause of infeasibility) ----------------


def test_baseline_is_kept_against_load_squares():
    sessions = [session("S1"), session("S2", 1, "V2")]
    raw = raw_instance(6, sessions)
    raw["baseline"] = [baseline("S1", "E1 E2 E3"), baseline("S2", "E1 E2 E4")]
    result = solved(raw)
    assert members(result, "S1") == {"E1", "E2", "E3"}
    assert members(result, "S2") == {"E1", "E2", "E4"}
    assert result.objective.changes == 0 and result.objective.load_squares == 4 + 4 + 1 + 1


def test_baseline_member_who_can_no_longer_serve_is_one_change():
    exs = examiners(6, E3={"unavailable": [{"start": "2026-03-02", "end": "2026-03-02"}]})
    raw = raw_instance(6, examiners=exs, baseline=[baseline("S1", "E3 E1 E2")])
    result = solved(raw)
    assert {"E1", "E2"} <= members(result, "S1")
    assert result.objective.changes == 1


def test_baseline_leader_staying_as_a_plain_member_is_no_change():
    exs = examiners(6, E1={"leader_eligible": False})
    raw = raw_instance(6, examiners=exs, baseline=[baseline("S1", "E1 E2 E3")])
    result = solved(raw)
    assert members(result, "S1") == {"E1", "E2", "E3"} and leader(result, "S1") != "E1"
    assert result.objective.changes == 0


def test_baseline_that_cannot_hold_is_not_infeasible():
    exs = examiners(5, E1={"status": "suspended"}, E2={"status": "revoked"})
    result = solved(raw_instance(5, examiners=exs, baseline=[baseline("S1", "E1 E2 E3")]))
    assert members(result, "S1") == {"E3", "E4", "E5"}
    assert result.objective.changes == 2
