"""The institution's policy (SPEC 4.2, R6): editable, never looser than the notice.

Stored in `Institution.policy` as the keys the institution set; the solver's own policy
loader validates it, so the database can never hold a policy an instance would refuse.

One solve may use a policy of its own (`solve_policy`): the institution's values with some
made stricter, never looser than the notice (the solver's loader) nor than the institution's
(publishing re-checks a plan under the institution's policy, `services.planning.publishing`). Panel
size and rotation scope stay the institution's: H1 asks for exactly the required number of
members and H6 reads lineages by scope, so another value is a different plan, not a stricter
one. Empty seats may be allowed for one solve (to see what to fix): a plan with empty seats
is never published whatever its policy. A what-if rerun solves under the published plan's
policy, tightened where the institution's is stricter now (`rerun_policy`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from models import Institution, Plan, audit
from services.messages import LANGS, Problem, Refused
from solver.load import InvalidInput, load_policy
from solver.messages import name
from solver.schema import DEFAULT_GRADE_TOP_LEVEL, Grade, Policy

MESSAGES = {
    "unknown_key": {"zh": "没有这一项规则设置", "en": "no such policy setting"},
    "looser": {
        "zh": "不能宽于本机构规则（本机构为 {house_zh}）：按此求解的方案发布时会被拒绝",
        "en": "may not be looser than the institution's policy ({house_en}): a plan solved "
        "under it would be refused at publish",
    },
    "rule_or_both": {
        "zh": "须为本机构的计法（{house_zh}）或“两种计法都适用”：按其他计法求解的方案发布时会被拒绝",
        "en": "must be the institution's rule ({house_en}) or both counts: a plan solved under "
        "another would be refused at publish",
    },
    "fixed": {
        "zh": "须与本机构规则相同（{house_zh}）：发布时每个考评小组都按本机构规则核对；"
        "如需更改，请修改本机构规则",
        "en": "must be the institution's value ({house_en}): publishing checks every panel "
        "against it; change the institution's policy instead",
    },
}

GRADES: tuple[Grade, ...] = ("examiner", "senior")
VALUE_NAMES = {
    "venue_occupation": {"zh": "按考点和职业", "en": "per venue and occupation"},
    "occupation": {"zh": "按职业（跨考点）", "en": "per occupation, across venues"},
    "examiner_sequence": {
        "zh": "按考评员本人连续参加的场次计",
        "en": "the examiner's own sessions in a row",
    },
    "venue_sequence": {"zh": "按考点连续举行的场次计", "en": "the venue's sessions in a row"},
    "both": {"zh": "两种计法都适用", "en": "both counts"},
    "examiner": {"zh": "考评员", "en": "examiner"},
    "senior": {"zh": "高级考评员", "en": "senior examiner"},
    "yes": {"zh": "是", "en": "yes"},
    "no": {"zh": "否", "en": "no"},
}

# Keys one solve may not change (see the module docstring).
FIXED = ("min_panel_size", "odd_panel_size", "rotation_scope")


def _top(levels: Mapping[Grade, int], grade: Grade) -> int:
    return levels.get(grade, DEFAULT_GRADE_TOP_LEVEL[grade])


def _fraction_at_least(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] * b[1] >= b[0] * a[1]


# key: whether a value `a` is at least as strict as `b` (every plan valid under `a` is
# valid under `b`, the rest of the policy being equal), and the value strict as both.
STRICTER: dict[str, tuple[Callable[[Any, Any], bool], Callable[[Any, Any], Any]]] = {
    "turnover": (_fraction_at_least, lambda a, b: a if _fraction_at_least(a, b) else b),
    "max_consecutive_same_venue": (lambda a, b: a <= b, min),
    "consecutive_rule": (lambda a, b: a in (b, "both"), lambda a, b: a if a == b else "both"),
    "leader_min_experience_days": (lambda a, b: a >= b, max),
    "grade_top_level": (
        lambda a, b: all(_top(a, g) >= _top(b, g) for g in GRADES),
        lambda a, b: {g: max(_top(a, g), _top(b, g)) for g in GRADES},
    ),
    "recuse_candidate_organization": (lambda a, b: a or not b, lambda a, b: a or b),
    "allow_unfilled": (lambda a, b: True, lambda a, b: a and b),
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


def policy_json(policy: Policy) -> dict[str, Any]:
    """Every value of `policy` as an instance's `policy` object (JSON)."""
    return policy.model_dump(mode="json")


def solve_policy(institution: Institution, chosen: Mapping[str, Any]) -> Policy:
    """One solve's policy: `chosen` over the institution's; refused, by key, when any value is
    looser than the notice or than the institution's, or changes a key fixed by it."""
    house = effective_policy(institution)
    base = policy_json(house)
    unknown = sorted(set(chosen) - set(base))
    problems = [Problem.of(MESSAGES, "unknown_key", f"policy.{key}") for key in unknown]
    raw = base | {k: v for k, v in chosen.items() if v is not None and k in base}
    if isinstance(chosen.get("grade_top_level"), Mapping):  # a grade not given keeps its level
        raw["grade_top_level"] = base["grade_top_level"] | chosen["grade_top_level"]
    problems += _problems(raw)
    # Keys the notice refuses take the institution's value, so the others are compared too.
    refused = {p.field.split(".")[1] for p in problems if "." in p.field}
    try:
        policy = load_policy(raw | {k: base[k] for k in refused if k in base})
    except InvalidInput:
        raise Refused(problems) from None
    problems += looser_than(policy, house)
    if problems:
        raise Refused(problems)
    return policy


def looser_than(policy: Policy, house: Policy) -> list[Problem]:
    """A problem for each key where `policy` is looser than `house` (or changes a fixed key)."""
    problems = []
    for key in Policy.model_fields:
        mine, theirs = getattr(policy, key), getattr(house, key)
        if key in FIXED:
            ok, message = mine == theirs, "fixed"
        else:
            ok = STRICTER[key][0](mine, theirs)
            message = "rule_or_both" if key == "consecutive_rule" else "looser"
        if not ok:
            shown_house = {f"house_{lang}": shown(house, key, lang) for lang in LANGS}
            problems.append(Problem.of(MESSAGES, message, f"policy.{key}", **shown_house))
    return problems


def rerun_policy(published: Policy, house: Policy) -> Policy:
    """A what-if rerun's policy: the published plan's, as strict as the institution's where
    that is stricter now (so its draft passes the publish re-check); fixed keys the house's."""
    values = {
        key: getattr(house, key) if key in FIXED else STRICTER[key][1](
            getattr(published, key), getattr(house, key)
        )
        for key in Policy.model_fields
    }  # fmt: skip
    return Policy.model_validate(values)


def rerun_policy_of(published: Plan, institution: Institution) -> dict[str, Any]:
    """The policy object of a what-if rerun of `published` (`rerun_policy`, as JSON)."""
    solved = load_policy(published.instance.get("policy") or {})
    return policy_json(rerun_policy(solved, effective_policy(institution)))


def differing(policy: Policy, house: Policy) -> list[str]:
    """The keys whose value in `policy` is not the institution's."""
    return [key for key in Policy.model_fields if getattr(policy, key) != getattr(house, key)]


def shown(policy: Policy, key: str, lang: str = "zh") -> str:
    """One policy value as planners read it."""
    value = getattr(policy, key)
    if key == "turnover":
        return f"{value[0]}/{value[1]}"
    if key == "grade_top_level":
        levels = [(_name(g, lang), policy.top_level(g)) for g in GRADES]
        if lang == "zh":
            return "、".join(f"{g}可考评至 {n} 级" for g, n in levels)
        return ", ".join(f"{g} up to level {n}" for g, n in levels)
    if isinstance(value, bool):
        return _name("yes" if value else "no", lang)
    return _name(value, lang) if isinstance(value, str) else str(value)


def _name(value: str, lang: str) -> str:
    return name(VALUE_NAMES, value, lang)


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
