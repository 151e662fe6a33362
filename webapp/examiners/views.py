"""The examiner list, the detail page, and the create / edit / add-record / confirm actions.

Every write goes through `services.examiner_writes.save_examiner` (which checks everything
before writing) inside a savepoint, so a refusal leaves nothing behind even though the
request itself ends with 200 and is committed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from models import (
    Conflict,
    Examiner,
    ExaminerWarning,
    Institution,
    Qualification,
    Rating,
    Review,
    Revocation,
)
from models.base import DocumentType, ExaminerStatus, Grade, Role, Sex
from services.compliance import confirm_examiner
from services.examiner_writes import save_examiner
from services.examiners import ExaminerIn, Lookups, QualificationIn, check
from services.exports.layout import mask_id
from services.history import examiner_history
from services.messages import Problem, Refused

from .. import service_lang
from ..database import db
from ..roles import may, role_required
from . import blueprint
from .forms import (
    MESSAGES,
    Parsed,
    errors_by_field,
    exists_problem,
    parse_amount,
    parse_examiner,
    parse_level,
    parse_term,
    values_of,
)
from .labels import LEVELS, label
from .queries import Filters, examiner_page, occupation_choices

FORM_FIELDS = {
    "document_type", "document_number", "code", "name", "sex", "birth_month", "phone",
    "organization", "education", "title", "vocational_certificate", "work_history", "grade",
    "assessing_since", "leader_eligible", "occupation", "top_level", "certificate_number",
    "issue_date", "valid_until", "appointment",
}  # fmt: skip


def institution() -> Institution:
    """The signed-in user's institution."""
    return db().get_one(Institution, current_user.institution_id)


def shown_id(number: str | None) -> str:
    """The document number as this user may see it: whole for admins, masked otherwise."""
    return (number or "") if may(Role.ADMIN) else mask_id(number)


def choices() -> dict[str, Any]:
    """The enums and the catalogue every examiner template offers."""
    return {
        "grades": list(Grade),
        "statuses": list(ExaminerStatus),
        "sexes": list(Sex),
        "document_types": list(DocumentType),
        "occupations": occupation_choices(db()),
        "shown_id": shown_id,
        "label": label,
        "levels": LEVELS,
    }


def find(code: str) -> Examiner:
    """The institution's examiner with `code` (404 when there is none)."""
    examiner = db().scalar(
        select(Examiner).where(
            Examiner.institution_id == current_user.institution_id, Examiner.code == code
        )
    )
    if examiner is None:
        abort(404)
    return examiner


@blueprint.route("/examiners")
@role_required(Role.VIEWER)
def index() -> str:
    """Search and filter the examiners, one page at a time."""
    filters = Filters.of(request.args)
    page = examiner_page(db(), current_user.institution_id, filters, date.today())
    return render_template("examiners/list.html", page=page, filters=filters, **choices())


@blueprint.route("/examiners/<code>")
@role_required(Role.VIEWER)
def detail(code: str) -> str:
    """Everything recorded about one examiner, with the change history."""
    return render_detail(find(code))


def render_detail(examiner: Examiner, errors: dict[str, Any] | None = None, **values: Any) -> str:
    """The detail page (with the errors of a refused add-record form, if any)."""
    records = _records(examiner)
    history = [line.text(service_lang()) for line in examiner_history(db(), examiner)]
    return render_template(
        "examiners/detail.html",
        examiner=examiner,
        history=history,
        errors=errors or {},
        values=values,
        **records,
        **choices(),
    )


def _records(examiner: Examiner) -> dict[str, Any]:
    """Conflicts, warnings, revocations, ratings and reviews of `examiner`."""
    session, mine = db(), examiner.id

    def rows(model: Any, *order: Any, options: tuple[Any, ...] = ()) -> list[Any]:
        query = select(model).where(model.examiner_id == mine).options(*options)
        return list(session.scalars(query.order_by(*order)))

    targets = (joinedload(Conflict.candidate), joinedload(Conflict.organization))
    return {
        "qualifications": rows(
            Qualification, Qualification.id, options=(joinedload(Qualification.occupation),)
        ),
        "conflicts": rows(Conflict, Conflict.declared_on.desc(), options=targets),
        "warnings": rows(ExaminerWarning, ExaminerWarning.issued_on.desc()),
        "revocations": rows(Revocation, Revocation.requested_on.desc()),
        "ratings": rows(Rating, Rating.id.desc()),
        "reviews": rows(Review, Review.year.desc()),
    }


@blueprint.route("/examiners/new", methods=["GET", "POST"])
@role_required(Role.PLANNER)
def create() -> str | Response:
    """A new examiner with a first qualification, certificate and appointment."""
    if request.method == "GET":
        return _form(None, {"document_type": DocumentType.RESIDENT_ID.value}, {})
    parsed = parse_examiner(request.form, None)
    return _save(parsed, None) or _form(None, parsed.values, _errors(parsed))


@blueprint.route("/examiners/<code>/edit", methods=["GET", "POST"])
@role_required(Role.PLANNER)
def edit(code: str) -> str | Response:
    """Change an examiner's Attachment 1 fields (the document number and code stay)."""
    examiner = find(code)
    if request.method == "GET":
        return _form(examiner, values_of(examiner), {})
    parsed = parse_examiner(request.form, examiner)
    return _save(parsed, examiner) or _form(examiner, parsed.values, _errors(parsed))


def _form(examiner: Examiner | None, values: dict[str, str], errors: dict[str, Any]) -> str:
    return render_template(
        "examiners/form.html", examiner=examiner, values=values, errors=errors, **choices()
    )


def _errors(parsed: Parsed) -> dict[str, list[str]]:
    return errors_by_field(parsed.problems, service_lang(), FORM_FIELDS)


def _save(parsed: Parsed, existing: Examiner | None) -> Response | None:
    """Save when every check passes and redirect; else leave the problems in `parsed`."""
    lookups = Lookups(db(), institution())
    known = lookups.examiners.get(parsed.data.document_number)
    if existing is None and known is not None:
        parsed.problems.append(exists_problem(known))
    parsed.problems += check(lookups, parsed.data)
    if parsed.problems:
        return None
    saved = _write(parsed.data, parsed.problems)
    if saved is None:
        return None
    flash(_("Examiner %(code)s saved.", code=saved.code))
    return redirect(url_for("examiners.detail", code=saved.code))


def _write(data: ExaminerIn, problems: list[Problem]) -> Examiner | None:
    """Save `data` in a savepoint; on a refusal add its problems and write nothing."""
    savepoint = db().begin_nested()
    try:
        saved = save_examiner(db(), institution(), data)
    except Refused as refused:
        savepoint.rollback()
        problems += refused.problems
        return None
    savepoint.commit()
    return saved


def _for(examiner: Examiner) -> ExaminerIn:
    """An update of `examiner` that changes nothing by itself (records are added to it)."""
    return ExaminerIn(
        document_number=examiner.document_number, document_type=examiner.document_type
    )


@blueprint.route("/examiners/<code>/qualifications", methods=["POST"])
@role_required(Role.PLANNER)
def add_qualification(code: str) -> str | Response:
    """Let the examiner assess one more occupation (or change its highest level)."""
    examiner = find(code)
    problems: list[Problem] = []
    occupation = request.form.get("occupation", "").strip()
    level = parse_level(request.form.get("top_level"), problems)
    data = _for(examiner)
    if not occupation:
        problems.append(Problem.of(MESSAGES, "missing", "occupation"))
    data.qualifications.append(QualificationIn(occupation, level))
    if not problems and _write(data, problems) is not None:
        flash(_("Qualification saved."))
        return redirect(url_for("examiners.detail", code=code))
    errors = errors_by_field(problems, service_lang(), {"occupation", "top_level"})
    return render_detail(examiner, errors, **request.form)


@blueprint.route("/examiners/<code>/appointments", methods=["POST"])
@role_required(Role.PLANNER)
def add_appointment(code: str) -> str | Response:
    """Record a new appointment term (at most 3 years, overlapping none) with its allowance."""
    examiner = find(code)
    problems: list[Problem] = []
    term = parse_term(request.form, problems)
    allowance = parse_amount(request.form.get("allowance", "").strip(), problems)
    if term is None and not problems:
        problems.append(Problem.of(MESSAGES, "missing", "appointment"))
    data = _for(examiner)
    if term is not None:
        data.appointments.append(term)
    if not problems and _write(data, problems) is not None:
        for appointment in examiner.appointments:
            if appointment.start == term[0] and allowance is not None:
                appointment.allowance_per_session = allowance  # not part of ExaminerIn
        flash(_("Appointment saved."))
        return redirect(url_for("examiners.detail", code=code))
    known = {"appointment", "allowance"}
    return render_detail(examiner, errors_by_field(problems, service_lang(), known), **request.form)


@blueprint.route("/examiners/<code>/confirm", methods=["POST"])
@role_required(Role.PLANNER)
def confirm(code: str) -> Response:
    """Record that the examiner's contact and qualification data was checked today (R1)."""
    examiner = confirm_examiner(db(), institution(), find(code).code, date.today())
    flash(_("Data of %(name)s confirmed today.", name=examiner.name))
    return redirect(url_for("examiners.detail", code=code))
