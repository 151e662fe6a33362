"""The independent checker (solver.check): for each hard rule and policy variant, a hand-made
valid plan it accepts and a hand-made violation it names (rule, session, examiner)."""

from __future__ import annotations

from typing import Any

import pytest
from brute import brute_force
from builders import history_entry

from solver.check import RULES, check, objective, required_size, verify
from solver.messages import CATALOG
from solver.schema import Assignment, Objective, Result, Unfilled

FIRST = "first"


def P(sid: str, members: str = "", leader: str | None = FIRST) -> Assignment:
    """A panel; the leader is the first member unless named (or None)."""
    ms = tuple(members.split())
    chosen = (ms[0] if ms else None) if leader == FIRST else leader
    return Assignment(session=sid, leader=chosen, members=ms)


history = history_entry  # a served half-day session; the first member leads


def found(build, raw: dict[str, Any], *panels: Assignment, lang: str = "zh") -> list[tuple]:
    """(rule, session, examiner) of every finding of the checker on these panels."""
    result = Result(status="FEASIBLE", assignments=list(panels))
    return [(d.rule, d.session, d.examiner) for d in check(build.load(raw), result, lang)]


def with_examiner(build, n: int, eid: str, **over: Any) -> list[dict]:
    """Examiners E1..En, one of them changed."""
    return [build.examiner(f"E{i}", **(over if f"E{i}" == eid else {})) for i in range(1, n + 1)]


def test_rules_registry_lists_h1_to_h8_in_order():
    assert [r.__name__ for r in RULES] == [
        "check_h1_size",
        "check_h2_leader",
        "check_h3_eligibility",
        "check_h4_recusal",
        "check_h5_double_booking",
        "check_h6_turnover",
        "check_h7_consecutive",
        "check_h8_locks",
    ]
    assert all(r.__doc__ and r.__doc__.startswith(f"H{i}") for i, r in enumerate(RULES, 1))


def test_every_checker_message_has_chinese_and_english():
    keys = [k for k in CATALOG if k.startswith("chk_")]
    assert len(keys) >= 20
    assert all(set(CATALOG[k]) == {"zh", "en"} for k in keys)


# ----- H1 size ---------------------------------------------------------------

SIZES = [
    ({}, {}, 5, 3),
    ({"candidate_count": 0}, {}, 5, 3),
    ({"candidate_count": 16}, {}, 5, 5),
    ({"candidate_count": 16}, {"odd_panel_size": False}, 5, 4),
    ({"modules": 4}, {}, 5, 5),
    ({"modules": 4}, {"odd_panel_size": False}, 5, 4),
    ({"panel_size": 4}, {}, 5, 4),
    ({"candidate_count": None, "candidates": [f"C{i}" for i in range(1, 11)]}, {}, 2, 5),
    ({"candidate_count": None, "candidates": [f"C{i}" for i in range(1, 11)]}, {}, 3, 5),
    (
        {"candidate_count": None, "candidates": [f"C{i}" for i in range(1, 11)]},
        {"odd_panel_size": False},
        3,
        4,
    ),
    ({}, {"min_panel_size": 4}, 5, 5),
    ({}, {"min_panel_size": 4, "odd_panel_size": False}, 5, 4),
]


@pytest.mark.parametrize(("over", "policy", "ratio", "size"), SIZES)
def test_h1_panel_size_exact_fewer_and_more(build, over, policy, ratio, size):
    raw = build.raw(8, [build.session("S1", **over)], policy=policy)
    raw["occupations"][0]["candidates_per_examiner"] = ratio
    assert required_size(build.load(raw), build.load(raw).sessions[0]) == size
    names = [f"E{i}" for i in range(1, 8)]
    assert found(build, raw, P("S1", " ".join(names[:size]))) == []
    assert found(build, raw, P("S1", " ".join(names[: size - 1]))) == [("H1", "S1", None)]
    assert found(build, raw, P("S1", " ".join(names[: size + 1]))) == [("H1", "S1", None)]


def test_h1_session_without_assignment_has_every_seat_empty(build):
    raw = build.raw(6, [build.session("S1"), build.session("S2", 1, "V2")])
    assert found(build, raw, P("S1", "E1 E2 E3")) == [("H1", "S2", None)]


def test_h1_allow_unfilled_accepts_fewer_never_more(build):
    raw = build.raw(6, [build.session("S1"), build.session("S2", 1, "V2")])
    raw["policy"] = {"allow_unfilled": True}
    assert found(build, raw, P("S1", "E1 E2")) == []
    assert found(build, raw, P("S1", "E1 E2 E3 E4"), P("S2")) == [("H1", "S1", None)]
    instance = build.load(raw)
    assert objective(instance, [P("S1", "E1 E2")]).unfilled == 1 + 3


# ----- H2 leader ---------------------------------------------------------------


def test_h2_leader_must_be_named_and_a_member(build):
    raw = build.raw(6)
    assert found(build, raw, P("S1", "E1 E2 E3", leader="E2")) == []
    assert found(build, raw, P("S1", "E1 E2 E3", leader=None)) == [("H2", "S1", None)]
    assert found(build, raw, P("S1", "E1 E2 E3", leader="E4")) == [("H2", "S1", "E4")]


def test_h2_leader_must_be_leader_eligible(build):
    raw = build.raw(6, examiners=with_examiner(build, 6, "E1", leader_eligible=False))
    assert found(build, raw, P("S1", "E1 E2 E3", leader="E2")) == []
    assert found(build, raw, P("S1", "E1 E2 E3")) == [("H2", "S1", "E1")]


@pytest.mark.parametrize(
    ("since", "days", "ok"),
    [
        ("2025-03-02", 365, True),  # exactly 365 days before the session's start date
        ("2025-03-03", 365, False),
        ("2025-03-02", 400, False),
        (None, 365, False),
    ],
)
def test_h2_leader_experience_counts_days_to_the_start_date(build, since, days, ok):
    raw = build.raw(6, examiners=with_examiner(build, 6, "E1", assessing_since=since))
    raw["policy"] = {"leader_min_experience_days": days}
    assert found(build, raw, P("S1", "E2 E1 E3")) == []  # a plain member needs no experience
    assert found(build, raw, P("S1", "E1 E2 E3")) == ([] if ok else [("H2", "S1", "E1")])


def test_h2_empty_session_has_no_leader(build):
    raw = build.raw(6, policy={"allow_unfilled": True})
    assert found(build, raw, P("S1")) == []
    assert found(build, raw, P("S1", "", leader="E1")) == [("H2", "S1", "E1")]
    assert found(build, raw, P("S1", "E1", leader=None)) == [("H2", "S1", None)]


# ----- H3 eligibility -------------------------------------------------------------

TWO_DAYS = {"start": "2026-03-02T08:30", "end": "2026-03-03T12:00"}
MIDNIGHT = {"start": "2026-03-02T18:00", "end": "2026-03-03T00:00"}
PAST_MIDNIGHT = {"start": "2026-03-02T18:00", "end": "2026-03-03T00:30"}
ENDS_0302 = [{"start": "2024-03-03", "end": "2026-03-02"}]
BACK_TO_BACK = [
    {"start": "2024-03-03", "end": "2026-03-02"},
    {"start": "2026-03-03", "end": "2027-12-31"},
]
ELIGIBILITY = [
    # (case, examiner E1 changes, session changes, policy, E1 may serve)
    ("active", {}, {}, {}, True),
    ("suspended", {"status": "suspended"}, {}, {}, False),
    ("revocation pending", {"status": "revocation_pending"}, {}, {}, False),
    ("revoked", {"status": "revoked"}, {}, {}, False),
    ("appointment ended the day before", {"appointments": [{"start": "2024-01-01", "end": "2026-03-01"}]}, {}, {}, False),
    ("appointment starts that day", {"appointments": [{"start": "2026-03-02", "end": "2027-03-01"}]}, {}, {}, True),
    ("no appointment", {"appointments": []}, {}, {}, False),
    ("back-to-back appointments do not join", {"appointments": BACK_TO_BACK}, TWO_DAYS, {}, False),
    ("one appointment covers both days", {}, TWO_DAYS, {}, True),
    ("appointment ends on the last day", {"appointments": ENDS_0302}, {}, {}, True),
    ("midnight end: appointment", {"appointments": ENDS_0302}, MIDNIGHT, {}, True),
    ("past midnight: appointment", {"appointments": ENDS_0302}, PAST_MIDNIGHT, {}, False),
    ("midnight end: certificate", {"certified_until": "2026-03-02"}, MIDNIGHT, {}, True),
    ("past midnight: certificate", {"certified_until": "2026-03-02"}, PAST_MIDNIGHT, {}, False),
    ("midnight end: unavailable next day", {"unavailable": [{"start": "2026-03-03", "end": "2026-03-05"}]}, MIDNIGHT, {}, True),
    ("past midnight: unavailable next day", {"unavailable": [{"start": "2026-03-03", "end": "2026-03-05"}]}, PAST_MIDNIGHT, {}, False),
    ("certificate expires mid-session", {"certified_until": "2026-03-02"}, TWO_DAYS, {}, False),
    ("certificate valid through the last day", {"certified_until": "2026-03-03"}, TWO_DAYS, {}, True),
    ("certificate expired the day before", {"certified_until": "2026-03-01"}, {}, {}, False),
    ("unavailable that very day (inclusive)", {"unavailable": [{"start": "2026-03-02", "end": "2026-03-02"}]}, {}, {}, False),
    ("unavailable until the day before", {"unavailable": [{"start": "2026-02-20", "end": "2026-03-01"}]}, {}, {}, True),
    ("unavailable from the day after", {"unavailable": [{"start": "2026-03-03", "end": "2026-03-10"}]}, {}, {}, True),
    ("unavailable on a session's second day", {"unavailable": [{"start": "2026-03-03", "end": "2026-03-10"}]}, TWO_DAYS, {}, False),
    ("not qualified for the occupation", {"qualifications": [{"occupation": "O2", "top_level": 1}]}, {}, {}, False),
    ("qualified down to level 4 only", {"qualifications": [{"occupation": "O1", "top_level": 4}]}, {}, {}, False),
    ("qualified down to level 3", {"qualifications": [{"occupation": "O1", "top_level": 3}]}, {}, {}, True),
    ("examiner grade, level 3", {"grade": "examiner"}, {}, {}, True),
    ("examiner grade, level 2", {"grade": "examiner"}, {"level": 2}, {}, False),
    ("examiner grade caps a top_level-2 qualification", {"grade": "examiner", "qualifications": [{"occupation": "O1", "top_level": 2}]}, {}, {}, True),
    ("custom grade_top_level lets examiners do level 2", {"grade": "examiner"}, {"level": 2}, {"grade_top_level": {"examiner": 2, "senior": 1}}, True),
    ("custom grade_top_level keeps examiners to level 4-5", {"grade": "examiner"}, {}, {"grade_top_level": {"examiner": 4, "senior": 1}}, False),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "examiner", "session", "policy", "ok"), ELIGIBILITY, ids=[c[0] for c in ELIGIBILITY]
)
def test_h3_eligibility(build, case, examiner, session, policy, ok):
    raw = build.raw(6, [build.session("S1", **session)], policy=policy)
    raw["occupations"].append({"code": "O2", "name": "钳工", "candidates_per_examiner": 5})
    raw["examiners"] = with_examiner(build, 6, "E1", **examiner)
    assert found(build, raw, P("S1", "E2 E1 E3")) == ([] if ok else [("H3", "S1", "E1")])


def test_h3_custom_grade_top_level_for_seniors(build):
    policy = {"grade_top_level": {"examiner": 3, "senior": 2}}
    raw = build.raw(6, [build.session("S1", level=1)], policy=policy)
    assert found(build, raw, P("S1", "E2 E1 E3")) == [("H3", "S1", e) for e in ("E2", "E1", "E3")]
    raw = build.raw(6, [build.session("S1", level=2)], policy=policy)
    assert found(build, raw, P("S1", "E2 E1 E3")) == []


def test_h3_each_reason_is_its_own_violation_with_names(build):
    over = {"status": "suspended", "certified_until": "2026-01-01"}
    raw = build.raw(6, examiners=with_examiner(build, 6, "E1", **over))
    result = Result(status="FEASIBLE", assignments=[P("S1", "E2 E1 E3")])
    zh = check(build.load(raw), result)
    assert [(d.rule, d.examiner) for d in zh] == [("H3", "E1"), ("H3", "E1")]
    assert "考评员E1（E1）" in zh[0].message and "暂停" in zh[0].message
    assert "通知第2条" in zh[0].message
    en = check(build.load(raw), result, lang="en")
    assert "cannot serve on S1" in en[0].message and "suspended" in en[0].message


def test_h3_message_names_the_occupation(build):
    raw = build.raw(6, examiners=with_examiner(build, 6, "E1", qualifications=[]))
    [d] = check(build.load(raw), Result(status="FEASIBLE", assignments=[P("S1", "E2 E1 E3")]))
    assert "车工" in d.message


# ----- H4 recusal ---------------------------------------------------------------------

LISTED = {"candidate_count": None, "candidates": ["C1", "C2"]}  # C1: 学校1, C2: 学校0
RECUSAL = [
    # (case, conflict of E1 or None, E1 organisation, session changes, recuse same org, ok)
    ("conflict with a candidate of the session", {"candidate": "C1"}, None, LISTED, True, False),
    ("conflict with a candidate of another session", {"candidate": "C3"}, None, LISTED, True, True),
    ("conflict with a candidate's organisation", {"organization": "学校1"}, None, LISTED, True, False),
    ("conflict with another organisation", {"organization": "学校9"}, None, LISTED, True, True),
    ("conflict with the venue's organisation", {"organization": "考点单位1"}, None, LISTED, True, False),
    ("conflict with another venue's organisation", {"organization": "考点单位2"}, None, LISTED, True, True),
    ("same organisation as a candidate", None, "学校0", LISTED, True, False),
    ("same organisation, recusal off", None, "学校0", LISTED, False, True),
    ("count only: candidate conflict cannot apply", {"candidate": "C1"}, None, {}, True, True),
    ("count only: venue conflict still applies", {"organization": "考点单位1"}, None, {}, True, False),
    ("count only: same organisation cannot apply", None, "学校0", {}, True, True),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "conflict", "org", "session", "recuse", "ok"), RECUSAL, ids=[c[0] for c in RECUSAL]
)
def test_h4_recusal(build, case, conflict, org, session, recuse, ok):
    raw = build.raw(6, [build.session("S1", **session)])
    raw["policy"] = {"recuse_candidate_organization": recuse}
    if conflict:
        raw["conflicts"] = [{"examiner": "E1", "kind": "relative", **conflict}]
    if org:
        raw["examiners"] = with_examiner(build, 6, "E1", organization=org)
    assert found(build, raw, P("S1", "E2 E1 E3")) == ([] if ok else [("H4", "S1", "E1")])


def test_h4_message_names_the_kind_and_article(build):
    raw = build.raw(6, [build.session("S1", **LISTED)])
    raw["conflicts"] = [{"examiner": "E1", "candidate": "C2", "kind": "master_apprentice"}]
    [d] = check(build.load(raw), Result(status="FEASIBLE", assignments=[P("S1", "E2 E1 E3")]))
    assert "师徒" in d.message and "C2" in d.message and "通知第5条" in d.message


# ----- H5 double booking ---------------------------------------------------------------


def test_h5_overlapping_planned_sessions(build):
    overlapping = build.session("S2", venue="V2", start="2026-03-02T10:00", end="2026-03-02T12:00")
    touching = build.session("S2", venue="V2", start="2026-03-02T11:30", end="2026-03-02T14:00")
    panels = (P("S1", "E1 E2 E3"), P("S2", "E1 E4 E5"))
    assert found(build, build.raw(6, [build.session("S1"), touching]), *panels) == []
    raw = build.raw(6, [build.session("S1"), overlapping])
    assert found(build, raw, *panels) == [("H5", "S2", "E1")]


@pytest.mark.parametrize(("start", "ok"), [("10:00", False), ("11:30", True)])
def test_h5_history_sessions_count(build, start, ok):
    past = history("H1", 0, "E1 E4 E5", venue="V2")
    past["session"].update(start=f"2026-03-02T{start}", end="2026-03-02T23:00")
    raw = build.raw(6, [build.session("S1")], history=[past])
    assert found(build, raw, P("S1", "E1 E2 E3")) == ([] if ok else [("H5", "S1", "E1")])


@pytest.mark.parametrize(("cap", "ok"), [(0, False), (1, False), (2, True)])
def test_h5_max_sessions_counts_planned_sessions(build, cap, ok):
    sessions = [build.session("S1"), build.session("S2", 1, "V2")]
    raw = build.raw(6, sessions, examiners=with_examiner(build, 6, "E1", max_sessions=cap))
    result = found(build, raw, P("S1", "E1 E2 E3"), P("S2", "E1 E4 E5"))
    assert result == ([] if ok else [("H5", None, "E1")])


def test_h5_max_sessions_ignores_history(build):
    examiners = with_examiner(build, 6, "E1", max_sessions=1)
    raw = build.raw(6, examiners=examiners, history=[history("H1", -1, "E1 E4 E5", "V2")])
    assert found(build, raw, P("S1", "E1 E2 E3")) == []


# ----- H6 turnover ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "venue", "occupation", "ok"),
    [
        ("venue_occupation", "V1", "O1", False),
        ("venue_occupation", "V2", "O1", True),
        ("venue_occupation", "V1", "O2", True),
        ("occupation", "V1", "O1", False),
        ("occupation", "V2", "O1", False),
        ("occupation", "V2", "O2", True),
    ],
)
def test_h6_same_panel_again_in_one_lineage(build, scope, venue, occupation, ok):
    second = build.session("S2", 1, venue, occupation=occupation)
    raw = build.raw(6, [build.session("S1"), second], policy={"rotation_scope": scope})
    raw["occupations"].append({"code": "O2", "name": "钳工", "candidates_per_examiner": 5})
    for e in raw["examiners"]:
        e["qualifications"].append({"occupation": "O2", "top_level": 1})
    assert found(build, raw, P("S1", "E1 E2 E3"), P("S2", "E1 E2 E4")) == []
    same = found(build, raw, P("S1", "E1 E2 E3"), P("S2", "E2 E1 E3"))
    assert same == ([] if ok else [("H6", "S2", None)])


@pytest.mark.parametrize(
    ("turnover", "second", "ok"),
    [
        ([1, 3], "E1 E2 E4", True),
        ([2, 3], "E1 E2 E4", False),
        ([2, 3], "E1 E4 E5", True),
        ([1, 1], "E1 E4 E5", False),
        ([1, 1], "E4 E5 E6", True),
    ],
)
def test_h6_turnover_fraction(build, turnover, second, ok):
    sessions = [build.session("S1"), build.session("S2", 1)]
    raw = build.raw(6, sessions, policy={"turnover": turnover})
    result = found(build, raw, P("S1", "E1 E2 E3"), P("S2", second))
    assert result == ([] if ok else [("H6", "S2", None)])


@pytest.mark.parametrize(("second", "ok"), [("E1 E2 E3 E5", False), ("E1 E2 E5 E6", True)])
def test_h6_turnover_rounds_up(build, second, ok):
    # a panel of 4 at one third: ceil(4/3) = 2 members must be new, not 1
    sessions = [build.session("S1", panel_size=4), build.session("S2", 1, panel_size=4)]
    raw = build.raw(6, sessions)
    result = found(build, raw, P("S1", "E1 E2 E3 E4"), P("S2", second))
    assert result == ([] if ok else [("H6", "S2", None)])


@pytest.mark.parametrize(
    ("panel", "past_occupation", "ok"),
    [("E1 E2 E3", "O1", False), ("E1 E2 E4", "O1", True), ("E1 E2 E3", "O2", True)],
)
def test_h6_history_counts(build, panel, past_occupation, ok):
    past = history("H1", -1, "E1 E2 E3", occupation=past_occupation)
    raw = build.raw(6, history=[past])
    raw["occupations"].append({"code": "O2", "name": "钳工", "candidates_per_examiner": 5})
    assert found(build, raw, P("S1", panel)) == ([] if ok else [("H6", "S1", None)])


@pytest.mark.parametrize(("third", "ok"), [("E1 E2 E3", True), ("E4 E5 E6", False)])
def test_h6_previous_is_last_in_start_order_not_last_to_end(build, third, ok):
    sessions = [
        build.session("S1", start="2026-03-02T08:00", end="2026-03-02T10:30"),
        build.session("S2", start="2026-03-02T09:00", end="2026-03-02T10:00"),
        build.session("S3", start="2026-03-02T11:00", end="2026-03-02T12:00"),
    ]
    raw = build.raw(6, sessions)
    result = found(build, raw, P("S1", "E1 E2 E3"), P("S2", "E4 E5 E6"), P("S3", third))
    assert result == ([] if ok else [("H6", "S3", None)])


@pytest.mark.parametrize(("third", "ok"), [("E1 E2 E3", True), ("E4 E5 E6", False)])
def test_h6_equal_starts_are_ordered_by_id(build, third, ok):
    same = {"start": "2026-03-02T08:00", "end": "2026-03-02T09:00"}
    sessions = [
        build.session("S2", **same),
        build.session("S1", **same),
        build.session("S3", start="2026-03-02T10:00", end="2026-03-02T11:00"),
    ]
    raw = build.raw(6, sessions)
    result = found(build, raw, P("S1", "E1 E2 E3"), P("S2", "E4 E5 E6"), P("S3", third))
    assert result == ([] if ok else [("H6", "S3", None)])


def test_h6_session_still_running_is_not_previous(build):
    sessions = [
        build.session("S1", start="2026-03-02T08:00", end="2026-03-02T17:00"),
        build.session("S2", start="2026-03-02T09:00", end="2026-03-02T10:00"),
    ]
    raw = build.raw(6, sessions)
    assert found(build, raw, P("S1", "E1 E2 E3"), P("S2", "E4 E5 E6")) == []
    raw = build.raw(6, [*sessions, build.session("S3", start="2026-03-02T11:00")])
    result = found(build, raw, P("S1", "E1 E2 E3"), P("S2", "E4 E5 E6"), P("S3", "E4 E5 E6"))
    assert result == [("H6", "S3", None)]


def test_h6_empty_previous_panel_asks_nothing(build):
    raw = build.raw(6, [build.session("S1"), build.session("S2", 1)])
    raw["policy"] = {"allow_unfilled": True}
    assert found(build, raw, P("S1"), P("S2", "E1 E2 E3")) == []


# ----- H7 consecutive venues ----------------------------------------------------------------

ROTATING = ("E1 E2 E3", "E1 E4 E5", "E1 E2 E6", "E1 E3 E4")  # E1 always, turnover kept


def daily(build, venues: str = "V1 V1 V1 V1", **policy: Any) -> dict[str, Any]:
    sessions = [build.session(f"S{i + 1}", i, v) for i, v in enumerate(venues.split())]
    return build.raw(6, sessions, policy=policy)


def panels(*members: str) -> list[Assignment]:
    return [P(f"S{i + 1}", m) for i, m in enumerate(members)]


@pytest.mark.parametrize("rule", ["examiner_sequence", "venue_sequence", "both"])
def test_h7_four_in_a_row_at_one_venue(build, rule):
    raw = daily(build, consecutive_rule=rule)
    expected = [("H7", "S4", "E1")] * (2 if rule == "both" else 1)
    assert found(build, raw, *panels(*ROTATING)) == expected
    assert found(build, daily(build, "V1 V1 V2 V1"), *panels(*ROTATING)) == []


def test_h7_two_sessions_on_one_day_are_two_visits(build):
    days = [
        (0, "08:30", "11:30"),
        (0, "13:30", "16:30"),
        (1, "08:30", "11:30"),
        (1, "13:30", "16:30"),
    ]
    sessions = [
        build.session(f"S{i + 1}", d, start=f"2026-03-0{2 + d}T{a}", end=f"2026-03-0{2 + d}T{b}")
        for i, (d, a, b) in enumerate(days)
    ]
    raw = build.raw(6, sessions)
    assert found(build, raw, *panels(*ROTATING)) == [("H7", "S4", "E1")]


def test_h7_stricter_limit(build):
    raw = daily(build, "V1 V1 V1 V2", max_consecutive_same_venue=2)
    assert found(build, raw, *panels(*ROTATING[:2], "E2 E3 E4", ROTATING[3])) == []
    assert found(build, raw, *panels(*ROTATING)) == [("H7", "S3", "E1")]


@pytest.mark.parametrize("rule", ["examiner_sequence", "venue_sequence", "both"])
@pytest.mark.parametrize(("between", "ok"), [("V1", False), ("V2", True)])
def test_h7_history_counts(build, rule, between, ok):
    past = [
        history("H1", -3, "E1 E2 E3"),
        history("H2", -2, "E1 E4 E5", venue=between),
        history("H3", -1, "E1 E2 E6"),
    ]
    raw = build.raw(6, history=past, policy={"consecutive_rule": rule})
    expected = [("H7", "S1", "E1")] * (2 if rule == "both" else 1)
    assert found(build, raw, P("S1", "E1 E3 E4")) == ([] if ok else expected)


@pytest.mark.parametrize(
    ("rule", "ok"), [("examiner_sequence", False), ("venue_sequence", True), ("both", False)]
)
def test_h7_other_sessions_at_the_venue_break_a_venue_sequence(build, rule, ok):
    sessions = [
        build.session("S1", 0),
        build.session("S2", 1),
        build.session("S2b", 1, start="2026-03-03T13:30", end="2026-03-03T16:30"),
        build.session("S3", 2),
        build.session("S4", 3),
    ]
    raw = build.raw(6, sessions, policy={"consecutive_rule": rule})
    plan = [
        P("S1", "E1 E2 E3"),
        P("S2", "E1 E4 E5"),
        P("S2b", "E2 E3 E6"),
        P("S3", "E1 E2 E4"),
        P("S4", "E1 E3 E5"),
    ]
    assert found(build, raw, *plan) == ([] if ok else [("H7", "S4", "E1")])


@pytest.mark.parametrize(
    ("rule", "ok"), [("examiner_sequence", True), ("venue_sequence", False), ("both", False)]
)
def test_h7_visits_elsewhere_break_an_examiner_sequence(build, rule, ok):
    raw = daily(build, "V1 V2 V1 V1 V1", consecutive_rule=rule)
    plan = panels("E1 E2 E3", "E1 E5 E6", "E1 E4 E5", "E1 E2 E6", "E1 E3 E4")
    assert found(build, raw, *plan) == ([] if ok else [("H7", "S5", "E1")])


def test_h7_message_names_the_venue(build):
    result = Result(status="FEASIBLE", assignments=panels(*ROTATING))
    [d] = check(build.load(daily(build)), result, lang="en")
    assert "考点1" in d.message and "4 times in a row" in d.message


# ----- H8 locks --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "panel", "ok"),
    [
        ("member", P("S1", "E4 E1 E2"), True),  # a member lock is kept by leading
        ("member", P("S1", "E1 E2 E4"), True),
        ("member", P("S1", "E1 E2 E3"), False),
        ("leader", P("S1", "E4 E1 E2"), True),
        ("leader", P("S1", "E1 E2 E4"), False),  # a leader lock needs the lead
        ("leader", P("S1", "E1 E2 E3"), False),
    ],
)
def test_h8_locks(build, role, panel, ok):
    raw = build.raw(6, locks=[{"session": "S1", "examiner": "E4", "role": role}])
    assert found(build, raw, panel) == ([] if ok else [("H8", "S1", "E4")])


# ----- structure of the result ------------------------------------------------------------


def test_result_structure_problems(build):
    raw = build.raw(6, history=[history("H1", -5, "E4 E5 E6")])
    ok = P("S1", "E1 E2 E3")
    assert found(build, raw, ok, P("S9", "E1 E2 E3")) == [("RESULT", "S9", None)]
    assert found(build, raw, ok, P("H1", "E1 E2 E3")) == [("RESULT", "H1", None)]
    assert found(build, raw, ok, P("S1", "E4 E5")) == [("RESULT", "S1", None)]  # first one counts
    assert found(build, raw, P("S1", "E1 E2 E99")) == [("RESULT", "S1", "E99"), ("H1", "S1", None)]
    assert found(build, raw, P("S1", "E1 E2 E2")) == [("RESULT", "S1", "E2"), ("H1", "S1", None)]


# ----- objective and verify -----------------------------------------------------------------


def objective_instance(build):
    sessions = [build.session("S1"), build.session("S2", 1, "V2"), build.session("S3", 2, "V3")]
    baseline = [
        {"session": "S1", "leader": "E2", "members": ["E2", "E3", "E4"]},
        {"session": "S2", "leader": "E1", "members": ["E1", "E5", "E6"]},
    ]
    return build.load(build.raw(6, sessions, baseline=baseline))


PLAN = [P("S1", "E1 E2 E3"), P("S2", "E1 E4 E5"), P("S3", "E4 E2 E6")]


def test_objective_by_hand(build):
    # loads E1 2, E2 2, E3 1, E4 2, E5 1, E6 1 -> 15; leads E1 2, E4 1 -> 5.
    # baseline: S1 loses E4 (E2 stays as a plain member: no change), S2 loses E6 -> 2.
    instance = objective_instance(build)
    assert check(instance, Result(status="FEASIBLE", assignments=PLAN)) == []
    assert objective(instance, PLAN).as_tuple() == (0, 2, 15, 5)
    assert objective(instance, []).as_tuple() == (9, 6, 0, 0)


def test_verify_compares_stated_objective_and_unfilled(build):
    instance = objective_instance(build)
    good = Objective(unfilled=0, changes=2, load_squares=15, leader_squares=5)
    assert verify(instance, Result(status="OPTIMAL", objective=good, assignments=PLAN)) == []
    bad = Result(status="FEASIBLE", objective=good.model_copy(update={"changes": 1}))
    bad.assignments = PLAN
    assert [(d.rule, d.session) for d in verify(instance, bad)] == [("OBJECTIVE", None)]
    listed = Result(
        status="OPTIMAL",
        objective=good,
        assignments=PLAN,
        unfilled=[Unfilled(session="S2", seats=1)],
    )
    assert [(d.rule, d.session) for d in verify(instance, listed)] == [("OBJECTIVE", "S2")]
    nothing = Result(status="INFEASIBLE", objective=good)
    assert all(d.rule == "H1" for d in verify(instance, nothing))


def test_verify_unfilled_seats_must_be_listed(build):
    raw = build.raw(6, [build.session("S1"), build.session("S2", 1, "V2")])
    raw["policy"] = {"allow_unfilled": True}
    instance = build.load(raw)
    value = Objective(unfilled=4, load_squares=2, leader_squares=1)
    seats = [Unfilled(session="S1", seats=1), Unfilled(session="S2", seats=3)]
    plan = [P("S1", "E1 E2")]
    assert (
        verify(
            instance, Result(status="FEASIBLE", objective=value, assignments=plan, unfilled=seats)
        )
        == []
    )
    short = Result(status="FEASIBLE", objective=value, assignments=plan, unfilled=seats[:1])
    assert [(d.rule, d.session) for d in verify(instance, short)] == [("OBJECTIVE", "S2")]


# ----- brute force --------------------------------------------------------------------------


def test_brute_force_finds_the_hand_computed_optimum(build):
    # E3 is away on day 2, so S2 = {E1, E2, E4} (one new versus S1 = {E1, E2, E3} or any S1
    # among four examiners): loads 2, 2, 1, 1 -> 10, two distinct leaders -> 2; the
    # baseline's E3 on S2 is necessarily lost -> one change.
    examiners = with_examiner(
        build, 4, "E3", unavailable=[{"start": "2026-03-03", "end": "2026-03-03"}]
    )
    baseline = [{"session": "S2", "leader": "E3", "members": ["E3", "E1", "E2"]}]
    raw = build.raw(4, [build.session("S1"), build.session("S2", 1)], baseline=baseline)
    raw["examiners"] = examiners
    instance = build.load(raw)
    best, plan = brute_force(instance)
    assert best == (0, 1, 10, 2)
    assert check(instance, Result(status="FEASIBLE", assignments=plan)) == []
    assert set(plan[1].members) == {"E1", "E2", "E4"}


def test_brute_force_with_unfilled_seats(build):
    # Three examiners, two overlapping sessions of three: three seats stay empty, and one
    # full panel beats two partial ones on leader_squares (1 versus 2).
    overlapping = build.session("S2", venue="V2", start="2026-03-02T09:00")
    raw = build.raw(3, [build.session("S1"), overlapping], policy={"allow_unfilled": True})
    best, plan = brute_force(build.load(raw))
    assert best == (3, 0, 3, 1)
    assert sorted(len(a.members) for a in plan) == [0, 3]


def test_brute_force_reports_infeasible(build):
    raw = build.raw(2)
    assert brute_force(build.load(raw)) == (None, [])
