"""Helpers of the records and dashboard tests: a template database with the generated S
data set (40 examiners, 50 sessions), seeded once per test run. A plain module."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from webtools import seed_template

from data.generate import generate
from services.demo.loading import load_generated


def _load(session: Any) -> Any:
    return load_generated(session, generate("S", 0))


def records_template_path(factory: pytest.TempPathFactory) -> Path:
    """The seeded template (made by the first test module that asks for it)."""
    path = factory.getbasetemp() / "records-template" / "template.db"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        seed_template(path, _load)
    return path


def query(app: Any, statement: Any) -> list[Any]:
    """Rows of `statement` read from the app's database (after the requests committed)."""
    from webapp.database import db

    with app.app_context():
        return list(db().execute(statement).all())


def one(app: Any, statement: Any) -> Any:
    """The single value of `statement`."""
    rows = query(app, statement)
    assert len(rows) == 1, rows
    return rows[0][0]


TODAY = date.today()
