"""Discipline (R5): warnings (planners issue them), revocation requests the certifying unit
decides (admins record the decision), and refusals to serve offered as warnings."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from models import Refusal, Revocation
from models.base import Role
from models.discipline import RevocationStatus
from services.discipline.actions import approve_revocation, reject_revocation, warn
from services.discipline.queries import latest_revocations, latest_warnings
from services.discipline.refusals import (
    dismiss_offer,
    record_refusal,
    warn_for_refusal,
    warning_offers,
)
from services.messages import Refused

from ...database import db
from ...language import service_lang
from ...roles import role_required
from ..blueprint import blueprint
from ..common import Errors, Form, actor, home, today

WARNING_FIELDS = ("examiner", "issued_on", "reason", "session", "status")
DECISION_FIELDS = ("decided_on", "certifying_unit", "decision_reference", "status")
REFUSAL_FIELDS = ("examiner", "refused_on", "reason", "session")
LIMIT = 300


@blueprint.route("/warnings")
@role_required(Role.VIEWER)
def warnings() -> str:
    """Warnings issued, newest first, and the form to issue one."""
    return _warnings_page({}, {"issued_on": today().isoformat()})


@blueprint.route("/warnings", methods=["POST"])
@role_required(Role.PLANNER)
def warning_issue() -> str | Response:
    """Issue a warning; a second one (or a serious case) opens a revocation request."""
    form = Form()
    examiner, issued_on = form.examiner(), form.day("issued_on")
    assessment, reason = form.session(), form.text("reason")
    if not form.errors and examiner is not None and issued_on is not None:
        try:
            with db().begin_nested():
                warn(db(), examiner, issued_on, reason, serious=form.flag("serious"),
                     assessment=assessment, issued_by=actor())  # fmt: skip
        except Refused as refused:
            form.merge(refused, WARNING_FIELDS)
        else:
            flash(_("Warning recorded for %(code)s %(name)s.", code=examiner.code,
                    name=examiner.name))  # fmt: skip
            if examiner.status.value == "revocation_pending":
                flash(_("A revocation request awaits the certifying unit's decision."))
            return redirect(url_for("records.warnings"))
    return _warnings_page(form.errors, dict(form.values))


def _warnings_page(errors: Errors, values: dict) -> str:
    rows = latest_warnings(db(), home().id, LIMIT)
    return render_template("records/warnings.html", warnings=rows, errors=errors, values=values)


@blueprint.route("/revocations")
@role_required(Role.VIEWER)
def revocations() -> str:
    """Revocation requests awaiting the certifying unit, and those decided."""
    return _revocations_page(None, {}, {})


@blueprint.route("/revocations/<int:ident>/decide", methods=["POST"])
@role_required(Role.ADMIN)
def revocation_decide(ident: int) -> str | Response:
    """Record the certifying unit's decision (approve revokes for good; reject restores)."""
    revocation = _revocation(ident)
    form = Form()
    decided_on = form.day("decided_on")
    unit, reference = form.text("certifying_unit"), form.text("decision_reference")
    approve = form.text("decision") == "approve"
    if not form.errors and decided_on is not None:
        decide = approve_revocation if approve else reject_revocation
        try:
            with db().begin_nested():
                decide(db(), revocation, decided_on, unit, reference)
        except Refused as refused:
            form.merge(refused, DECISION_FIELDS)
        else:
            flash(_("Revocation of %(code)s approved: the qualification is revoked.",
                    code=revocation.examiner.code) if approve else
                  _("Revocation of %(code)s rejected: the examiner is active again.",
                    code=revocation.examiner.code))  # fmt: skip
            return redirect(url_for("records.revocations"))
    return _revocations_page(revocation.id, form.errors, dict(form.values))


def _revocation(ident: int) -> Revocation:
    revocation = db().get(Revocation, ident)
    if revocation is None or revocation.examiner.institution_id != home().id:
        abort(404)
    return revocation


def _revocations_page(failed: int | None, errors: Errors, values: dict) -> str:
    rows = latest_revocations(db(), home().id, LIMIT)
    pending = [r for r in rows if r.status == RevocationStatus.PENDING]
    decided = [r for r in rows if r.status != RevocationStatus.PENDING]
    return render_template(
        "records/revocations.html", pending=pending, decided=decided, failed=failed,
        errors=errors, values=values, today=today().isoformat(),
    )  # fmt: skip


@blueprint.route("/refusals")
@role_required(Role.VIEWER)
def refusals() -> str:
    """Refusals to serve: the offers to warn still open, and the form to record one."""
    return _refusals_page({}, {"refused_on": today().isoformat()})


@blueprint.route("/refusals", methods=["POST"])
@role_required(Role.PLANNER)
def refusal_record() -> str | Response:
    """Record a refusal to serve (one without a valid reason is offered as a warning)."""
    form = Form()
    examiner, refused_on, assessment = form.examiner(), form.day("refused_on"), form.session()
    if not form.errors and examiner is not None and refused_on is not None:
        try:
            with db().begin_nested():
                record_refusal(db(), examiner, refused_on, form.text("reason"),
                               valid_reason=form.flag("valid_reason"), assessment=assessment)  # fmt: skip
        except Refused as refused:
            form.merge(refused, REFUSAL_FIELDS)
        else:
            flash(_("Refusal recorded for %(code)s.", code=examiner.code))
            return redirect(url_for("records.refusals"))
    return _refusals_page(form.errors, dict(form.values))


@blueprint.route("/refusals/<int:ident>/<any(warn, dismiss):action>", methods=["POST"])
@role_required(Role.ADMIN)
def refusal_offer(ident: int, action: str) -> str | Response:
    """Issue the offered warning, or decide not to warn."""
    refusal = db().get(Refusal, ident)
    if refusal is None or refusal.examiner.institution_id != home().id:
        abort(404)
    try:
        with db().begin_nested():
            if action == "warn":
                warn_for_refusal(db(), refusal, today(), issued_by=actor(),
                                 serious=Form().flag("serious"))  # fmt: skip
            else:
                dismiss_offer(db(), refusal, by=actor())
    except Refused as refused:
        return _refusals_page({"": [p.reason(service_lang()) for p in refused.problems]}, {})
    flash(_("Warning issued.") if action == "warn" else _("No warning: the offer is closed."))
    return redirect(url_for("records.refusals"))


def _refusals_page(errors: Errors, values: dict) -> str:
    offers = warning_offers(db(), home())
    return render_template("records/refusals.html", offers=offers, errors=errors, values=values)
