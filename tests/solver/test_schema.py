"""The published JSON Schemas (SPEC 4): committed files match the models, and real instances
and results validate against them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from builders import load, raw_instance, session
from jsonschema import Draft202012Validator

from solver.json_schema import FILES, render, schemas
from solver.load import read_instance
from solver.schema import Result
from solver.solve import Options, solve

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
INSTANCES = [FIXTURES / "small-term.json", *sorted((ROOT / "data" / "samples").glob("*.json"))]


def validator(name: str) -> Draft202012Validator:
    schema = schemas()[name]
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def errors(name: str, document: Any) -> list[str]:
    found = validator(name).iter_errors(document)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in found]


@pytest.mark.parametrize("name", sorted(FILES))
def test_committed_schema_matches_the_models(name):
    committed = (ROOT / "schemas" / name).read_text(encoding="utf-8")
    assert committed == render(schemas()[name])
    assert json.loads(committed)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_samples_are_present():
    names = {p.name for p in INSTANCES}
    assert {"small-term.json", "S.json", "M.json"} <= names


@pytest.mark.parametrize("path", INSTANCES, ids=[p.name for p in INSTANCES])
def test_instances_validate_against_the_instance_schema(path):
    document = json.loads(path.read_text(encoding="utf-8"))
    assert errors("panel-instance-1.schema.json", document) == []
    instance, _ = read_instance(path)  # and the loader agrees
    assert instance.sessions


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda raw: raw["sessions"][0].update(level=7), "sessions/0/level"),
        (lambda raw: raw["sessions"][0].update(start="2026-03-02 08:30"), "sessions/0/start"),
        (lambda raw: raw["examiners"][0].update(grade="master"), "examiners/0/grade"),
        (lambda raw: raw["locks"].append({"session": "S1", "role": "boss"}), "locks/0"),
    ],
)
def test_instance_schema_refuses_what_the_loader_refuses(change, where):
    raw = raw_instance(6)
    change(raw)
    found = errors("panel-instance-1.schema.json", raw)
    assert found and any(line.startswith(where) for line in found), found


@pytest.mark.parametrize("n_examiners", [6, 2])
def test_solver_results_validate_against_the_result_schema(n_examiners):
    sessions = [session("S1"), session("S2", 1, "V2")]
    instance = load(raw_instance(n_examiners, sessions))
    result = solve(instance, Options(time_limit=10, workers=1, deterministic=True))
    assert result.status == ("OPTIMAL" if n_examiners == 6 else "INFEASIBLE")
    document = json.loads(result.model_dump_json())
    assert errors("panel-result-1.schema.json", document) == []


def test_result_schema_refuses_an_unknown_status():
    document = json.loads(Result(status="OPTIMAL").model_dump_json())
    document["status"] = "DONE"
    assert errors("panel-result-1.schema.json", document)
