"""Read an instance and report *every* problem in it at once (SPEC 4.1, INVALID_INPUT).

Each list item is parsed on its own so that one bad session does not hide
the problems of the next; cross-references are then checked against every id
present in the raw input, so a malformed examiner is reported once (its own
field) rather than again by everything that names it. Nothing here raises on
any JSON value except `InvalidInput`.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .facts import Facts
from .jsontext import BadJson, decode
from .messages import ROLE_NAMES, name, say
from .schema import (
    INSTANCE_FORMAT,
    Assignment,
    Candidate,
    Conflict,
    Diagnostic,
    Examiner,
    HistoryEntry,
    Instance,
    Institution,
    Lock,
    Occupation,
    Period,
    Policy,
    Session,
    Venue,
    appointment_too_long,
)

LISTS: dict[str, type[BaseModel]] = {
    "occupations": Occupation,
    "venues": Venue,
    "examiners": Examiner,
    "candidates": Candidate,
    "sessions": Session,
    "conflicts": Conflict,
    "history": HistoryEntry,
    "baseline": Assignment,
    "locks": Lock,
}
KNOWN_KEYS = {"format", "institution", "policy", *LISTS}

# pydantic error type -> Chinese reason; English uses pydantic's own message.
_ZH_ERRORS = {
    "missing": "缺少必填字段",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "string_type": "应为字符串",
    "string_too_short": "不能为空",
    "list_type": "应为数组",
    "tuple_type": "应为数组",
    "too_short": "元素个数不足",
    "too_long": "元素个数过多",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "greater_than_equal": "应不小于 {ge}",
    "less_than_equal": "应不大于 {le}",
    "literal_error": "取值应为 {expected}",
    "datetime_type": "应为时间 YYYY-MM-DDTHH:MM",
    "date_type": "应为日期 YYYY-MM-DD",
}


class InvalidInput(Exception):
    """The instance cannot be solved as written; `problems` says every reason."""

    def __init__(self, problems: list[Diagnostic], warnings: list[str] | None = None) -> None:
        super().__init__(f"{len(problems)} problem(s) in the instance")
        self.problems = problems
        self.warnings = warnings or []


def read_instance(path: str | Path, lang: str = "zh") -> tuple[Instance, list[str]]:
    """Load an instance file; raise `InvalidInput` for unreadable or invalid content."""
    try:
        raw = decode(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, BadJson) as exc:
        problem = Diagnostic(rule="INPUT", message=say(lang, "bad_json", error=exc))
        raise InvalidInput([problem]) from None
    return load_instance(raw, lang)


def load_instance(raw: Any, lang: str = "zh") -> tuple[Instance, list[str]]:
    """Validate a decoded JSON value; return the instance and its warnings."""
    if not isinstance(raw, dict):
        raise InvalidInput([Diagnostic(rule="INPUT", message=say(lang, "not_object"))])
    problems: list[Diagnostic] = []
    report = _Reporter(problems, lang)
    warnings = [say(lang, "unknown_key", name=k) for k in sorted(set(raw) - KNOWN_KEYS)]
    fmt = raw.get("format", INSTANCE_FORMAT)
    if fmt != INSTANCE_FORMAT:
        report("format", say(lang, "bad_format", expected=INSTANCE_FORMAT, actual=fmt))
    institution = _parse_one(Institution, raw.get("institution", {}), "institution", report)
    policy = _parse_one(Policy, raw.get("policy", {}), "policy", report)
    parsed = {
        key: _parse_list(key, model, raw.get(key, []), report) for key, model in LISTS.items()
    }
    instance = Instance(
        institution=institution or Institution(),
        policy=policy or Policy(),
        **{key: tuple(item for _, item in items) for key, items in parsed.items()},
    )
    if policy is not None:
        _check_policy(policy, report)
    _check_references(parsed, _raw_ids(raw), report)
    _check_locks(instance, report)
    if problems:
        raise InvalidInput(problems, warnings)
    return instance, warnings


def load_policy(raw: Any, lang: str = "zh") -> Policy:
    """Validate a policy object alone (SPEC 4.2); raise `InvalidInput` naming each bad key."""
    problems: list[Diagnostic] = []
    report = _Reporter(problems, lang)
    policy = _parse_one(Policy, raw, "policy", report)
    if policy is not None:
        _check_policy(policy, report)
    if problems or policy is None:
        raise InvalidInput(problems)
    return policy


class _Reporter:
    """Collects problems as `Diagnostic(rule="INPUT", field=..., message=...)`."""

    def __init__(self, problems: list[Diagnostic], lang: str) -> None:
        self.problems = problems
        self.lang = lang

    def __call__(self, field: str, message: str, session: str | None = None) -> None:
        self.problems.append(
            Diagnostic(rule="INPUT", field=field, session=session, message=message)
        )

    def validation(self, where: str, error: ValidationError) -> None:
        for e in error.errors():
            loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e["loc"])
            self(where + loc, self._reason(e))

    def _reason(self, e: Any) -> str:
        if e["type"] == "value_error":
            return str(e["msg"]).removeprefix("Value error, ")
        template = _ZH_ERRORS.get(e["type"]) if self.lang == "zh" else None
        if template is None:
            return str(e["msg"])
        try:
            return template.format(**e.get("ctx", {}))
        except (KeyError, IndexError):
            return str(e["msg"])


def _parse_one(model: type[BaseModel], value: Any, where: str, report: _Reporter) -> Any:
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        report.validation(where, exc)
        return None


def _label(key: str, index: int, item: Any) -> str:
    """`sessions[3](S0004)`: position and, when it has one, the object's id."""
    ident = None
    if isinstance(item, dict):
        ident = item.get("id") or item.get("code")
        if key == "history" and isinstance(item.get("session"), dict):
            ident = item["session"].get("id")
        elif key in ("baseline", "locks"):
            ident = item.get("session")
    return f"{key}[{index}]" + (f"({ident})" if isinstance(ident, str) else "")


def _parse_list(key: str, model: type[BaseModel], value: Any, report: _Reporter) -> list:
    """Parse every item; return (label, object) for the good ones."""
    if not isinstance(value, list):
        report(key, say(report.lang, "not_list"))
        return []
    good = []
    for index, item in enumerate(value):
        label = _label(key, index, item)
        obj = _parse_one(model, item, label, report)
        if obj is not None:
            good.append((label, obj))
    return good


def _raw_ids(raw: dict) -> dict[str, set[str]]:
    """Every id present in the raw input, parsed or not."""

    def ids(key: str, field: str) -> set[str]:
        items = raw.get(key)
        if not isinstance(items, list):
            return set()
        return {i[field] for i in items if isinstance(i, dict) and isinstance(i.get(field), str)}

    history = raw.get("history")
    if not isinstance(history, list):
        history = []
    history_ids = {
        h["session"]["id"]
        for h in history
        if isinstance(h, dict)
        and isinstance(h.get("session"), dict)
        and isinstance(h["session"].get("id"), str)
    }
    return {
        "occupation": ids("occupations", "code"),
        "venue": ids("venues", "id"),
        "examiner": ids("examiners", "id"),
        "candidate": ids("candidates", "id"),
        "session": ids("sessions", "id"),
        "history": history_ids,
    }


_LOOSER = {
    # key: (accepts(value), limit shown)
    "min_panel_size": (lambda v: v >= 3, ">= 3"),
    "max_consecutive_same_venue": (lambda v: 1 <= v <= 3, "1..3"),
    "leader_min_experience_days": (lambda v: v >= 365, ">= 365"),
}


def _check_policy(policy: Policy, report: _Reporter) -> None:
    """SPEC 4.3: a policy looser than the notice is refused, naming the key."""
    for key, (accepts, limit) in _LOOSER.items():
        value = getattr(policy, key)
        if not accepts(value):
            report(f"policy.{key}", say(report.lang, "policy_looser", value=value, limit=limit))
    num, den = policy.turnover
    if den <= 0 or num < 0 or num > den:
        report("policy.turnover", say(report.lang, "bad_turnover", value=[num, den]))
    elif 3 * num < den:
        report(
            "policy.turnover",
            say(report.lang, "policy_looser", value=f"{num}/{den}", limit=">= 1/3"),
        )


def _check_references(
    parsed: dict[str, list], known: dict[str, set[str]], report: _Reporter
) -> None:
    """Duplicates, unknown ids, dates in the wrong order, panels that do not add up."""
    lang = report.lang
    what_zh = {
        "occupation": "职业",
        "venue": "考点",
        "examiner": "考评人员",
        "candidate": "考生",
        "session": "场次",
    }

    def ref(
        label: str, field: str, kind: str, value: str | None, pool: set[str] | None = None
    ) -> None:
        if value is not None and value not in (known[kind] if pool is None else pool):
            what = what_zh[kind] if lang == "zh" else kind
            report(f"{label}.{field}", say(lang, "unknown_ref", what=what, id=value))

    for key, field in (
        ("occupations", "code"),
        ("venues", "id"),
        ("examiners", "id"),
        ("candidates", "id"),
    ):
        _duplicates([(label, getattr(o, field)) for label, o in parsed[key]], field, report)
    session_ids = [(label, s.id) for label, s in parsed["sessions"]]
    session_ids += [(label, h.session.id) for label, h in parsed["history"]]
    _duplicates(session_ids, "id", report)

    for label, e in parsed["examiners"]:
        for i, q in enumerate(e.qualifications):
            ref(label, f"qualifications[{i}].occupation", "occupation", q.occupation)
        for field in ("appointments", "unavailable"):
            for i, p in enumerate(getattr(e, field)):
                _check_period(f"{label}.{field}[{i}]", p, report, term=field == "appointments")
    for label, s in parsed["sessions"]:
        _check_session_base(label, s, ref, report)
        for i, c in enumerate(s.candidates or ()):
            ref(label, f"candidates[{i}]", "candidate", c)
        if s.panel_size is not None and s.panel_size < 3:
            report(f"{label}.panel_size", say(lang, "panel_size_below_3", size=s.panel_size), s.id)
        if (
            s.candidates is not None
            and s.candidate_count is not None
            and s.candidate_count != len(s.candidates)
        ):
            report(
                f"{label}.candidate_count",
                say(lang, "count_mismatch", count=s.candidate_count, listed=len(s.candidates)),
                s.id,
            )
    for label, c in parsed["conflicts"]:
        ref(label, "examiner", "examiner", c.examiner)
        ref(label, "candidate", "candidate", c.candidate)
        if (c.candidate is None) == (c.organization is None):
            report(label, say(lang, "conflict_target"))
    for label, h in parsed["history"]:
        _check_session_base(f"{label}.session", h.session, ref, report)
        _check_panel(label, h.leader, h.members, ref, report)
    planned = known["session"]
    _duplicates([(label, b.session) for label, b in parsed["baseline"]], "session", report)
    for label, b in parsed["baseline"]:
        ref(label, "session", "session", b.session, planned | known["history"])
        if b.session in known["history"] - planned:
            report(f"{label}.session", say(lang, "not_planned_session", id=b.session))
        _check_panel(label, b.leader, b.members, ref, report)
    for label, lock in parsed["locks"]:
        ref(label, "session", "session", lock.session)
        ref(label, "examiner", "examiner", lock.examiner)


def _duplicates(pairs: list[tuple[str, str]], field: str, report: _Reporter) -> None:
    counts = Counter(value for _, value in pairs)
    for label, value in pairs:
        if counts[value] > 1:
            report(f"{label}.{field}", say(report.lang, "duplicate_id", id=value))


def _check_period(label: str, period: Period, report: _Reporter, term: bool) -> None:
    lang = report.lang
    if period.end < period.start:
        report(label, say(lang, "period_end_before_start", start=period.start, end=period.end))
    elif term and appointment_too_long(period):
        report(label, say(lang, "appointment_too_long", start=period.start, end=period.end))


def _check_session_base(label: str, s: Any, ref: Any, report: _Reporter) -> None:
    ref(label, "venue", "venue", s.venue)
    ref(label, "occupation", "occupation", s.occupation)
    if s.end <= s.start:
        start, end = s.start.isoformat(timespec="minutes"), s.end.isoformat(timespec="minutes")
        report(f"{label}.end", say(report.lang, "end_before_start", start=start, end=end), s.id)


def _check_panel(
    label: str, leader: str | None, members: tuple[str, ...], ref: Any, report: _Reporter
) -> None:
    for i, m in enumerate(members):
        ref(label, f"members[{i}]", "examiner", m)
    for m, n in Counter(members).items():
        if n > 1:
            report(f"{label}.members", say(report.lang, "duplicate_member", id=m))
    ref(label, "leader", "examiner", leader)
    if leader is not None and leader not in members:
        report(f"{label}.leader", say(report.lang, "leader_not_member", leader=leader))


def _check_locks(instance: Instance, report: _Reporter) -> None:
    """A lock must name an examiner who may hold that seat (H2-H4), one leader per session."""
    facts = Facts(instance)
    lang = report.lang
    leaders = Counter(lock.session for lock in instance.locks if lock.role == "leader")
    for index, lock in enumerate(instance.locks):
        label = f"locks[{index}]({lock.session})"
        session, examiner = facts.sessions.get(lock.session), facts.examiners.get(lock.examiner)
        if session is None or examiner is None:
            continue  # already reported as an unknown id
        reasons = facts.member_reasons(examiner, session)
        if lock.role == "leader":
            reasons += facts.leader_reasons(examiner, session)
            if leaders[lock.session] > 1:
                report(label, say(lang, "two_leader_locks", session=lock.session), lock.session)
        if reasons:
            text = "；".join(r.text(lang) for r in reasons)
            role = name(ROLE_NAMES, lock.role, lang)
            report(
                f"{label}.examiner",
                say(
                    lang,
                    "lock_ineligible",
                    examiner=lock.examiner,
                    session=lock.session,
                    role=role,
                    reasons=text,
                ),
                lock.session,
            )
