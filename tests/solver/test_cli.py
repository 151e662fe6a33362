"""`python -m solver solve|check|schema` as a planner runs it (SPEC 4, 4.5): exit codes, the
result file always written, every input problem listed and never a traceback; and the loader
on arbitrary JSON."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from builders import examiner, raw_instance, session
from hypothesis import example, given, settings
from hypothesis import strategies as st

from solver.json_schema import render, schemas
from solver.load import InvalidInput, load_instance
from solver.schema import Result

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m solver ARGS` from the repository root."""
    return subprocess.run(
        [sys.executable, "-m", "solver", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def write(path: Path, raw: Any) -> Path:
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return path


def solve_file(tmp_path: Path, raw: Any, *extra: str) -> tuple[subprocess.CompletedProcess, Path]:
    instance = write(tmp_path / "instance.json", raw) if not isinstance(raw, Path) else raw
    out = tmp_path / "result.json"
    done = run("solve", instance, "-o", out, "--deterministic", "--time-limit", "10", *extra)
    assert "Traceback" not in done.stderr
    assert out.exists(), "the result file is always written"
    return done, out


def result_of(path: Path) -> Result:
    return Result.model_validate_json(path.read_text(encoding="utf-8"))


def feasible() -> dict[str, Any]:
    return raw_instance(6, [session("S1"), session("S2", 1, "V2")])


def test_solve_writes_the_result_and_exits_0(tmp_path):
    done, out = solve_file(tmp_path, feasible())
    assert done.returncode == 0
    result = result_of(out)
    assert result.status == "OPTIMAL"
    assert [a.session for a in result.assignments] == ["S1", "S2"]
    assert "OPTIMAL" in done.stderr  # the summary line


def test_solve_infeasible_exits_1_with_diagnostics(tmp_path):
    done, out = solve_file(tmp_path, raw_instance(2))
    assert done.returncode == 1
    result = result_of(out)
    assert result.status == "INFEASIBLE"
    assert result.assignments == []
    assert [(d.rule, d.session) for d in result.diagnostics] == [("H1", "S1")]
    assert "S1" in done.stderr


def broken() -> dict[str, Any]:
    """Nine problems at once, each in a different place; S5 and its lock are otherwise sound."""
    sessions = [session(f"S{i}", i - 1, f"V{(i - 1) % 3 + 1}") for i in range(1, 6)]
    raw = raw_instance(6, sessions)
    raw["sessions"][0]["venue"] = "V9"  # unknown venue
    raw["examiners"][1]["appointments"][0]["start"] = "2026-13-01"  # malformed date
    raw["sessions"][1]["end"] = "2026-03-03T07:00"  # end before start
    raw["examiners"][2]["appointments"] = [
        {"start": "2024-01-01", "end": "2027-01-01"}
    ]  # > 3 years
    raw["sessions"][2]["level"] = 7
    raw["sessions"][3]["panel_size"] = 2
    raw["examiners"].append(examiner("E1"))  # duplicate id
    raw["examiners"][3]["status"] = "suspended"
    raw["locks"] = [{"session": "S5", "examiner": "E4", "role": "member"}]  # E4 may not serve
    raw["policy"] = {"min_panel_size": 2}
    return raw


EXPECTED_FIELDS = [
    ("unknown venue", "sessions[0](S1).venue"),
    ("malformed date", "examiners[1](E2).appointments[0].start"),
    ("end before start", "sessions[1](S2).end"),
    ("appointment over 3 years", "examiners[2](E3).appointments[0]"),
    ("level 7", "sessions[2](S3).level"),
    ("panel_size 2", "sessions[3](S4).panel_size"),
    ("duplicate id, first", "examiners[0](E1).id"),
    ("duplicate id, second", "examiners[6](E1).id"),
    ("policy below the notice", "policy.min_panel_size"),
    ("lock on an examiner who may not serve", "locks[0](S5).examiner"),
]


@pytest.mark.parametrize(
    ("lang", "words"),
    [("zh", ["考点 V9", "2026-13-01", "三年", "通知第3条"]), ("en", ["venue V9", "2026-13-01", "3 years", "notice art. 3"])],
)  # fmt: skip
def test_solve_invalid_input_lists_every_problem(tmp_path, lang, words):
    done, out = solve_file(tmp_path, broken(), "--lang", lang)
    assert done.returncode == 2
    result = result_of(out)
    assert result.status == "INVALID_INPUT" and result.assignments == []
    assert all(d.rule == "INPUT" for d in result.diagnostics)
    fields = [d.field for d in result.diagnostics]
    messages = " ".join(d.message for d in result.diagnostics)
    for word in words:
        assert word in messages
    for what, field in EXPECTED_FIELDS:
        assert field in fields, f"{what} not reported: {fields}"
    assert len(done.stderr.strip().splitlines()) >= len(EXPECTED_FIELDS)


def test_lock_on_an_examiner_who_may_not_serve_is_invalid_input(tmp_path):
    raw = feasible()
    raw["examiners"][3]["status"] = "suspended"
    raw["locks"] = [{"session": "S1", "examiner": "E4", "role": "leader"}]
    done, out = solve_file(tmp_path, raw, "--lang", "en")
    assert done.returncode == 2
    [problem] = result_of(out).diagnostics
    assert problem.field == "locks[0](S1).examiner" and problem.session == "S1"
    assert "E4" in problem.message and "suspended" in problem.message


@pytest.mark.parametrize(
    "content", ["{not json", "[1, 2, 3]", '"an instance"', "", "\xff\xfe garbage"]
)
def test_solve_unreadable_instance_exits_2_without_traceback(tmp_path, content):
    path = tmp_path / "instance.json"
    path.write_text(content, encoding="latin-1")
    done, out = solve_file(tmp_path, path)
    assert done.returncode == 2
    result = result_of(out)
    assert result.status == "INVALID_INPUT"
    assert [d.rule for d in result.diagnostics] == ["INPUT"]


def test_solve_missing_instance_file_exits_2_without_traceback(tmp_path):
    done, out = solve_file(tmp_path, tmp_path / "nowhere.json")
    assert done.returncode == 2
    assert result_of(out).status == "INVALID_INPUT"


def test_check_accepts_the_solvers_result(tmp_path):
    _, out = solve_file(tmp_path, feasible())
    done = run("check", tmp_path / "instance.json", out, "--lang", "en")
    assert done.returncode == 0
    assert "OK: 2 sessions" in done.stdout
    assert "Traceback" not in done.stderr


def test_check_names_the_rule_of_a_hand_edited_result(tmp_path):
    raw = feasible()
    raw["examiners"][5]["status"] = "suspended"  # E6 may not serve
    _, out = solve_file(tmp_path, raw)
    edited = json.loads(out.read_text(encoding="utf-8"))
    panel = edited["assignments"][0]
    plain = next(m for m in panel["members"] if m != panel["leader"])
    panel["members"] = sorted([m for m in panel["members"] if m != plain] + ["E6"])
    write(out, edited)
    done = run("check", tmp_path / "instance.json", out)
    assert done.returncode == 1
    assert f"H3 {panel['session']} E6" in done.stdout
    assert "发现违规" in done.stdout
    assert "Traceback" not in done.stderr


def test_check_unreadable_result_exits_2(tmp_path):
    write(tmp_path / "instance.json", feasible())
    (tmp_path / "result.json").write_text("{oops", encoding="utf-8")
    done = run("check", tmp_path / "instance.json", tmp_path / "result.json")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


def test_schema_writes_both_files(tmp_path):
    done = run("schema", "--out", tmp_path / "schemas")
    assert done.returncode == 0
    for name, schema in schemas().items():
        path = tmp_path / "schemas" / name
        assert path.read_text(encoding="utf-8") == render(schema)
        assert str(path) in done.stdout


# ----- the loader on arbitrary JSON ------------------------------------------------------

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
KEYS = ["format", "policy", "occupations", "venues", "examiners", "candidates", "sessions"]
KEYS += ["conflicts", "history", "baseline", "locks", "institution"]


def loads_or_refuses(raw: Any) -> None:
    try:
        instance, warnings = load_instance(raw)
    except InvalidInput as exc:
        assert exc.problems
        assert all(p.message for p in exc.problems)
    else:
        assert isinstance(warnings, list)
        assert instance.format == "panel-instance/1"


@settings(max_examples=300, deadline=None)
@given(raw=JSON)
def test_loader_returns_or_refuses_any_json_value(raw):
    loads_or_refuses(raw)


@settings(max_examples=300, deadline=None)
@given(key=st.sampled_from(KEYS), index=st.integers(0, 6), field=st.text(max_size=10), value=JSON)
def test_loader_returns_or_refuses_a_valid_instance_with_one_value_replaced(
    key, index, field, value
):
    raw = copy.deepcopy(feasible())
    raw["locks"] = [{"session": "S1", "examiner": "E1", "role": "leader"}]
    raw["baseline"] = [{"session": "S2", "leader": "E2", "members": ["E2", "E3", "E4"]}]
    target = raw[key]
    if isinstance(target, list) and target:
        item = target[index % len(target)]
        item[field or next(iter(item))] = value
    elif isinstance(target, dict):
        target[field] = value
    else:
        raw[key] = value
    loads_or_refuses(raw)


@settings(max_examples=300, deadline=None)
@given(
    days=st.lists(st.dates(), min_size=6, max_size=6),
    times=st.lists(st.datetimes(), min_size=2, max_size=2),
)
@example(days=[date(9998, 1, 1), date(9999, 1, 1)] + [date(2026, 1, 1)] * 4, times=[])
def test_loader_returns_or_refuses_any_dates(days, times):
    raw = feasible()
    first = raw["examiners"][0]
    first["appointments"] = [{"start": days[0].isoformat(), "end": days[1].isoformat()}]
    first["unavailable"] = [{"start": days[2].isoformat(), "end": days[3].isoformat()}]
    first["certified_until"] = days[4].isoformat()
    first["assessing_since"] = days[5].isoformat()
    if times:
        start, end = (t.isoformat(timespec="minutes") for t in times)
        raw["sessions"][0].update(start=start, end=end)
    loads_or_refuses(raw)
