"""Test helpers for the web app: a seeded database template, a signed-in client, a live server.

A plain module (not conftest) so tests import it by a name unique across tests/.
"""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from models.db import make_engine, session_factory, transaction
from models.migrate import upgrade
from services.institution.users import create_user
from webapp import create_app
from webapp.config import TestConfig

PASSWORDS = {"admin": "admin-pass-1", "planner": "planner-pass-1", "viewer": "viewer-pass-1"}
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def seed_template(path: Path, loader: Any = None) -> Path:
    """A migrated SQLite file with an institution (or `loader`'s data) and one user per role."""
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    with transaction(session_factory(engine), "seed") as session:
        if loader is not None:
            institution = loader(session)
        else:
            from models import Institution

            institution = Institution(code="3204005", name="常州市测试评价中心")
            session.add(institution)
            session.flush()
        for role, password in PASSWORDS.items():
            create_user(session, institution, role, role, password, f"{role}用户")
    engine.dispose()
    return path


def app_on_copy(template: Path, directory: Path, csrf: bool = True) -> Flask:
    """An app on a private copy of the template database."""
    target = directory / "web.db"
    shutil.copy(template, target)
    return create_app(TestConfig(f"sqlite:///{target}", csrf=csrf))


@contextmanager
def database(app: Flask) -> Iterator[Session]:
    """A session on the app's database, outside any request (rolled back and closed after)."""
    session = app.extensions["panelplan.sessions"]()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


def make_deployment_admin(app: Flask, username: str = "admin") -> None:
    """Let `username` change the shared catalogue (before signing in: their sessions end)."""
    from sqlalchemy import select

    from models import User
    from services.institution.users import set_deployment_admin

    with database(app) as session:
        set_deployment_admin(
            session, session.scalars(select(User).filter_by(username=username)).one()
        )
        session.commit()


@dataclass
class Client:
    """A test client that signs in and sends the CSRF token with every form."""

    client: FlaskClient
    token: str = ""

    def refresh_token(self, path: str = "/login") -> str:
        found = CSRF.search(self.client.get(path, follow_redirects=True).get_data(as_text=True))
        assert found, f"no CSRF token on {path}"
        self.token = found.group(1)
        return self.token

    def login(self, role: str, password: str | None = None) -> Any:
        self.refresh_token("/login")
        data = {"username": role, "password": password or PASSWORDS[role], "csrf_token": self.token}
        response = self.client.post("/login", data=data)
        if response.status_code == 302:
            self.refresh_token("/")
        return response

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return self.client.post(path, data={"csrf_token": self.token, **(data or {})}, **kwargs)


class LiveServer:
    """The app served by waitress on 127.0.0.1 in a background thread."""

    def __init__(self, app: Flask) -> None:
        from waitress.server import create_server

        self.server = create_server(app, host="127.0.0.1", port=0, threads=4)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.stopping = False
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        # Closing the listening socket from another thread can interrupt the
        # loop's select() with EBADF; that is the shutdown, not a failure.
        try:
            self.server.run()
        except OSError:
            if not self.stopping:
                raise

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping = True
        self.server.close()
        self.server.task_dispatcher.shutdown()
        self.thread.join(timeout=5)
