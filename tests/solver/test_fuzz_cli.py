"""Fuzz `panelplan solve` and `panelplan check` (issue 13): mangled instances and results,
bad options. Every run must end with exit 0, 1 or 2 (never a crash: the command line's exit
70), `solve` must always write a result file that reads back with the status its exit code
says, and a plan it calls valid must pass `check`. The commands run in-process through the
same parser and functions as the console script (no subprocesses: fast enough to fuzz).
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import random
from contextlib import redirect_stderr, redirect_stdout
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from builders import raw_instance, session
from fuzztools import NUMBERISH, bad_value, count, rng, tally

from cli.main import build_parser
from solver.cli import EXIT
from solver.schema import Result

DEEP = "__deep__"
SPECIAL = ["{}", '{"sessions": []}', "[]", "null", '"x"', "", "{", '{"sessions": [}', "\ufeff{}"]


def base() -> dict[str, Any]:
    """A small valid instance touching every list: history, conflicts, a lock, a baseline."""
    raw = raw_instance(6, [session("S1"), session("S2", day=1), session("S3", day=1, venue="V2")])
    raw["candidates"] = [{"id": "C1", "organization": "单位C"}]
    raw["sessions"][0]["candidates"] = ["C1"]
    raw["sessions"][0].pop("candidate_count")
    raw["conflicts"] = [{"examiner": "E1", "candidate": "C1", "kind": "relative"}]
    raw["locks"] = [{"session": "S2", "examiner": "E2", "role": "member"}]
    history = session("H1", day=-1)
    raw["history"] = [{"session": history, "leader": "E3", "members": ["E3", "E4", "E5"]}]
    raw["baseline"] = [{"session": "S3", "leader": "E4", "members": ["E4", "E5", "E6"]}]
    return raw


def _slots(value: Any, into: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """Every (container, key) of a JSON value, to pick one to mangle."""
    if isinstance(value, dict):
        for key in value:
            into.append((value, key))
            _slots(value[key], into)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            into.append((value, index))
            _slots(item, into)
    return into


def mangled(raw: Any, r: random.Random) -> str:
    """The JSON text of `raw` after one to three random mutations (or a special text)."""
    if r.random() < 0.05:
        return r.choice(SPECIAL)
    value = copy.deepcopy(raw)
    for _ in range(r.randint(1, 3)):
        slots = _slots(value, [])
        if not slots:
            break
        container, key = r.choice(slots)
        action = r.random()
        if action < 0.6:
            container[key] = bad_value(r, json_too=True)
        elif action < 0.7:
            container[key] = DEEP
        elif action < 0.8 and isinstance(container, dict):
            del container[key]
        elif action < 0.9 and isinstance(container, list):
            container.append(copy.deepcopy(container[key]))
        else:
            container[key] = r.choice(NUMBERISH) if r.random() < 0.5 else r.randint(-(2**70), 2**70)
    text = json.dumps(value, ensure_ascii=r.random() < 0.5)
    deep = r.choice([50, 70, 1000, 3000])
    text = text.replace(json.dumps(DEEP), "[" * deep + "]" * deep)
    if r.random() < 0.05:
        text = text[: r.randint(0, len(text))]
    return text


@cache
def _parser() -> argparse.ArgumentParser:
    return build_parser()[0]  # built once: it takes longer than a small solve


def run(argv: list[str]) -> tuple[int, str]:
    """Run one command as the console script would, minus its last net: its exit code (an
    exception here is what `panelplan` turns into exit 70) and what it printed."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")  # as a real stdout
    err = io.StringIO()
    parser = _parser()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            args = parser.parse_args(argv)
        except SystemExit as stop:  # argparse refuses an option: exit 2
            return int(stop.code or 0), err.getvalue()
        code = args.run(args)
        out.flush()
    return code, err.getvalue()


def _solve_and_check(text: str | bytes, options: list[str], folder: Path, t: Any) -> None:
    source, result = folder / "instance.json", folder / "result.json"
    result.unlink(missing_ok=True)
    if isinstance(text, bytes):
        source.write_bytes(text)
    else:
        source.write_text(text, encoding="utf-8", errors="surrogatepass")
    shown = text[:200] if isinstance(text, str) else repr(text[:200])
    try:
        code, _ = run(["solve", str(source), "-o", str(result), "--quiet", *options])
        if code == 2 and not result.exists():  # an option argparse refused: no solve ran
            return
        read = Result.model_validate_json(result.read_bytes())
        if code != EXIT[read.status]:
            t.fail(shown, f"exit {code} but status {read.status}")
        checked, lines = run(["check", str(source), str(result)])
        if checked not in (0, 1, 2) or (read.status in ("OPTIMAL", "FEASIBLE") and checked):
            t.fail(shown, f"check exit {checked} on a {read.status} result: {lines[:300]}")
    except Exception as error:  # exit 70 for a planner
        t.fail(shown, error)


@pytest.mark.fuzz
def test_solve_and_check_never_crash_on_mangled_instances(tmp_path) -> None:
    r, raw = rng("solve"), base()
    with tally("solver: solve + check on mangled instances") as t:
        for _ in range(count(40)):
            t.inputs += 1
            text = mangled(raw, r)
            if r.random() < 0.03:
                _solve_and_check(b"\xff\xfe" + text.encode(), ["--workers", "1"], tmp_path, t)
                continue
            options = ["--workers", "1", "--time-limit", "0.5"]
            if r.random() < 0.15:
                options = [r.choice(["--time-limit", "--seed", "--workers"]), r.choice(NUMBERISH)]
            _solve_and_check(text, options, tmp_path, t)


@pytest.mark.fuzz
def test_check_never_crashes_on_mangled_results(tmp_path) -> None:
    r = rng("check")
    source, good = tmp_path / "instance.json", tmp_path / "good.json"
    source.write_text(json.dumps(base()), encoding="utf-8")
    code, _ = run(["solve", str(source), "-o", str(good), "--quiet", "--workers", "1"])
    assert code == 0
    plan = json.loads(good.read_text(encoding="utf-8"))
    with tally("solver: check on mangled results") as t:
        for _ in range(count(40)):
            t.inputs += 1
            text = mangled(plan, r)
            result = tmp_path / "result.json"
            result.write_text(text, encoding="utf-8", errors="surrogatepass")
            try:
                checked, _ = run(["check", str(source), str(result)])
                if checked not in (0, 1, 2):
                    t.fail(text[:200], f"check exit {checked}")
            except Exception as error:
                t.fail(text[:200], error)


def test_the_reported_inputs_give_exit_2_or_a_result(tmp_path) -> None:
    """Issue 13's cases: `{}`, no sessions, 3,000-deep nesting, a lone surrogate in an id."""
    surrogate = json.dumps({"examiners": [{"id": "E\ud800"}], "sessions": []})
    cases = {"{}": 0, '{"sessions": []}': 0, "[" * 3000 + "]" * 3000: 2, surrogate: 2}
    for text, expected in cases.items():
        (tmp_path / "i.json").write_text(text, encoding="utf-8")
        out = tmp_path / "r.json"
        assert run(["solve", str(tmp_path / "i.json"), "-o", str(out), "--quiet"])[0] == expected
        status = Result.model_validate_json(out.read_bytes()).status
        assert status == ("OPTIMAL" if expected == 0 else "INVALID_INPUT")
        assert run(["check", str(tmp_path / "i.json"), str(out)])[0] in (expected, 1)
    huge = base()
    huge["sessions"][2]["panel_size"] = 2**70  # found by `make fuzz`: CP-SAT's int64 overflowed
    (tmp_path / "i.json").write_text(json.dumps(huge), encoding="utf-8")
    assert run(["solve", str(tmp_path / "i.json"), "-o", str(tmp_path / "r.json")])[0] == 2
    for bad in ("nan", "inf", "1e999", "-1", "²"):
        assert run(["solve", "x.json", "--time-limit", bad])[0] == 2
    assert run(["solve", "x.json", "--seed", str(10**30)])[0] == 2
