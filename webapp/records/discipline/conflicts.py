"""Conflicts of interest (回避关系): the register, registering one (planners), and the
results it voids after the fact (the report `services.discipline.conflicts.register_conflict` returns).

Viewers see who has a conflict with whom and since when, never its kind (a relative of a
candidate) nor its note (`services.institution.privacy`). Both lists come a page at a time with their totals (`page`, `invalid_page`; `q` searches
the register), and the organisation is typed by name with a short list of suggestions:
an institution keeps adding conflicts, voided results and organisations, and the page
must stay quick however long they get.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import render_template, request
from flask_babel import gettext as _

from models import Candidate, Organization
from models.base import ConflictKind, Role
from services.discipline.conflict_lists import (
    Page,
    conflict_page,
    invalid_page,
    organization_named,
    organizations_like,
)
from services.discipline.conflicts import register_conflict
from services.messages import Refused
from services.schedule.queries import candidate_by_code
from solver.numbers import INT32, BadNumber, whole

from ...database import db
from ...language import service_lang
from ...numbers import page_arg
from ...privacy import sight
from ...roles import role_required
from ..blueprint import blueprint
from ..common import Form, home, today
from ..labels import label

FIELDS = ("examiner", "kind", "candidate", "organization_name", "conflict_target", "since",
          "declared_on", "note")  # fmt: skip
PAGE_SIZE = 50  # registered conflicts per page (a search narrows the register)
INVALID_PAGE_SIZE = 100  # voided results per page
SUGGESTIONS = 200  # organisation names offered in the form's list (all of them up to this)
MATCHES = 10  # names offered when a typed name matches no organisation exactly
T = TypeVar("T")


@blueprint.route("/conflicts")
@role_required(Role.VIEWER)
def conflicts() -> str:
    """The registered conflicts and the results voided so far, a page of each."""
    return _page(Form(), {})


@blueprint.route("/conflicts", methods=["POST"])
@role_required(Role.PLANNER)
def conflict_register() -> str:
    """Register a conflict; show the results it voids (nothing is written when refused)."""
    form = Form()
    examiner = form.examiner()
    kind = form.text("kind", required=True)
    candidate = _candidate(form)
    organization, suggested = _organization(form)
    since, declared = form.day("since", required=False), form.day("declared_on")
    if form.errors or examiner is None or declared is None:
        return _page(form, dict(form.values), suggested)
    try:
        with db().begin_nested():
            report = register_conflict(
                db(), examiner, kind, declared, candidate=candidate, organization=organization,
                since=since, note=form.text("note") or None,
            )  # fmt: skip
    except Refused as refused:
        form.merge(refused, FIELDS)
        return _page(form, dict(form.values), suggested)
    return render_template("records/conflict_report.html", report=report, lang=service_lang())


def _candidate(form: Form) -> Candidate | None:
    code = form.text("candidate")
    if not code:
        return None
    found = candidate_by_code(db(), home().id, code)
    if found is None:
        form.fail("candidate", _("No candidate has the code %(code)s.", code=code))
    return found


def _organization(form: Form) -> tuple[Organization | None, Page[str] | None]:
    """The organisation named in the form (or, from older forms, given by id) and, when the
    name matches none exactly, the organisations whose name contains it."""
    name = form.text("organization_name")
    if not name:
        ident = form.text("organization")  # forms before names sent the id
        try:
            found = db().get(Organization, whole(ident, 1, INT32)) if ident else None
        except BadNumber:
            found = None
        return (found if found is not None and found.institution_id == home().id else None), None
    found = organization_named(db(), home(), name)
    if found is not None:
        return found, None
    like = organizations_like(db(), home(), name, MATCHES)
    if like.rows:
        form.fail("organization_name", _("No organisation is named %(name)s. Did you mean: "
                                         "%(names)s?", name=name, names="、".join(like.rows)))  # fmt: skip
    else:
        form.fail("organization_name", _("No organisation is named %(name)s.", name=name))
    return None, like


def _page(form: Form, values: dict[str, Any], suggested: Page[str] | None = None) -> str:
    institution = home()
    text = request.args.get("q", "").strip()
    registered, page = _fetch("page", PAGE_SIZE,
                              lambda at, n: conflict_page(db(), institution, text, at, n))  # fmt: skip
    invalid, invalid_at = _fetch("invalid_page", INVALID_PAGE_SIZE,
                                 lambda at, n: invalid_page(db(), institution, at, n))  # fmt: skip
    if suggested is None or not suggested.rows:
        suggested = organizations_like(db(), institution, "", SUGGESTIONS)
    return render_template(
        "records/conflicts.html", conflicts=registered, page=page, q=text,
        pages=_last(registered.total, PAGE_SIZE), invalid=invalid, invalid_page=invalid_at,
        invalid_pages=_last(invalid.total, INVALID_PAGE_SIZE), organizations=suggested,
        errors=form.errors, values=values or {"declared_on": today().isoformat()},
        kinds=[(k.value, label(k)) for k in ConflictKind], lang=service_lang(),
        relations=sight().relations,
    )  # fmt: skip


def _fetch(name: str, size: int, read: Callable[[int, int], Page[T]]) -> tuple[Page[T], int]:
    """The page whose number the query argument `name` gives (from 1; past the end, the
    last one) read with `read(offset, limit)`, and its number."""
    number = page_arg(name)
    found = read((number - 1) * size, size)
    if number > (last := _last(found.total, size)):
        number, found = last, read((last - 1) * size, size)
    return found, number


def _last(total: int, size: int) -> int:
    """The number of the last page (1 when the list is empty)."""
    return max(1, -(-total // size))
