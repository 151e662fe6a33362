"""Publish JSON Schemas of both formats, generated from the typed models so they cannot drift."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode

from .schema import INSTANCE_FORMAT, RESULT_FORMAT, Instance, Result

FILES: dict[str, tuple[type[BaseModel], str, JsonSchemaMode]] = {
    "panel-instance-1.schema.json": (Instance, INSTANCE_FORMAT, "validation"),
    "panel-result-1.schema.json": (Result, RESULT_FORMAT, "serialization"),
}


def schemas() -> dict[str, dict[str, Any]]:
    """File name -> JSON Schema (draft 2020-12) of each format."""
    out = {}
    for filename, (model, fmt, mode) in FILES.items():
        schema = model.model_json_schema(mode=mode)
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://panelplan.example/schemas/{filename}",
            "title": fmt,
            **{k: v for k, v in schema.items() if k != "title"},
        }
        out[filename] = schema
    return out


def render(schema: dict[str, Any]) -> str:
    """The exact text written to disk (stable key order, UTF-8)."""
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_schemas(directory: Path) -> list[Path]:
    """Write every schema file into `directory`; return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for filename, schema in schemas().items():
        path = directory / filename
        path.write_text(render(schema), encoding="utf-8")
        paths.append(path)
    return paths
