"""The institution's policy (SPEC 4.2, R6): editable, never looser than the notice.

Stored in `Institution.policy` as the keys the institution set; the solver's own policy
loader validates it, so the database can never hold a policy an instance would refuse.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from models import Institution, audit
from solver.load import InvalidInput, load_policy
from solver.schema import Policy

from .messages import LANGS, Problem, Refused

MESSAGES = {
    "unknown_key": {"zh": "没有这一项规则设置", "en": "no such policy setting"},
}


def effective_policy(institution: Institution) -> Policy:
    """The policy in force: the institution's values over the notice's defaults."""
    return load_policy(institution.policy or {})


def update_policy(session: Session, institution: Institution, changes: dict[str, Any]) -> Policy:
    """Apply `changes` (a `None` value restores the default); refuse anything looser."""
    unknown = sorted(set(changes) - set(Policy.model_fields))
    if unknown:
        raise Refused([Problem.of(MESSAGES, "unknown_key", f"policy.{key}") for key in unknown])
    stored = {**(institution.policy or {}), **changes}
    stored = {key: value for key, value in stored.items() if value is not None}
    try:
        policy = load_policy(stored)
    except InvalidInput as refused:
        raise Refused(_problems(stored)) from refused
    old = institution.policy
    institution.policy = stored
    audit(session, "update_policy", institution.code, institution.id, old=old, new=stored)
    session.flush()
    return policy


def _problems(stored: dict[str, Any]) -> list[Problem]:
    """The solver's reasons, in every language, as planner-facing problems."""
    rendered = {lang: _diagnostics(stored, lang) for lang in LANGS}
    return [
        Problem(field=field or "policy", templates={lang: rendered[lang][i][1] for lang in LANGS})
        for i, (field, _) in enumerate(rendered["zh"])
    ]


def _diagnostics(stored: dict[str, Any], lang: str) -> list[tuple[str | None, str]]:
    try:
        load_policy(stored, lang)
    except InvalidInput as refused:
        return [
            (d.field, d.message.replace("{", "{{").replace("}", "}}")) for d in refused.problems
        ]
    return []
