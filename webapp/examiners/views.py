"""The examiner list, the detail page, and the create / edit forms (records: `records.py`).

Every write goes through a service that checks everything before writing
(`services.people.writes.save_examiner`, then `set_duty` for the status and the cap per
term) inside a savepoint (`in_savepoint`), so a refusal leaves nothing behind even though the
request itself ends with 200 and is committed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from models import Examiner
from models.base import DocumentType, ExaminerStatus, Grade, Role, Sex
from services.discipline.actions import suspension
from services.messages import Problem, Refused
from services.people.checks import ExaminerIn, Lookups, check
from services.people.history import examiner_history
from services.people.queries import (
    Filters,
    examiner_by_code,
    examiner_page,
    examiner_records,
    occupation_choices,
)
from services.people.seats import examiner_seats
from services.people.unavailability import examiner_periods, suspension_problem
from services.people.writes import SETTABLE_STATUSES, duty_problems, save_examiner, set_duty

from ..database import db, institution
from ..language import service_lang
from ..planning.term import examiner_load
from ..privacy import shown_id, shown_phone, sight
from ..roles import role_required
from . import blueprint
from .forms import Parsed, errors_by_field, exists_problem, parse_examiner, values_of
from .labels import LEVELS, label

FORM_FIELDS = {
    "document_type", "document_number", "code", "name", "sex", "birth_month", "phone",
    "organization", "education", "title", "vocational_certificate", "work_history", "grade",
    "assessing_since", "leader_eligible", "occupation", "top_level", "certificate_number",
    "issue_date", "valid_until", "appointment", "status", "status_reason", "max_sessions",
}  # fmt: skip
T = TypeVar("T")


def choices() -> dict[str, Any]:
    """The enums and the catalogue every examiner template offers."""
    return {
        "grades": list(Grade),
        "statuses": list(ExaminerStatus),
        "settable_statuses": SETTABLE_STATUSES,
        "sexes": list(Sex),
        "document_types": list(DocumentType),
        "occupations": occupation_choices(db()),
        "shown_id": shown_id,
        "shown_phone": shown_phone,
        "relations": sight().relations,
        "label": label,
        "levels": LEVELS,
    }


def find(code: str) -> Examiner:
    """The institution's examiner with `code` (404 when there is none)."""
    examiner = examiner_by_code(db(), current_user.institution_id, code)
    if examiner is None:
        abort(404)
    return examiner


@blueprint.route("/examiners")
@role_required(Role.VIEWER)
def index() -> str:
    """Search and filter the examiners, one page at a time."""
    filters = Filters.of(request.args)
    page = examiner_page(db(), current_user.institution_id, filters, date.today(), sight())
    return render_template("examiners/list.html", page=page, filters=filters, **choices())


@blueprint.route("/examiners/<code>")
@role_required(Role.VIEWER)
def detail(code: str) -> str:
    """Everything recorded about one examiner, with the change history."""
    return render_detail(find(code))


def render_detail(examiner: Examiner, errors: dict[str, Any] | None = None, **values: Any) -> str:
    """The detail page (with the errors of a refused add-record form, if any)."""
    records, lang = _records(examiner), service_lang()
    seen = sight()  # like the document number and phone on the page
    lines = examiner_history(db(), examiner)
    history = [line.text(lang, seen.ids, seen.phones, seen.relations) for line in lines]
    return render_template(
        "examiners/detail.html",
        examiner=examiner,
        history=history,
        suspension=suspension(db(), examiner),
        seats=examiner_seats(db(), examiner),
        load=examiner_load(examiner.code),
        now=datetime.now(),
        lang=lang,
        errors=errors or {},
        values=values,
        **records,
        **choices(),
    )


def _records(examiner: Examiner) -> dict[str, Any]:
    """Qualifications, conflicts, warnings, revocations, ratings, reviews, unavailability."""
    return {**examiner_records(db(), examiner), "periods": examiner_periods(db(), examiner)}


@blueprint.route("/examiners/new", methods=["GET", "POST"])
@role_required(Role.PLANNER)
def create() -> str | Response:
    """A new examiner with a first qualification, certificate and appointment."""
    if request.method == "GET":
        initial = {"document_type": DocumentType.RESIDENT_ID.value, "status": "active"}
        return _form(None, initial, {})
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
    status = existing.status if existing is not None else ExaminerStatus.ACTIVE
    parsed.problems += duty_problems(status, parsed.duty)
    if parsed.problems:
        return None

    def save() -> Examiner:
        saved = save_examiner(db(), institution(), parsed.data)
        return set_duty(db(), saved, parsed.duty, date.today())

    saved = in_savepoint(save, parsed.problems)
    if saved is None:
        return None
    flash(_("Examiner %(code)s saved.", code=saved.code))
    if saved.status == ExaminerStatus.SUSPENDED and status != ExaminerStatus.SUSPENDED:
        still = suspension_problem(db(), saved)  # suspended, yet on panels in force
        if still is not None:
            flash(still.text(service_lang()))
    return redirect(url_for("examiners.detail", code=saved.code))


def write(data: ExaminerIn, problems: list[Problem]) -> Examiner | None:
    """Save `data` in a savepoint; on a refusal add its problems and write nothing."""
    return in_savepoint(lambda: save_examiner(db(), institution(), data), problems)


def in_savepoint(work: Callable[[], T], problems: list[Problem]) -> T | None:
    """Run `work` in a savepoint; on a refusal roll it back, add its problems, return None."""
    savepoint = db().begin_nested()
    try:
        done = work()
    except Refused as refused:
        savepoint.rollback()
        problems += refused.problems
        return None
    savepoint.commit()
    return done
