"""The plan-a-term form's policy fields and the plan page's policy summary (SPEC 4.2).

The form is prefilled with the institution's policy; what the planner changes holds for that
solve only and is checked by `services.planning.policy.solve_policy` (never looser than the notice nor
than the institution's). A field left out of the post keeps the institution's value. Panel
size and rotation scope are shown, not edited: publishing checks them exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from services.messages import Refused, label
from services.planning.policy import FIXED, GRADES, differing, shown
from solver.numbers import BadNumber, whole
from solver.schema import Policy

from ..records.institution.policy import (  # the institution's policy form's fields
    CHOICES,
    FLAGS,
    NUMBERS,
    POLICY_MOST,
)

GRADE_NAMES = {"examiner": _l("examiner"), "senior": _l("senior examiner")}
EDITABLE = tuple(key for key in Policy.model_fields if key not in FIXED)
LEVELS = (1, 2, 3, 4, 5)


def field(key: str, grade: str | None = None) -> str:
    """The form field of policy key `key` (of one grade's top level)."""
    return f"policy.{key}" + (f".{grade}" if grade else "")


def values_of(policy: Policy) -> dict[str, str]:
    """The form's fields for `policy`, as the inputs show them."""
    values = {field(key): str(getattr(policy, key)) for key in (*NUMBERS, *CHOICES)}
    values |= {field(key): "1" if getattr(policy, key) else "" for key in FLAGS}
    values[field("turnover")] = "{}/{}".format(*policy.turnover)
    for grade in GRADES:
        values[field("grade_top_level", grade)] = str(policy.top_level(grade))
    return values


def parse(form: MultiDict[str, str]) -> tuple[dict[str, Any], dict[str, str], dict[str, list[str]]]:
    """(chosen values, the fields as sent, the fields in error) from the posted form.

    A checkbox comes with a hidden "0" before it, so a field missing altogether (a post
    without the policy part) keeps the institution's value; so does an empty number.
    """
    chosen: dict[str, Any] = {}
    sent: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for key in FLAGS:
        if field(key) in form:
            chosen[key] = "1" in form.getlist(field(key))
            sent[field(key)] = "1" if chosen[key] else ""
    for key in (*NUMBERS, *CHOICES, "turnover"):
        raw = form.get(field(key), "").strip()
        if raw:
            sent[field(key)] = raw
            value = _value(key, raw)
            if value is None:
                errors[field(key)] = [_invalid(key)]
            else:
                chosen[key] = value
    levels = {}
    for grade in GRADES:
        raw = form.get(field("grade_top_level", grade), "").strip()
        if raw:
            sent[field("grade_top_level", grade)] = raw
            try:
                levels[grade] = whole(raw, 1, 5)
            except BadNumber:
                errors[field("grade_top_level")] = [_("Enter a whole number.")]
    if levels:
        chosen["grade_top_level"] = levels
    return chosen, sent, errors


def _value(key: str, raw: str) -> Any:
    if key == "turnover":
        parts = raw.replace("／", "/").split("/")
        try:
            return [whole(p, 0, POLICY_MOST) for p in parts] if len(parts) == 2 else None
        except BadNumber:
            return None
    if key in NUMBERS:
        try:
            return whole(raw, -POLICY_MOST, POLICY_MOST)
        except BadNumber:
            return None
    return raw  # a choice: the service names an unknown one


def _invalid(key: str) -> str:
    if key == "turnover":
        return _("Write the share as a fraction, e.g. 1/3.")
    return _("Enter a whole number.")


def split(refused: Refused, lang: str) -> tuple[dict[str, list[str]], list[str]]:
    """The refusal's reasons by policy field (the key's row), and the others as lines."""
    by_field: dict[str, list[str]] = {}
    others: list[str] = []
    for problem in refused.problems:
        parts = problem.field.split(".")
        if parts[0] == "policy" and len(parts) > 1 and parts[1] in Policy.model_fields:
            by_field.setdefault(field(parts[1]), []).append(problem.reason(lang))
        else:
            others.append(problem.text(lang))
    return by_field, others


@dataclass(frozen=True)
class Row:
    """One line of a policy table: the setting, the value used, the institution's if other."""

    key: str
    name: str
    value: str
    house: str | None


def summary(policy: Policy, house: Policy, lang: str) -> list[Row]:
    """The policy a plan was solved under, each value marked when not the institution's."""
    other = set(differing(policy, house))
    return [
        Row(key, label(field(key), lang), shown(policy, key, lang),
            shown(house, key, lang) if key in other else None)
        for key in Policy.model_fields
    ]  # fmt: skip


def names(lang: str) -> dict[str, str]:
    """The planner-facing name of every policy key."""
    return {key: label(field(key), lang) for key in Policy.model_fields}
