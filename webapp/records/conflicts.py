"""Conflicts of interest (回避关系): the register, registering one (planners), and the
results it voids after the fact (the report `services.conflicts.register_conflict` returns)."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import Candidate, Conflict, Examiner, Organization
from models.base import ConflictKind, Role
from services.conflicts import invalid_results, register_conflict
from services.messages import Refused

from .. import service_lang
from ..database import db
from ..roles import role_required
from .blueprint import blueprint
from .common import Form, home, today
from .labels import label

FIELDS = ("examiner", "kind", "candidate", "organization", "conflict_target", "since", "declared_on",
          "note")  # fmt: skip
LIMIT = 500


@blueprint.route("/conflicts")
@role_required(Role.VIEWER)
def conflicts() -> str:
    """Every registered conflict and the results voided so far."""
    return _page(Form(), {})


@blueprint.route("/conflicts", methods=["POST"])
@role_required(Role.PLANNER)
def conflict_register() -> str:
    """Register a conflict; show the results it voids (nothing is written when refused)."""
    form = Form()
    examiner = form.examiner()
    kind = form.text("kind", required=True)
    candidate = _candidate(form)
    organization = _organization(form)
    since, declared = form.day("since", required=False), form.day("declared_on")
    if form.errors or examiner is None or declared is None:
        return _page(form, dict(form.values))
    try:
        with db().begin_nested():
            report = register_conflict(
                db(), examiner, kind, declared, candidate=candidate, organization=organization,
                since=since, note=form.text("note") or None,
            )  # fmt: skip
    except Refused as refused:
        form.merge(refused, FIELDS)
        return _page(form, dict(form.values))
    return render_template("records/conflict_report.html", report=report, lang=service_lang())


def _candidate(form: Form) -> Candidate | None:
    code = form.text("candidate")
    if not code:
        return None
    found = db().scalar(
        select(Candidate).where(Candidate.institution_id == home().id, Candidate.code == code)
    )
    if found is None:
        form.fail("candidate", _("No candidate has the code %(code)s.", code=code))
    return found


def _organization(form: Form) -> Organization | None:
    ident = form.number("organization", required=False)
    found = db().get(Organization, ident) if ident is not None else None
    if found is not None and found.institution_id != home().id:
        return None
    return found


def _page(form: Form, values: dict) -> str:
    institution = home()
    rows = (
        db()
        .scalars(
            select(Conflict)
            .join(Examiner, Examiner.id == Conflict.examiner_id)
            .where(Examiner.institution_id == institution.id)
            .options(
                selectinload(Conflict.examiner),
                selectinload(Conflict.candidate),
                selectinload(Conflict.organization),
            )
            .order_by(Conflict.declared_on.desc(), Conflict.id.desc())
            .limit(LIMIT)
        )
        .all()
    )
    organizations = (
        db()
        .scalars(
            select(Organization)
            .where(Organization.institution_id == institution.id)
            .order_by(Organization.name)
        )
        .all()
    )
    return render_template(
        "records/conflicts.html", conflicts=rows, invalid=invalid_results(db(), institution),
        errors=form.errors, values=values or {"declared_on": today().isoformat()},
        kinds=[(k.value, label(k)) for k in ConflictKind],
        organizations=[("", _("— none —"))] + [(o.id, o.name) for o in organizations],
        lang=service_lang(),
    )  # fmt: skip
