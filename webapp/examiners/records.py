"""Records on the examiner detail page: add or remove a qualification, an appointment, a
certificate or a period of unavailability, end an appointment's term, confirm the data (R1).

Each change runs in a savepoint (`views.in_savepoint`) through one service: a refusal is shown
next to the form or the row it concerns, the page answers 200 and nothing is written.
Removals are refused while a panel in force relies on the record
(`services.people.records`). A period of unavailability is recorded even when it falls on
panels in force (someone falls ill): the planner is told which sessions, to replace them
through What if (`services.people.unavailability`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from models import Examiner
from models.base import Role
from services.alerts.compliance import confirm_examiner
from services.cells import parse_date
from services.messages import Problem
from services.people.checks import ExaminerIn, QualificationIn
from services.people.records import (
    end_appointment,
    remove_appointment,
    remove_certificate,
    remove_qualification,
)
from services.people.unavailability import add_period, period_problems, remove_period
from services.people.writes import save_examiner

from ..database import db, institution
from ..language import service_lang
from ..roles import role_required
from . import blueprint
from .forms import MESSAGES, errors_by_field, parse_amount, parse_level, parse_term
from .views import find, in_savepoint, render_detail, write


def _for(examiner: Examiner) -> ExaminerIn:
    """An update of `examiner` that changes nothing by itself (records are added to it)."""
    return ExaminerIn(
        document_number=examiner.document_number, document_type=examiner.document_type
    )


def _back(code: str, message: str) -> Response:
    flash(message)
    return redirect(url_for("examiners.detail", code=code))


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
    if not problems and write(data, problems) is not None:
        return _back(code, _("Qualification saved."))
    errors = errors_by_field(problems, service_lang(), {"occupation", "top_level"})
    return render_detail(examiner, errors, **request.form)


@blueprint.route("/examiners/<code>/appointments", methods=["POST"])
@role_required(Role.PLANNER)
def add_appointment(code: str) -> str | Response:
    """Record a new appointment term (at most 3 years, overlapping none) with its allowance.

    A term starting on a stored term's first day corrects that term's end, through the same
    check as "end or change the last day" (never from under a panel in force).
    """
    examiner = find(code)
    problems: list[Problem] = []
    term = parse_term(request.form, problems)
    allowance = parse_amount(request.form.get("allowance", "").strip(), problems)
    if term is None and not problems:
        problems.append(Problem.of(MESSAGES, "missing", "appointment"))
    if not problems and in_savepoint(lambda: _save_term(examiner, term), problems) is not None:
        for appointment in examiner.appointments:
            if appointment.start == term[0] and allowance is not None:
                appointment.allowance_per_session = allowance  # not part of ExaminerIn
        return _back(code, _("Appointment saved."))
    known = {"appointment", "allowance"}
    return render_detail(examiner, errors_by_field(problems, service_lang(), known), **request.form)


def _save_term(examiner: Examiner, term: tuple[date, date]) -> Examiner:
    """Add the term, or move the end of the stored term starting the same day."""
    stored = next((a for a in examiner.appointments if a.start == term[0]), None)
    if stored is not None:
        return end_appointment(db(), stored, term[1])
    data = _for(examiner)
    data.appointments.append(term)
    return save_examiner(db(), institution(), data)


@blueprint.route("/examiners/<code>/confirm", methods=["POST"])
@role_required(Role.PLANNER)
def confirm(code: str) -> Response:
    """Record that the examiner's contact and qualification data was checked today (R1)."""
    examiner = confirm_examiner(db(), institution(), find(code).code, date.today())
    return _back(code, _("Data of %(name)s confirmed today.", name=examiner.name))


@blueprint.route("/examiners/<code>/qualifications/<int:record>/delete", methods=["POST"])
@role_required(Role.PLANNER)
def delete_qualification(code: str, record: int) -> str | Response:
    """Remove a qualification (refused while a panel in force relies on it)."""
    examiner = find(code)
    found = _one(examiner.qualifications, record)
    work = lambda: remove_qualification(db(), found)  # noqa: E731
    return _change(examiner, f"qualification-{record}", work, _("Qualification removed."))


@blueprint.route("/examiners/<code>/appointments/<int:record>/delete", methods=["POST"])
@role_required(Role.PLANNER)
def delete_appointment(code: str, record: int) -> str | Response:
    """Remove an appointment entered by mistake (refused while a panel in force relies on it)."""
    examiner = find(code)
    found = _one(examiner.appointments, record)
    work = lambda: remove_appointment(db(), found)  # noqa: E731
    return _change(examiner, f"appointment-{record}", work, _("Appointment removed."))


@blueprint.route("/examiners/<code>/appointments/<int:record>/end", methods=["POST"])
@role_required(Role.PLANNER)
def end_term(code: str, record: int) -> str | Response:
    """Move an appointment's last day, e.g. end it early (never under a panel in force)."""
    examiner = find(code)
    found = _one(examiner.appointments, record)
    end, problems = parse_date(request.form.get("end", "").strip(), "appointment_end")
    if end is None and not problems:
        problems = [Problem.of(MESSAGES, "missing", "appointment_end")]
    key = f"term-{record}"
    if end is None:
        return render_detail(examiner, _reasons(key, problems), end=request.form.get("end", ""))
    work = lambda: end_appointment(db(), found, end)  # noqa: E731
    return _change(examiner, key, work, _("Appointment term changed."))


@blueprint.route("/examiners/<code>/certificates/<int:record>/delete", methods=["POST"])
@role_required(Role.PLANNER)
def delete_certificate(code: str, record: int) -> str | Response:
    """Remove a certificate entered by mistake (refused while a panel in force relies on it)."""
    examiner = find(code)
    found = _one(examiner.certificates, record)
    work = lambda: remove_certificate(db(), found)  # noqa: E731
    return _change(examiner, f"certificate-{record}", work, _("Certificate removed."))


PERIOD_FIELDS = {"period_start", "period_end", "period_reason"}


@blueprint.route("/examiners/<code>/unavailability", methods=["POST"])
@role_required(Role.PLANNER)
def add_unavailability(code: str) -> str | Response:
    """Record days the examiner cannot serve; name the panels in force they fall on."""
    examiner = find(code)
    problems: list[Problem] = []
    start = _day("period_start", problems)
    end = _day("period_end", problems)
    reason = request.form.get("period_reason", "").strip()
    unreadable = {p.field for p in problems}
    problems += [
        p for p in period_problems(start, end, reason) if p.field not in unreadable
    ]  # a date that could not be read is not also "missing"
    work = lambda: add_period(db(), examiner, start, end, reason)  # noqa: E731
    added = None if problems else in_savepoint(work, problems)
    if added is None:
        errors = errors_by_field(problems, service_lang(), PERIOD_FIELDS)
        return render_detail(examiner, errors, **request.form)
    flash(_("Unavailability saved."))
    notice = added.notice(examiner, service_lang())
    if notice is not None:
        flash(notice)
    return redirect(url_for("examiners.detail", code=code, _anchor="unavailability"))


@blueprint.route("/examiners/<code>/unavailability/<int:record>/delete", methods=["POST"])
@role_required(Role.PLANNER)
def delete_unavailability(code: str, record: int) -> str | Response:
    """Remove a period (never refused: the examiner only becomes available again)."""
    examiner = find(code)
    found = _one(examiner.unavailability, record)
    work = lambda: remove_period(db(), found)  # noqa: E731
    return _change(examiner, f"period-{record}", work, _("Unavailability removed."))


def _day(name: str, problems: list[Problem]) -> date | None:
    """The date typed in form field `name` (any form the importer reads), None when empty."""
    day, found = parse_date(request.form.get(name, "").strip(), name)
    problems += found
    return day


def _one(records: Iterable[Any], record: int) -> Any:
    """The examiner's record with id `record` (404 when it is not theirs)."""
    found = next((r for r in records if r.id == record), None)
    if found is None:
        abort(404)
    return found


def _change(
    examiner: Examiner, key: str, work: Callable[[], Examiner], done: str
) -> str | Response:
    """Run `work` in a savepoint and go back to the page, or show why not next to row `key`."""
    problems: list[Problem] = []
    if in_savepoint(work, problems) is not None:
        return _back(examiner.code, done)
    return render_detail(examiner, _reasons(key, problems), **request.form)


def _reasons(key: str, problems: list[Problem]) -> dict[str, list[str]]:
    return {key: [problem.reason(service_lang()) for problem in problems]}
