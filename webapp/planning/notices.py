"""The call list of a published plan: whom to tell (those without e-mail first), what
changed for them, whether the e-mail went out and what they answered; printable, and as a
workbook. Planners also see each examiner's personal link (to read out or text)."""

from __future__ import annotations

from flask import render_template
from werkzeug.wrappers import Response

from models.base import Role
from services.exports.call_list import call_list_workbook
from services.exports.layout import file_name
from services.notices.calls import answered, call_rows, mailed
from services.notices.queries import call_list, plan_notices, views

from ..database import db, institution
from ..language import service_lang
from ..notices.views import personal_link
from ..privacy import shown_phone
from ..roles import may, role_required
from .downloads import send_workbook
from .views import blueprint, plan_or_404


@blueprint.route("/plans/<int:version>/notices")
@role_required(Role.VIEWER)
def notices(version: int) -> str:
    """Whom to tell about this publication, and their answers (printable)."""
    found = plan_or_404(version)
    told = plan_notices(db(), institution(), found)
    rows = views(db(), told)
    links = {}
    if may(Role.PLANNER):  # the personal links, to read out or text to those without e-mail
        links = {n.id: personal_link(n) for n in told if n.status.value == "pending"}
    lang = service_lang()
    words = {r.id: (shown_phone(r.phone), mailed(r, lang), answered(r, lang)) for r in rows}
    return render_template("planning/notices.html", plan=found, rows=rows, links=links,
                           words=words, lang=lang)  # fmt: skip


@blueprint.route("/plans/<int:version>/notices.xlsx")
@role_required(Role.VIEWER)
def download_notices(version: int) -> Response:
    """The call list as a workbook."""
    found = plan_or_404(version)
    inst = institution()
    rows = call_rows(call_list(db(), inst, found), shown_phone)
    wb = call_list_workbook(inst.name, f"方案 v{found.version}", rows)
    return send_workbook(wb, file_name(f"通知名单_v{found.version}"))
