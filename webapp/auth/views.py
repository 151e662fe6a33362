"""Sign in (rate-limited), sign out, choose the language."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from models import User
from models.db import acting_as
from services.institution.users import end_sessions, sign_in
from services.messages import Refused

from ..database import db
from ..extensions import login_manager
from ..language import LOCALES, service_lang
from ..security import same_site_path

blueprint = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField("username", validators=[DataRequired()])
    password = PasswordField("password", validators=[DataRequired()])


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The signed-in user, who is also the actor of the request's recorded changes.

    The id is `user.session_version` (`User.get_id`): a cookie from before the user's
    last sign-out or password change names an old version and loads nobody.
    """
    ident, _dot, version = user_id.partition(".")
    if not (ident.isdigit() and version.isdigit()):
        return None
    user = db().get(User, int(ident))
    if user is None or not user.active or user.session_version != int(version):
        return None
    acting_as(db(), user.username)
    return user


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    """Show the form; sign in with a correct name and password."""
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        config = current_app.config
        try:
            user = sign_in(
                db(), form.username.data or "", form.password.data or "", datetime.now(UTC),
                config["LOGIN_ATTEMPTS"], config["LOGIN_WINDOW_MINUTES"],
            )  # fmt: skip
        except Refused as refused:
            error = refused.problems[0].reason(service_lang())
        else:
            login_user(user)
            acting_as(db(), user.username)
            return redirect(_safe_next() or url_for("main.home"))
    return render_template("auth/login.html", form=form, error=error)


@blueprint.route("/logout", methods=["POST"])
def logout() -> Response:
    """Sign out: this cookie, and any copy of it, no longer signs anyone in."""
    if current_user.is_authenticated:
        end_sessions(current_user)
        db().flush()
    logout_user()
    flash(_("You have signed out."))
    return redirect(url_for("auth.login"))


@blueprint.route("/lang/<code>", methods=["POST"])
def language(code: str) -> Response:
    """Remember the chosen language in a cookie."""
    response = make_response(redirect(_safe_next() or url_for("main.home")))
    if code in LOCALES:
        response.set_cookie("lang", code, max_age=365 * 86400, httponly=True, samesite="Lax")
    return response


def _safe_next() -> str | None:
    """A same-site path to return to (never another host)."""
    return same_site_path(request.args.get("next") or request.form.get("next"))


__all__ = ["blueprint", "current_user"]
