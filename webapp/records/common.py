"""What the records pages share: the user's institution, form parsing, refusals by field."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, TypeVar

from flask import abort, request
from flask_babel import gettext as _
from flask_login import current_user

from models import AssessmentSession, Examiner
from models.base import LOCAL, Role
from services.exports.layout import mask_id
from services.messages import Problem, Refused
from services.people.queries import examiner_by_code
from services.schedule.queries import session_by_code
from solver.numbers import INT32, BadNumber, whole

from ..database import db, institution
from ..language import service_lang

Errors = dict[str, list[str]]
T = TypeVar("T")
GENERAL = ""  # the key of problems not tied to a field of the form


home = institution  # the records pages' name for the signed-in user's institution


def today() -> date:
    """Today in China."""
    return datetime.now(LOCAL).date()


def actor() -> str:
    """Who acts (recorded as decided_by / issued_by)."""
    return str(current_user.username)


def owned(model: type[T], ident: int, column: str = "institution_id") -> T:
    """Row `ident` of `model` when it belongs to the user's institution, else 404."""
    row = db().get(model, ident)
    if row is None or getattr(row, column) != current_user.institution_id:
        abort(404)
    return row


def document(number: str | None) -> str:
    """An ID number as this user may see it: full for admins, masked for everyone else."""
    if current_user.role == Role.ADMIN:
        return number or ""
    return mask_id(number)


def errors_of(refused: Refused, fields: Iterable[str]) -> Errors:
    """The refusal's reasons by form field (others under GENERAL), in the planner's language."""
    known = set(fields)
    errors: Errors = {}
    for problem in refused.problems:
        key = problem.field if problem.field in known else GENERAL
        text = problem.reason(service_lang()) if key else problem.text(service_lang())
        errors.setdefault(key, []).append(text)
    return errors


def problem_text(problem: Problem) -> str:
    """One problem in the planner's language."""
    return problem.text(service_lang())


class Form:
    """The posted form's values, parsed field by field; problems collect in `errors`."""

    def __init__(self, values: Any = None) -> None:
        self.values = values if values is not None else request.form
        self.errors: Errors = {}

    def text(self, name: str, required: bool = False) -> str:
        """A trimmed text value ('' when missing); required ones must be given."""
        value = (self.values.get(name) or "").strip()
        if required and not value:
            self.fail(name, _("Required."))
        return value

    def flag(self, name: str) -> bool:
        """A checkbox."""
        return self.values.get(name) in ("1", "on", "true", "yes")

    def day(self, name: str, required: bool = True) -> date | None:
        """A date written YYYY-MM-DD."""
        raw = self.text(name)
        if not raw:
            if required:
                self.fail(name, _("Required."))
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.fail(name, _("Write the date as YYYY-MM-DD."))
            return None

    def number(
        self, name: str, required: bool = True, least: int | None = None, most: int = INT32
    ) -> int | None:
        """A whole number (at least `least`, at most `most`)."""
        raw = self.text(name)
        if not raw:
            if required:
                self.fail(name, _("Required."))
            return None
        try:
            return whole(raw, -INT32 if least is None else least, most)
        except BadNumber:
            self.fail(name, _("Enter a whole number.") if least is None else
                      _("Enter a whole number of at least %(n)s.", n=least))  # fmt: skip
            return None

    def examiner(self, name: str = "examiner", required: bool = True) -> Examiner | None:
        """The institution's examiner whose code is given."""
        code = self.text(name, required)
        if not code:
            return None
        found = examiner_by_code(db(), current_user.institution_id, code)
        if found is None:
            self.fail(name, _("No examiner has the code %(code)s.", code=code))
        return found

    def session(self, name: str = "session") -> AssessmentSession | None:
        """The institution's session whose code is given (optional)."""
        code = self.text(name)
        if not code:
            return None
        found = session_by_code(db(), current_user.institution_id, code)
        if found is None:
            self.fail(name, _("No session has the code %(code)s.", code=code))
        return found

    def fail(self, name: str, message: str) -> None:
        """Record a problem with field `name`."""
        self.errors.setdefault(name, []).append(message)

    def merge(self, refused: Refused, fields: Iterable[str]) -> Errors:
        """Add a service's refusal to the errors (by field); the errors."""
        for key, lines in errors_of(refused, fields).items():
            self.errors.setdefault(key, []).extend(lines)
        return self.errors
