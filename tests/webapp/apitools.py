"""Helpers of the API tests: the generated S data set with a solved plan (version 1), its
first and last session days, and a signed-in client. A plain module."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from flask import Flask
from webtools import Client

from data.generate import generate
from services.demo.loading import load_generated
from services.planning.plans import solve_and_store
from solver.solve import Options
from webapp import create_app
from webapp.config import TestConfig


@cache
def sample() -> dict:
    """The S data set (40 examiners, 50 sessions)."""
    return generate("S", 0)


def first_day() -> date:
    """The day of the sample's first session."""
    return date.fromisoformat(min(s["start"] for s in sample()["sessions"])[:10])


def last_day() -> date:
    """The day of the sample's last session."""
    return date.fromisoformat(max(s["start"] for s in sample()["sessions"])[:10])


def sample_with_a_plan(session: Any) -> Any:
    """Load the sample and store a deterministic plan of all its days; the institution."""
    home = load_generated(session, sample())
    options = Options(time_limit=10, workers=1, deterministic=True)
    solve_and_store(session, home, first_day(), last_day(), options)
    return home


def signed_in(app: Flask, role: str | None) -> Client:
    """A client of `app` signed in as `role` (None: anonymous)."""
    client = Client(app.test_client())
    if role:
        assert client.login(role).status_code == 302
    return client


def app_on(url: str) -> Flask:
    """The app on the database at `url` (as the tests configure it)."""
    return create_app(TestConfig(url))
