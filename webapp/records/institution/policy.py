"""The institution's policy settings (SPEC 4.2): everyone may read them, admins change them
through `services.planning.policy.update_policy`, which refuses any value looser than the notice.
The privacy setting beside them (whether viewers see whole phones) is the admins' too."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from models.base import Role
from services.institution.privacy import set_viewers_see_phones
from services.messages import Refused, label
from services.planning.policy import GRADES, effective_policy, update_policy
from solver.numbers import BadNumber, whole
from solver.schema import Policy

from ...database import db
from ...language import service_lang
from ...roles import role_required
from ..blueprint import blueprint
from ..common import Errors, Form, home

# A policy number past this is no policy (days of experience: over 270 years).
POLICY_MOST = 100_000
NUMBERS = ("min_panel_size", "max_consecutive_same_venue", "leader_min_experience_days")
FLAGS = ("odd_panel_size", "recuse_candidate_organization", "allow_unfilled")
CHOICES = {
    "rotation_scope": (("venue_occupation", _l("per venue and occupation")),
                       ("occupation", _l("per occupation, across venues"))),
    "consecutive_rule": (("examiner_sequence", _l("the examiner's own sessions in a row")),
                         ("venue_sequence", _l("the venue's sessions in a row")),
                         ("both", _l("both counts"))),
}  # fmt: skip
KEYS = (*NUMBERS, "turnover", *CHOICES, "grade_top_level", *FLAGS)


@blueprint.route("/policy")
@role_required(Role.VIEWER)
def policy() -> str:
    """The policy in force, editable by admins."""
    return _page(_shown(effective_policy(home())), {})


@blueprint.route("/policy", methods=["POST"])
@role_required(Role.ADMIN)
def policy_update() -> str | Response:
    """Save the settings; a looser value is refused with its reason next to the field."""
    form = Form()
    changes = _changes(form)
    if not form.errors:
        try:
            with db().begin_nested():
                update_policy(db(), home(), changes)
        except Refused as refused:
            form.merge(refused, [f"policy.{key}" for key in KEYS])
        else:
            flash(_("Policy saved."))
            return redirect(url_for("records.policy"))
    return _page(dict(request.form), form.errors)


@blueprint.route("/policy/privacy", methods=["POST"])
@role_required(Role.ADMIN)
def privacy_update() -> Response:
    """Whether viewers see whole phone numbers (masked unless the institution allows)."""
    set_viewers_see_phones(db(), home(), Form().flag("viewers_see_phones"))
    flash(_("Privacy setting saved."))
    return redirect(url_for("records.policy"))


def _changes(form: Form) -> dict[str, Any]:
    """The form's values; one equal to the notice's default restores the default (None)."""
    default = Policy()
    values: dict[str, Any] = {key: form.number(key, least=0, most=POLICY_MOST) for key in NUMBERS}
    values |= {key: form.flag(key) for key in FLAGS}
    values |= {key: form.text(key) for key in CHOICES}
    values["turnover"] = _turnover(form)
    values["grade_top_level"] = {grade: form.number(f"grade_{grade}", least=1) for grade in GRADES}
    for key in NUMBERS:  # the service's messages name the policy key
        if key in form.errors:
            form.errors[f"policy.{key}"] = form.errors.pop(key)
    return {
        key: None if _same(value, getattr(default, key)) else value for key, value in values.items()
    }


def _turnover(form: Form) -> list[int] | None:
    raw = form.text("turnover").replace("／", "/")
    parts = raw.split("/")
    try:
        if len(parts) == 2:
            return [whole(part, 0, POLICY_MOST) for part in parts]
    except BadNumber:
        pass
    form.fail("policy.turnover", _("Write the share as a fraction, e.g. 1/3."))
    return None


def _same(value: Any, default: Any) -> bool:
    if isinstance(default, tuple):
        return list(default) == value
    if isinstance(default, dict):
        return {str(k): v for k, v in default.items()} == value
    return bool(value == default)


def _shown(policy: Policy) -> dict[str, Any]:
    """The form's values for `policy`."""
    shown: dict[str, Any] = {key: getattr(policy, key) for key in (*NUMBERS, *CHOICES, *FLAGS)}
    shown["turnover"] = "/".join(str(n) for n in policy.turnover)
    for grade in GRADES:
        shown[f"grade_{grade}"] = policy.top_level(grade)  # type: ignore[arg-type]
    return shown


def _page(values: dict[str, Any], errors: Errors) -> str:
    names = {key: label(f"policy.{key}", service_lang()) for key in KEYS}
    return render_template(
        "records/policy.html", values=values, errors=errors, names=names, numbers=NUMBERS,
        flags=FLAGS, choices=CHOICES, grades=GRADES, viewers_see_phones=home().viewers_see_phones,
    )  # fmt: skip
