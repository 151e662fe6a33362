"""The call list of a published plan: whom to tell (those without e-mail first), what
changed for them, whether the e-mail went out and what they answered; printable, and as a
workbook. Planners also see each examiner's personal link (to read out or text)."""

from __future__ import annotations

from flask import render_template
from werkzeug.wrappers import Response

from models.base import Role, local_time
from services.exports.call_list import CallRow, call_list_workbook
from services.exports.layout import file_name
from services.notices.queries import NoticeView, call_list, plan_notices, views

from ..database import db, institution
from ..notices.views import personal_link
from ..privacy import shown_phone
from ..roles import may, role_required
from .downloads import send_workbook
from .views import blueprint, plan_or_404

ANSWERS = {
    "confirmed": "已确认",
    "declined": "已拒绝",
    "pending": "待确认",
    "superseded": "已被更新的通知取代",
}


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
    phones = {r.id: shown_phone(r.phone) for r in rows}
    return render_template(
        "planning/notices.html", plan=found, rows=rows, links=links, phones=phones
    )


@blueprint.route("/plans/<int:version>/notices.xlsx")
@role_required(Role.VIEWER)
def download_notices(version: int) -> Response:
    """The call list as a workbook."""
    found = plan_or_404(version)
    inst = institution()
    rows = [_row(r) for r in call_list(db(), inst, found)]
    wb = call_list_workbook(inst.name, f"方案 v{found.version}", rows)
    return send_workbook(wb, file_name(f"通知名单_v{found.version}"))


def _row(view: NoticeView) -> CallRow:
    if view.sent_at:
        mailed = f"已发送 {local_time(view.sent_at):%Y-%m-%d %H:%M}"
    elif not view.email:
        mailed = "无邮箱"
    else:
        mailed = "发送失败" if view.send_error else "待发送"
    return CallRow(
        view.examiner_code, view.examiner_name, shown_phone(view.phone), view.email or "",
        tuple(s.words("zh") for s in view.seats), mailed, ANSWERS[view.status], view.reason or "",
    )  # fmt: skip
