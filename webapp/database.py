"""One database session per request, committed once the view has succeeded.

Views and services only flush; `commit_session` (after the view) and `close_session`
(teardown: roll back whatever was not committed) are the single transaction boundary, as in
Indico's `web/rh.py`. The actor recorded in the change history is the signed-in user
(set by the user loader in `auth`).
"""

from __future__ import annotations

from flask import Flask, Response, abort, current_app, g, has_request_context, request
from flask_login import current_user
from sqlalchemy.orm import Session

from models import Institution
from models.db import make_engine, read_only, session_factory


def init_app(app: Flask) -> None:
    """Open the engine and end each request's session properly."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["panelplan.sessions"] = session_factory(engine)
    # Pages that only show (GET, HEAD) read without queueing behind writers (SQLite).
    app.extensions["panelplan.reading"] = session_factory(read_only(engine))
    app.extensions["panelplan.engine"] = engine
    app.after_request(commit_session)
    app.teardown_appcontext(close_session)


def institution() -> Institution:
    """The signed-in user's institution (404 if it is gone)."""
    found = db().get(Institution, current_user.institution_id)
    if found is None:
        abort(404)
    return found


def db() -> Session:
    """The request's session (opened on first use)."""
    if "db" not in g:
        reading = has_request_context() and request.method in ("GET", "HEAD")
        g.db = current_app.extensions["panelplan.reading" if reading else "panelplan.sessions"]()
    return g.db


def commit_session(response: Response) -> Response:
    """Commit the request's work when the view succeeded (a failed commit is a 500)."""
    session = g.get("db")
    if session is not None and response.status_code < 400:
        session.commit()
    return response


def close_session(_error: BaseException | None) -> None:
    """Roll back anything not committed; always close."""
    session = g.pop("db", None)
    if session is not None:
        session.rollback()
        session.close()
