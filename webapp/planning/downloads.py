"""Downloads: a plan's sheets (plan, dispatch, examiner sheets with calendars), the allowance
statement, the invalid results, and Attachments 1 and 2.

Every file is built by the export services and sent with its Chinese name (`download_name`:
RFC 5987 `filename*`). ID numbers: plan, dispatch and examiner sheets only ever hold masked
numbers; Attachments 1 and 2 carry full numbers for admins only, everyone else gets a
masked copy (the services audit every full-number export). Phones: masked for viewers unless
the institution lets them see phones (`webapp.privacy`).
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import date
from pathlib import Path

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from openpyxl import Workbook
from werkzeug.wrappers import Response

from models.base import Role
from services.discipline.invalid_rows import invalid_file, invalid_rows
from services.exports.allowance import allowance_workbook
from services.exports.assignments import plan_workbook, schedules
from services.exports.calendar import examiner_calendar
from services.exports.dispatch import dispatch_workbook
from services.exports.examiner_sheets import examiner_workbook
from services.exports.invalid import invalid_workbook
from services.exports.plan_rows import PanelRow, PlanHeader
from services.filing.forms import (
    attachment1_name,
    attachment2_name,
    write_attachment1,
    write_attachment2,
)
from services.filing.forms_rows import year_roster
from services.messages import Refused
from services.planning.allowance_rows import allowance_file, served_seats
from services.planning.sheet_rows import (
    calendar_file,
    dispatch_file,
    examiner_files,
    plan_file,
    plan_header,
    plan_rows,
)
from solver.numbers import BadNumber, whole

from ..database import db, institution
from ..language import service_lang
from ..privacy import sight
from ..roles import role_required
from .views import blueprint, plan_or_404

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def send_workbook(wb: Workbook, name: str) -> Response:
    """The workbook as an attachment named `name`."""
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return send_file(buffer, mimetype=XLSX, as_attachment=True, download_name=name)


def _sheet_data(version: int) -> tuple[PlanHeader, list[PanelRow]]:
    found = plan_or_404(version)
    inst = institution()
    return plan_header(db(), inst, found), plan_rows(db(), inst, found, sight().phones)


@blueprint.route("/plans/<int:version>/download/plan")
@role_required(Role.VIEWER)
def download_plan(version: int) -> Response:
    """The whole plan: one row per session (考评小组安排表)."""
    header, rows = _sheet_data(version)
    return send_workbook(plan_workbook(header, rows), plan_file(header))


@blueprint.route("/plans/<int:version>/download/dispatch")
@role_required(Role.VIEWER)
def download_dispatch(version: int) -> Response:
    """One dispatch sheet per session (派遣单); `?session=CODE`: that session's only."""
    header, rows = _sheet_data(version)
    code = request.args.get("session", "")[:40]
    if code:
        rows = [r for r in rows if r.code == code] or abort(404)
    return send_workbook(dispatch_workbook(header, rows), dispatch_file(header))


@blueprint.route("/plans/<int:version>/download/examiners")
@role_required(Role.VIEWER)
def download_examiners(version: int) -> Response:
    """Examiner sheets: the workbook alone, or (`?with=ics`) a zip with one calendar each;
    `?examiner=CODE`: that examiner's sheet (with `with=ics`, their calendar alone)."""
    header, rows = _sheet_data(version)
    plans, code = schedules(rows), request.args.get("examiner", "")[:40]
    if code:
        plans = [s for s in plans if s.person.code == code] or abort(404)
        if request.args.get("with") == "ics":
            (one,) = plans
            data = examiner_calendar(header, one.person, one.sessions)
            return send_file(io.BytesIO(data), mimetype="text/calendar", as_attachment=True,
                             download_name=calendar_file(header, one.person))  # fmt: skip
    workbook_name, bundle = examiner_files(header)
    if request.args.get("with") != "ics":
        return send_workbook(examiner_workbook(header, plans), workbook_name)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        sheet = io.BytesIO()
        examiner_workbook(header, plans).save(sheet)
        archive.writestr(workbook_name, sheet.getvalue())
        for s in plans:
            archive.writestr(
                calendar_file(header, s.person), examiner_calendar(header, s.person, s.sessions)
            )
    buffer.seek(0)
    name = f"{bundle}.zip"
    return send_file(buffer, mimetype="application/zip", as_attachment=True, download_name=name)


@blueprint.route("/downloads")
@role_required(Role.VIEWER)
def downloads() -> str:
    """The institution's other files: allowance, invalid results, Attachments 1 and 2."""
    today = date.today()
    return render_template(
        "planning/downloads.html", year=today.year, first=date(today.year, 1, 1), today=today,
        full_ids=current_user.role == Role.ADMIN,
    )  # fmt: skip


def _dates() -> tuple[date, date]:
    try:
        return date.fromisoformat(request.args["from"]), date.fromisoformat(request.args["to"])
    except (KeyError, ValueError):
        abort(400)


def _refused(refused: Refused) -> Response:
    for line in refused.lines(service_lang()):
        flash(line, "error")
    return redirect(url_for("planning.downloads"))


@blueprint.route("/downloads/allowance")
@role_required(Role.VIEWER)
def download_allowance() -> Response:
    """The allowance statement of a period (`?from=&to=`, `&planned=1` adds expected seats)."""
    inst = institution()
    first, last = _dates()
    try:
        seats = served_seats(db(), inst, first, last, request.args.get("planned") == "1")
    except Refused as refused:
        return _refused(refused)
    name = allowance_file(inst, first, last)
    return send_workbook(allowance_workbook(inst.name, first, last, seats), name)


@blueprint.route("/downloads/invalid")
@role_required(Role.VIEWER)
def download_invalid() -> Response:
    """Candidates whose result is void (R5)."""
    inst = institution()
    today = date.today()
    wb = invalid_workbook(inst.name, today, invalid_rows(db(), inst, sight().relations))
    return send_workbook(wb, invalid_file(inst, today))


@blueprint.route("/downloads/attachment/<int:number>")
@role_required(Role.VIEWER)
def download_attachment(number: int) -> Response:
    """Attachment 1 or 2 for a year's examiners (`?year=`): full ID numbers for admins only."""
    if number not in (1, 2):
        abort(404)
    inst = institution()
    try:
        year = whole(request.args.get("year") or date.today().year, 1900, 9999)
    except BadNumber:
        abort(400)
    full, phones = current_user.role == Role.ADMIN, sight().phones
    label = f"{year}" if full else f"{year}_脱敏"
    with tempfile.TemporaryDirectory() as folder:
        try:
            filed = year_roster(db(), inst, year)
            if number == 1:
                path = Path(folder) / attachment1_name(inst, label)
                write_attachment1(db(), inst, filed, path, full_ids=full, whole_phones=phones)
            else:
                path = Path(folder) / attachment2_name(inst, year, "" if full else "脱敏")
                write_attachment2(db(), inst, year, filed, path, full_ids=full, whole_phones=phones)
        except Refused as refused:
            return _refused(refused)
        data = io.BytesIO(path.read_bytes())
    return send_file(data, mimetype=XLSX, as_attachment=True, download_name=path.name)
