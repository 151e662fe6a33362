"""Fixtures of the web tests: a seeded template database, an app on a copy, clients."""

from __future__ import annotations

from typing import Any

import pytest
from webtools import Client, app_on_copy, seed_template


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory):
    """A migrated database with an institution and one user per role (made once)."""
    return seed_template(tmp_path_factory.mktemp("web") / "template.db")


@pytest.fixture
def app(template, tmp_path):
    """The app on a private copy of `template` (a test module may override that fixture)."""
    app = app_on_copy(template, tmp_path)
    yield app
    app.extensions["panelplan.engine"].dispose()


@pytest.fixture
def client(app) -> Client:
    """A client not signed in."""
    return Client(app.test_client())


@pytest.fixture
def planner(app) -> Client:
    """A client signed in as the planner."""
    client = Client(app.test_client())
    client.login("planner")
    return client


@pytest.fixture
def site(app, client) -> tuple[Any, Client]:
    """The app and a client not signed in, as one fixture."""
    return app, client
