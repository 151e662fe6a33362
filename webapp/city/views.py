"""The city centre's pages: every institution with its filings, a batch's examiners, and the
filing sheets (Attachments 1 and 2) to download — all read only, ID numbers and phones
masked (`services.institution.privacy.CITY_SIGHT`). What an institution has not submitted
(a draft batch or training plan) is not the city centre's to see: 404.

The notice's 第6条/第7条 put the city centre (市鉴定中心) above the institutions: it receives
their filings (备案). A city-centre user belongs to no institution; every institution page
refuses it (`webapp.roles.role_required`), and these pages refuse everyone else
(`city_required`). There is no POST route here: the city centre changes nothing.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from werkzeug.wrappers import Response

from models import FilingBatch, Institution
from services.filing import queries
from services.filing.forms import summary_rows
from services.filing.forms_rows import batch_examiners
from services.institution.privacy import CITY_SIGHT

from ..database import db
from ..records.filing import attachment_file
from ..records.labels import label
from ..roles import city_required

blueprint = Blueprint("city", __name__, url_prefix="/city")


@blueprint.context_processor
def helpers() -> dict[str, object]:
    """What the city templates use beside the app's helpers."""
    return {"label": label}


@blueprint.route("/")
@city_required
def index() -> str:
    """Every institution of the deployment with its filing batches and training plans."""
    return render_template("city/index.html", rows=queries.every_institution(db()))


@blueprint.route("/institutions/<code>")
@city_required
def institution(code: str) -> str:
    """One institution's training plans and filing batches."""
    found = queries.institution_by_code(db(), code)
    if found is None:
        abort(404)
    return render_template(
        "city/institution.html",
        institution=found,
        plans=queries.submitted_training_plans(db(), found.id),
        batches=queries.submitted_batches(db(), found.id),
    )


@blueprint.route("/batches/<int:ident>")
@city_required
def batch(ident: int) -> str:
    """A filing batch's examiners as Attachment 2 lists them (ID numbers and phones masked)."""
    found, home = _batch(ident)
    rows = summary_rows(batch_examiners(db(), found), full_ids=False, whole_phones=False)
    return render_template("city/batch.html", batch=found, institution=home, rows=rows)


@blueprint.route("/batches/<int:ident>/attachment<int:number>")
@city_required
def attachment(ident: int, number: int) -> Response:
    """Attachment 1 or 2 of a batch, ID numbers and phones masked."""
    if number not in (1, 2):
        abort(404)
    found, home = _batch(ident)
    sent = attachment_file(found, home, number, CITY_SIGHT)
    return sent or redirect(url_for("city.batch", ident=ident))


def _batch(ident: int) -> tuple[FilingBatch, Institution]:
    found = queries.submitted_batch(db(), ident)
    home = db().get(Institution, found.institution_id) if found is not None else None
    if found is None or home is None:
        abort(404)
    return found, home
