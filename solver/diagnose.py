"""Explain an impossible term in words a planner can act on (SPEC 4.5, INFEASIBLE).

First the cheap counts, session by session: too few eligible examiners (and
why each near miss is out), no one who may lead, too few new faces for the
turnover rule (a lock on an examiner who may not hold the seat is refused
earlier, at loading). When those explain nothing, the model
is rebuilt with one literal per (rule, session) item enforcing its constraints, and a
deletion filter drops items (whole rules, then runs of items) while the rest stays
infeasible.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ortools.sat.python import cp_model

from .facts import Facts, Reason
from .messages import say
from .model import build
from .options import Options
from .schema import Diagnostic, Examiner, Session
from .search import solve_keeping_sigint

SHOWN = 8  # near misses listed per session before "N more"
CORE_SECONDS = 10.0


def diagnose(facts: Facts, options: Options) -> list[Diagnostic]:
    """Diagnostics for an infeasible instance: counts first, then a conflicting set."""
    found = _counts(facts, options.lang)
    return found or _core(facts, options)


def _counts(facts: Facts, lang: str) -> list[Diagnostic]:
    """Per-session shortages; none apply with `allow_unfilled`, where a session may stay empty."""
    out: list[Diagnostic] = []
    if facts.policy.allow_unfilled:
        return out
    for s in facts.instance.sessions:
        if len(facts.eligible[s.id]) < facts.sizes[s.id]:
            out.append(_short(facts, s, lang))
        if facts.eligible[s.id] and not facts.can_lead[s.id]:
            out.append(_no_leader(facts, s, lang))
        new = _too_few_new(facts, s, lang)
        if new is not None:
            out.append(new)
    return out


def _reasons_text(
    facts: Facts, s: Session, pairs: list[tuple[Examiner, list[Reason]]], lang: str
) -> str:
    sep = "；" if lang == "zh" else "; "
    parts = [
        f"{e.id} {e.name} " + sep.join(r.text(lang) for r in reasons)
        for e, reasons in pairs[:SHOWN]
    ]
    if len(pairs) > SHOWN:
        parts.append(say(lang, "more_reasons", count=len(pairs) - SHOWN))
    return ("，" if lang == "zh" else ", ").join(parts)


def _near_misses(facts: Facts, s: Session) -> list[tuple[Examiner, list[Reason]]]:
    """Ineligible examiners, those qualified for the occupation first (the ones worth fixing)."""
    eligible = set(facts.eligible[s.id])
    pairs = [
        (e, facts.member_reasons(e, s)) for e in facts.instance.examiners if e.id not in eligible
    ]
    return sorted(
        pairs, key=lambda p: (any(r.key == "not_qualified" for r in p[1]), len(p[1]), p[0].id)
    )


def _short(facts: Facts, s: Session, lang: str) -> Diagnostic:
    misses = _near_misses(facts, s)
    message = say(
        lang,
        "short_of_examiners",
        session=s.id,
        size=facts.sizes[s.id],
        occupation=facts.occupation_name(s.occupation),
        level=s.level,
        eligible=len(facts.eligible[s.id]),
        reasons=_reasons_text(facts, s, misses, lang),
    )
    return Diagnostic(rule=misses[0][1][0].rule if misses else "H1", session=s.id, message=message)


def _no_leader(facts: Facts, s: Session, lang: str) -> Diagnostic:
    pairs = [
        (facts.examiners[e], facts.leader_reasons(facts.examiners[e], s))
        for e in facts.eligible[s.id]
    ]
    days = facts.policy.leader_min_experience_days
    message = say(
        lang, "no_leader", session=s.id, days=days, reasons=_reasons_text(facts, s, pairs, lang)
    )
    return Diagnostic(rule="H2", session=s.id, message=message)


def _too_few_new(facts: Facts, s: Session, lang: str) -> Diagnostic | None:
    """H6 against a history panel: count eligible examiners who were not on it."""
    prev = facts.previous.get(s.id)
    if prev not in facts.history_members:
        return None
    size = facts.sizes[s.id]
    need = facts.policy.turnover_needed(size)
    before = set(facts.history_members[prev])
    fresh = [e for e in facts.eligible[s.id] if e not in before]
    if len(fresh) >= need:
        return None
    message = say(
        lang, "too_few_new", session=s.id, size=size, new=need, previous=prev, available=len(fresh)
    )
    return Diagnostic(rule="H6", session=s.id, message=message)


def _core(facts: Facts, options: Options) -> list[Diagnostic]:
    """A small set of (rule, session) items that cannot all hold: a deletion filter."""
    literals: dict[tuple[str, str], cp_model.IntVar] = {}
    model = cp_model.CpModel()

    def guard(rule: str, session: str | None, examiner: str | None) -> list:
        key = (rule, session or examiner or "")
        if key not in literals:
            literals[key] = model.new_bool_var(f"assume[{key[0]},{key[1]}]")
        return [literals[key]]

    build(facts, guard=guard, model=model)
    check = _Check(model, literals, time.monotonic() + CORE_SECONDS, options.seed)
    core = list(literals)
    if not check(core):
        return [Diagnostic(rule="INFEASIBLE", message=say(options.lang, "no_explanation"))]
    core = _shrink(check, core)
    rules = sorted({rule for rule, _ in core})
    sessions = sorted({item for _, item in core if item in facts.sessions})
    others = sorted({item for _, item in core if item and item not in facts.sessions})
    summary = say(
        options.lang, "core_sessions", rules=", ".join(rules), sessions=", ".join(sessions + others)
    )
    return [Diagnostic(rule=rules[0] if len(rules) == 1 else "+".join(rules), message=summary)] + [
        Diagnostic(
            rule=rule,
            session=item if item in facts.sessions else None,
            examiner=item if item in facts.examiners else None,
            message=summary,
        )
        for rule, item in core
    ]


class _Check:
    """Whether a set of items cannot hold together: a solve with their literals fixed true
    and every other item's false.

    Fixed literals leave CP-SAT's presolve its full strength: a three-sites S term proved
    infeasible in 0.05 s this way did not in 10 s with the items as assumptions, which
    presolve must keep open. A check that runs out of time counts as feasible: the item
    it tested stays in the set, which remains one that cannot hold.
    """

    def __init__(self, model: cp_model.CpModel, literals: dict, deadline: float, seed: int):
        self.model, self.literals, self.deadline, self.seed = model, literals, deadline, seed

    def __call__(self, items: list) -> bool:
        left = self.deadline - time.monotonic()
        if left <= 0:
            return False
        chosen = set(items)
        for key, lit in self.literals.items():
            domain = self.model.proto.variables[lit.index].domain
            domain.clear()
            domain.extend([int(key in chosen)] * 2)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = self.seed
        solver.parameters.max_time_in_seconds = left
        return solve_keeping_sigint(solver, self.model) == cp_model.INFEASIBLE


def _shrink(check: Callable[[list], bool], core: list) -> list:
    """Drop items while the rest still cannot hold: whole rules first, then ever smaller
    runs of items (halves, quarters, ..., single items), so a core of k among n items
    takes about k log n checks. Every item left is needed: without it the rest could hold."""
    by_rule: dict[str, list] = {}
    for item in core:
        by_rule.setdefault(item[0], []).append(item)
    for items in by_rule.values():
        trial = [k for k in core if k not in items]
        if trial and check(trial):
            core = trial
    chunk = len(core) // 2
    while chunk >= 1:
        i = 0
        while i < len(core):
            trial = core[:i] + core[i + chunk :]
            if trial and check(trial):
                core = trial
            else:
                i += chunk
        chunk //= 2
    return core
