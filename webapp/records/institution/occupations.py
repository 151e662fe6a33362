"""The occupation catalogue: listed for everyone; added and edited only by deployment admins
(the catalogue is shared by every institution of the database) through
`services.institution.occupations`, which checks every value and audits every change."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from models import Occupation
from models.base import Role
from services.institution.occupations import read_occupation, save_occupation
from services.institution.queries import catalogue

from ...database import db
from ...language import service_lang
from ...roles import deployment_admin_required, is_deployment_admin, role_required
from ..blueprint import blueprint
from ..common import Errors, Form

OCCUPATION_FIELDS = ("occupation_code", "occupation_name", "edition", "candidates_per_examiner")


@blueprint.route("/occupations")
@role_required(Role.VIEWER)
def occupations() -> str:
    """The occupation catalogue (shared by the institutions of this database)."""
    rows = catalogue(db())
    return render_template(
        "records/occupations.html", occupations=rows, editable=is_deployment_admin()
    )


@blueprint.route("/occupations/new", methods=["GET", "POST"])
@deployment_admin_required
def occupation_new() -> str | Response:
    """Add an occupation (the same code and edition again updates the stored one)."""
    return _occupation_form(None)


@blueprint.route("/occupations/<int:ident>/edit", methods=["GET", "POST"])
@deployment_admin_required
def occupation_edit(ident: int) -> str | Response:
    """Change an occupation's name or ratio (its code and edition identify it)."""
    occupation = db().get(Occupation, ident)
    if occupation is None:
        abort(404)
    return _occupation_form(occupation)


def _occupation_form(occupation: Occupation | None) -> str | Response:
    form = Form()
    errors: Errors = {}
    values = _values(occupation)
    if request.method == "POST":
        values = {name: form.text(name) for name in OCCUPATION_FIELDS}
        if occupation is not None:  # code and edition are the row's identity: never changed
            values["occupation_code"], values["edition"] = occupation.code, occupation.edition
        item, problems = read_occupation(*(values[name] for name in OCCUPATION_FIELDS))
        for problem in problems:
            errors.setdefault(problem.field, []).append(problem.reason(service_lang()))
        if item is not None:
            outcome = save_occupation(db(), item)
            flash(_("Occupation %(code)s %(name)s saved.", code=item.code, name=item.name)
                  if outcome != "unchanged" else _("Nothing changed."))  # fmt: skip
            return redirect(url_for("records.occupations"))
    return render_template(
        "records/occupation_form.html", occupation=occupation, values=values, errors=errors
    )


def _values(occupation: Occupation | None) -> dict[str, object]:
    if occupation is None:
        return {"edition": "2022", "candidates_per_examiner": 5}
    return dict(
        zip(
            OCCUPATION_FIELDS,
            (occupation.code, occupation.name, occupation.edition,
             occupation.candidates_per_examiner),
            strict=True,
        )
    )  # fmt: skip
