"""Excel / CSV import: a dry run first (nothing written), then the import on confirmation.

The uploaded file waits in a private temporary folder named by a random token kept in the
planner's session; the confirm form must send the same token, so nobody can import a file
they did not upload. The services do the work (`services.import_*`): the dry run writes in
a savepoint and rolls it back, the import writes the valid rows all at once.
"""

from __future__ import annotations

import io
import secrets
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from flask import abort, flash, redirect, render_template, request, send_file, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from models.base import Role
from services.exports.import_problems import problems_workbook
from services.imports.common import ImportReport
from services.imports.examiners import import_examiners
from services.imports.occupations import import_occupations
from services.imports.sessions import import_sessions
from services.imports.templates import template_for
from services.messages import Problem, Refused

from ..database import db, institution
from ..language import service_lang
from ..privacy import sight
from ..roles import is_deployment_admin, role_required
from . import blueprint

KINDS = {
    "examiners": _l("Examiners (Attachment 2 layout)"),
    "sessions": _l("Sessions (and candidate lists in the same workbook)"),
    "candidates": _l("Candidate lists"),
    "occupations": _l("Occupation catalogue"),
}
SUFFIXES = (".xlsx", ".csv")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NAME_BYTES = 150  # an uploaded file's name, kept (file systems allow 255 bytes)
STALE_SECONDS = 24 * 3600  # uploads never confirmed are removed after a day
MESSAGES = {
    "no_file": {"zh": "请选择要导入的文件", "en": "choose a file to import"},
    "suffix": {
        "zh": "只能导入 .xlsx 或 .csv 文件（收到 {name}）",
        "en": "only .xlsx or .csv files can be imported (got {name})",
    },
    "not_saved": {
        "zh": "无法保存上传的文件 {name}，请稍后重试",
        "en": "the uploaded file {name} could not be saved; try again later",
    },
    "expired": {
        "zh": "上传的文件已失效，请重新上传并试导入",
        "en": "the uploaded file has expired; upload it again and do a dry run",
    },
}


def upload_name(given: str) -> str:
    """The uploaded file's name as kept and shown: its last path part, without control
    characters, at most NAME_BYTES bytes in UTF-8 (its suffix kept): a longer name cannot be
    saved on most file systems."""
    name = "".join(c for c in given.replace("\\", "/").split("/")[-1] if c.isprintable()).strip()
    if name in (".", ".."):
        return ""
    suffix = Path(name).suffix if len(Path(name).suffix) <= 8 else ""  # .xlsx, .csv
    stem = name[: len(name) - len(suffix)]
    while stem and len((stem + suffix).encode()) > NAME_BYTES:
        stem = stem[:-1]
    return stem + suffix


def upload_root() -> Path:
    """Where uploads wait for confirmation (one sub-folder per token)."""
    return Path(tempfile.gettempdir()) / "panelplan-imports"


def run_import(kind: str, path: Path, dry_run: bool, strict: bool) -> list[ImportReport]:
    """Run the import service of `kind` on the file at `path`."""
    where = institution()
    options = {"dry_run": dry_run, "strict": strict}
    if kind == "occupations" and not is_deployment_admin():
        abort(403)  # the catalogue is every institution's: see services.institution.occupations
    if kind == "examiners":
        return [import_examiners(db(), where, path, **options)]
    if kind == "occupations":
        return [import_occupations(db(), where, path, **options)]
    kinds = ("sessions", "candidates") if kind == "sessions" else ("candidates",)
    return import_sessions(db(), where, path, kinds=kinds, **options)


@blueprint.route("/examiners/import", methods=["GET", "POST"])
@role_required(Role.PLANNER)
def upload() -> str:
    """Show the upload form; on upload, keep the file and show the dry run's report."""
    if request.method == "GET":
        return _page(kind=request.args.get("kind", "examiners"))
    kind = request.form.get("kind", "examiners")
    kind = kind if kind in KINDS else "examiners"
    strict = bool(request.form.get("strict"))
    file = request.files.get("file")
    name = upload_name(file.filename or "") if file else ""
    if not name:
        return _page(kind=kind, strict=strict, problems=[_problem("no_file")])
    if Path(name).suffix.lower() not in SUFFIXES:
        return _page(kind=kind, strict=strict, problems=[_problem("suffix", name=name)])
    token = secrets.token_urlsafe(16)
    _forget_stale()
    folder = upload_root() / token
    folder.mkdir(parents=True, mode=0o700)
    assert file is not None
    try:
        file.save(folder / name)
    except OSError:  # the disk is full, say: no folder left behind, a reason shown
        shutil.rmtree(folder, ignore_errors=True)
        return _page(kind=kind, strict=strict, problems=[_problem("not_saved", name=name)])
    session["import"] = {"token": token, "kind": kind, "strict": strict, "name": name}
    return _report(kind, folder / name, dry_run=True, strict=strict, token=token)


@blueprint.route("/examiners/import/template/<any(examiners, sessions, candidates):kind>")
@role_required(Role.PLANNER)
def download_template(kind: str) -> Response:
    """The template of import `kind`: the columns to fill, a notes sheet, an example row."""
    wb, name = template_for(db(), institution(), kind, date.today())
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return send_file(buffer, mimetype=XLSX, as_attachment=True, download_name=name)


@blueprint.route("/examiners/import/problems")
@role_required(Role.PLANNER)
def download_problems() -> str | Response:
    """The dry run's problems of the file waiting for confirmation, as a workbook (ID numbers
    as the reader sees them)."""
    pending = session.get("import") or {}
    path = upload_root() / pending.get("token", "-") / pending.get("name", "-")
    if not pending or not path.is_file():
        return _page(kind="examiners", problems=[_problem("expired")])
    try:
        reports = run_import(pending["kind"], path, dry_run=True, strict=pending["strict"])
    except Refused as refused:
        return _page(kind=pending["kind"], problems=refused.problems)
    lang, ids = service_lang(), sight().ids
    rows = [(e.row, e.who, e.column, e.reason) for r in reports for e in r.entries(lang, ids)]
    wb = problems_workbook(
        (_("Row"), _("Who"), _("Column"), _("Problem")),
        [r.summary(lang) for r in reports],
        [line for r in reports for line in r.file_lines(lang)],
        rows,
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    suffix = _("problems")
    name = f"{Path(pending['name']).stem}-{suffix}.xlsx"
    return send_file(buffer, mimetype=XLSX, as_attachment=True, download_name=name)


@blueprint.route("/examiners/import/confirm", methods=["POST"])
@role_required(Role.PLANNER)
def confirm_import() -> str | Response:
    """Import the file of the dry run just shown (the token must match the session's)."""
    pending = session.get("import") or {}
    token = request.form.get("token", "")
    if not pending or not secrets.compare_digest(token, pending.get("token", "")):
        return _page(kind="examiners", problems=[_problem("expired")])
    folder = upload_root() / pending["token"]
    path = folder / pending["name"]
    if not path.is_file():
        session.pop("import", None)
        return _page(kind=pending["kind"], problems=[_problem("expired")])
    page = _report(pending["kind"], path, dry_run=False, strict=pending["strict"])
    session.pop("import", None)
    shutil.rmtree(folder, ignore_errors=True)
    return page


@blueprint.route("/examiners/import/cancel", methods=["POST"])
@role_required(Role.PLANNER)
def cancel_import() -> Response:
    """Forget the uploaded file without importing it."""
    pending = session.pop("import", None) or {}
    if pending.get("token"):
        shutil.rmtree(upload_root() / pending["token"], ignore_errors=True)
    flash(_("Import cancelled: nothing was written."))
    return redirect(url_for("examiners.upload"))


def _report(kind: str, path: Path, dry_run: bool, strict: bool, token: str = "") -> str:
    """Run the import (or its dry run) and show what it did, or why the file was refused."""
    lang = service_lang()
    try:
        reports = run_import(kind, path, dry_run, strict)
    except Refused as refused:  # the file can never be imported: nothing to keep
        if token:
            session.pop("import", None)
            shutil.rmtree(upload_root() / token, ignore_errors=True)
        return _page(kind=kind, strict=strict, problems=refused.problems)
    ids = sight().ids  # planners and viewers read masked ID numbers
    shown = [
        {
            "summary": r.summary(lang),
            "columns": r.file_lines(lang),
            "entries": r.entries(lang, ids),
            "outcomes": r.outcomes,
            "rows": r.rows,
            "bad": len(r.bad_rows),
            "refused": r.refused,
            "written": r.written,
        }
        for r in reports
    ]
    valid = sum(r.valid_rows for r in reports)
    can_import = dry_run and valid > 0 and not any(r.refused for r in reports)
    return render_template(
        "examiners/import_report.html",
        reports=shown,
        dry_run=dry_run,
        token=token if can_import else "",
        nothing_valid=dry_run and valid == 0,
        kind=kind,
        kinds=KINDS,
    )


def _page(kind: str, strict: bool = False, problems: list[Problem] | None = None) -> str:
    lines = [p.text(service_lang()) for p in problems or []]
    return render_template(
        "examiners/import.html", kinds=KINDS, kind=kind, strict=strict, problems=lines
    )


def _problem(key: str, **params: Any) -> Problem:
    return Problem.of(MESSAGES, key, "file", **params)


def _forget_stale() -> None:
    """Remove uploads nobody confirmed within a day."""
    root = upload_root()
    if not root.is_dir():
        return
    cutoff = time.time() - STALE_SECONDS
    for folder in root.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
