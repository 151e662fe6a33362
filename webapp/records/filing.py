"""Filing with the superior unit (R7): training plans and filing batches through their
workflows (draft → filed → accepted, or returned), and Attachments 1 and 2 for admins."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from models import Examiner, FilingBatch, Institution, TrainingPlan
from models.base import Role
from services.filing import batches as batches_service
from services.filing import queries
from services.filing import training as plans_service
from services.filing.forms import (
    attachment1_name,
    attachment2_name,
    write_attachment1,
    write_attachment2,
)
from services.filing.forms_rows import batch_examiners
from services.institution.privacy import Sight
from services.messages import Refused
from services.people.queries import examiners_by_code

from ..database import db
from ..language import service_lang
from ..roles import role_required
from .blueprint import blueprint
from .common import Errors, Form, home, owned, today

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLAN_FIELDS = ("title", "start", "end", "trainees_planned", "status")
BATCH_FIELDS = ("plan", "examiners", "examiner", "status")
PLAN_ACTIONS: dict[str, Callable[..., Any]] = {
    "file": lambda s, p: plans_service.file_training_plan(s, p, today()),
    "accept": plans_service.accept_training_plan,
    "return": plans_service.return_training_plan,
    "reopen": plans_service.reopen_training_plan,
}
BATCH_ACTIONS: dict[str, Callable[..., Any]] = {
    "file": lambda s, b: batches_service.file_batch(s, b, today()),
    "accept": lambda s, b: batches_service.accept_batch(s, b, today()),
    "return": batches_service.return_batch,
    "reopen": batches_service.reopen_batch,
}


@blueprint.route("/training-plans")
@role_required(Role.VIEWER)
def training_plans() -> str:
    """Training plans with their filing status, and the form to add one."""
    return _plans_page({}, {})


@blueprint.route("/training-plans", methods=["POST"])
@role_required(Role.PLANNER)
def training_plan_add() -> str | Response:
    """Add a training plan (a draft until filed)."""
    form = Form()
    title = form.text("title", required=True)
    starts, ends = form.day("start"), form.day("end")
    trainees = form.number("trainees_planned", required=False, least=1)
    if not form.errors and starts is not None and ends is not None:
        try:
            with db().begin_nested():
                plans_service.add_training_plan(db(), home(), title, starts, ends, trainees,
                                                form.text("content") or None)  # fmt: skip
        except Refused as refused:
            form.merge(refused, PLAN_FIELDS)
        else:
            flash(_("Training plan added."))
            return redirect(url_for("records.training_plans"))
    return _plans_page(form.errors, dict(form.values))


@blueprint.route("/training-plans/<int:ident>/<any(file, accept, return, reopen):action>",
                 methods=["POST"])  # fmt: skip
@role_required(Role.PLANNER)
def training_plan_move(ident: int, action: str) -> str | Response:
    """Move a training plan along its filing workflow."""
    plan = owned(TrainingPlan, ident)
    try:
        with db().begin_nested():
            PLAN_ACTIONS[action](db(), plan)
    except Refused as refused:
        return _plans_page({"": refused.lines(service_lang())}, {})
    flash(_("Training plan updated."))
    return redirect(url_for("records.training_plans"))


def _plans_page(errors: Errors, values: dict) -> str:
    rows = queries.training_plans(db(), home().id)
    return render_template("records/training_plans.html", plans=rows, errors=errors, values=values)


@blueprint.route("/filing-batches")
@role_required(Role.VIEWER)
def batches() -> str:
    """Filing batches with their status and examiners, and the form to create one."""
    return _batches_page({}, {})


@blueprint.route("/filing-batches", methods=["POST"])
@role_required(Role.PLANNER)
def batch_create() -> str | Response:
    """A draft batch: the examiners certified after a plan's training, or those listed."""
    form = Form()
    plan_id = form.number("plan", required=False)
    plan = owned(TrainingPlan, plan_id) if plan_id is not None else None
    examiners = _listed_examiners(form)
    if not form.errors:
        try:
            with db().begin_nested():
                batch = batches_service.create_batch(db(), home(), today(), plan, examiners)
        except Refused as refused:
            form.merge(refused, BATCH_FIELDS)
        else:
            flash(_("Filing batch %(id)s created.", id=batch.id))
            return redirect(url_for("records.batches"))
    return _batches_page(form.errors, dict(form.values))


def _listed_examiners(form: Form) -> list[Examiner] | None:
    codes = form.text("examiners").replace("，", ",").replace(",", " ").split()
    if not codes:
        return None
    found = examiners_by_code(db(), home().id, codes)
    for code in codes:
        if code not in found:
            form.fail("examiners", _("No examiner has the code %(code)s.", code=code))
    return [found[code] for code in codes if code in found]


@blueprint.route("/filing-batches/<int:ident>/<any(file, accept, return, reopen):action>",
                 methods=["POST"])  # fmt: skip
@role_required(Role.PLANNER)
def batch_move(ident: int, action: str) -> str | Response:
    """Move a batch along its filing workflow."""
    batch = owned(FilingBatch, ident)
    try:
        with db().begin_nested():
            BATCH_ACTIONS[action](db(), batch)
    except Refused as refused:
        return _batches_page({"": refused.lines(service_lang())}, {})
    flash(_("Filing batch %(id)s updated.", id=batch.id))
    return redirect(url_for("records.batches"))


@blueprint.route("/filing-batches/<int:ident>/attachment<int:number>")
@role_required(Role.ADMIN)
def batch_attachment(ident: int, number: int) -> Response:
    """Attachment 1 (one sheet per examiner) or 2 (the summary) of a batch, full ID numbers."""
    if number not in (1, 2):
        abort(404)
    sent = attachment_file(owned(FilingBatch, ident), home(), number, Sight.whole())
    return sent or redirect(url_for("records.batches"))


def attachment_file(
    batch: FilingBatch, institution: Institution, number: int, seen: Sight
) -> Response | None:
    """Attachment `number` of `batch` as a download, with ID numbers and phones as `seen`
    allows (None, the reasons flashed, when the export refuses)."""
    filed, label = batch_examiners(db(), batch), f"批次{batch.id}"
    folder = Path(tempfile.mkdtemp(prefix="panelplan-attachment-"))
    try:
        if number == 1:
            name = attachment1_name(institution, label)
            write_attachment1(db(), institution, filed, folder / name, full_ids=seen.ids,
                              whole_phones=seen.phones)  # fmt: skip
        else:
            name = attachment2_name(institution, batch.year, label)
            write_attachment2(db(), institution, batch.year, filed, folder / name,
                              full_ids=seen.ids, whole_phones=seen.phones)  # fmt: skip
    except Refused as refused:
        _remove(folder)
        for line in refused.lines(service_lang()):
            flash(line)
        return None
    content = (folder / name).read_bytes()  # a few hundred kB at most: no file left behind
    _remove(folder)
    return send_file(BytesIO(content), as_attachment=True, download_name=name,
                     mimetype=XLSX)  # fmt: skip


def _remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def _batches_page(errors: Errors, values: dict) -> str:
    institution = home()
    rows = queries.filing_batches(db(), institution.id)
    plans = queries.training_plans(db(), institution.id)
    options = [("", _("— none: list the examiners —"))] + [(p.id, p.title) for p in plans]
    return render_template(
        "records/batches.html", batches=rows, plans=options, errors=errors, values=values
    )
