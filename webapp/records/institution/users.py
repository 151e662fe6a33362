"""Users (admins only): list, create with a role (`services.institution.users`), deactivate."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from models import User
from models.base import Role
from services.institution.queries import users_of
from services.institution.users import create_user, deactivate_user
from services.messages import Refused

from ...database import db
from ...language import service_lang
from ...roles import role_required
from ..blueprint import blueprint
from ..common import Errors, Form, home, owned
from ..labels import label

FIELDS = ("username", "role", "password", "display_name")


@blueprint.route("/users")
@role_required(Role.ADMIN)
def users() -> str:
    """The institution's users and the form to add one."""
    return _page({}, {"role": Role.PLANNER.value})


@blueprint.route("/users", methods=["POST"])
@role_required(Role.ADMIN)
def user_create() -> str | Response:
    """Create a user with a role (the service refuses bad names, roles and short passwords)."""
    form = Form()
    username = form.text("username")
    try:
        with db().begin_nested():
            create_user(db(), home(), username, form.text("role"),
                        form.values.get("password") or "", form.text("display_name") or None)  # fmt: skip
    except Refused as refused:
        values = {k: v for k, v in form.values.items() if k != "password"}
        return _page(form.merge(refused, FIELDS), values)
    flash(_("User %(name)s created.", name=username))
    return redirect(url_for("records.users"))


@blueprint.route("/users/<int:ident>/deactivate", methods=["POST"])
@role_required(Role.ADMIN)
def user_deactivate(ident: int) -> str | Response:
    """Stop a user from signing in (the record stays: their name is in the history)."""
    user = owned(User, ident)
    try:
        deactivate_user(db(), user, current_user)
    except Refused as refused:
        return _page({"": refused.lines(service_lang())}, {})
    flash(_("User %(name)s can no longer sign in.", name=user.username))
    return redirect(url_for("records.users"))


def _page(errors: Errors, values: dict) -> str:
    rows = users_of(db(), home().id)
    roles = [(r.value, label(r)) for r in Role if r != Role.CITY]  # the city: CLI only
    return render_template(
        "records/users.html", users=rows, errors=errors, values=values, roles=roles
    )
