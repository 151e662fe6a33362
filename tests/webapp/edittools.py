"""A template database with the generated S term planned and published (v1), for the edit,
what-if and version-difference tests. A plain module (not conftest)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from webtools import seed_template

from data.generate import generate
from data.shift import shifted
from models import Examiner, Institution
from services.demo.loading import load_generated
from services.planning.edits import Change, apply
from services.planning.plans import solve_and_store
from services.planning.publishing import publish
from solver.check import check
from solver.facts import Facts
from solver.schema import Instance, Result
from solver.solve import Options

OPTIONS = Options(time_limit=10, workers=1, deterministic=True)


def load_published(session: Any) -> Institution:
    """Load the S data set, solve its whole term and publish the plan as v1."""
    raw = generate("S", 0)
    institution = load_generated(session, raw)
    days = sorted(s["start"][:10] for s in raw["sessions"])
    first, last = date.fromisoformat(days[0]), date.fromisoformat(days[-1])
    plan = solve_and_store(session, institution, first, last, OPTIONS)
    publish(session, institution, plan.version)
    return institution


def load_coming(session: Any) -> Institution:
    """The S data set moved to start tomorrow, solved and published as v1; every other
    examiner has an e-mail address (the rest are on the call list to phone)."""
    raw = generate("S", 0)
    first = min(date.fromisoformat(s["start"][:10]) for s in raw["sessions"])
    raw = shifted(raw, (date.today() + timedelta(days=1) - first).days)
    institution = load_generated(session, raw)
    for n, examiner in enumerate(session.scalars(select(Examiner).order_by(Examiner.code))):
        examiner.email = f"{examiner.code.lower()}@example.org" if n % 2 == 0 else None
    days = sorted(s["start"][:10] for s in raw["sessions"])
    start, last = date.fromisoformat(days[0]), date.fromisoformat(days[-1])
    publish(
        session, institution, solve_and_store(session, institution, start, last, OPTIONS).version
    )
    return institution


def coming_template(path: Path) -> Path:
    """The seeded template: users of every role, S from tomorrow on, v1 published."""
    return seed_template(path, load_coming)


def published_template(path: Path) -> Path:
    """The seeded template: users of every role, S loaded, v1 published."""
    return seed_template(path, load_published)


def institution_of(session: Any) -> Institution:
    """The template's only institution."""
    return session.scalars(select(Institution)).one()


def conflicted_seat(instance: Instance, result: Result, rule: str) -> tuple[str, str, str]:
    """(session, member to replace, examiner) where the examiner breaks only H3-free `rule`."""
    facts = Facts(instance)
    for a in result.assignments:
        s = facts.sessions[a.session]
        for e in instance.examiners:
            reasons = facts.member_reasons(e, s)
            rules = {r.rule for r in reasons}
            if e.id not in a.members and rules == {rule}:
                return a.session, next(m for m in a.members if m != a.leader), e.id
    raise AssertionError(f"no examiner breaking only {rule} in the S plan")


def double_booking(result: Result, instance: Instance) -> tuple[str, str, str]:
    """(session, member to replace, eligible examiner who would break H5 there).

    H5 is "no overlapping sessions, at most `max_sessions`": the S plan has examiners at
    their limit, so adding one more session double-books them past it.
    """
    facts = Facts(instance)
    for a in result.assignments:
        s = facts.sessions[a.session]
        member = next(m for m in a.members if m != a.leader)
        for e in instance.examiners:
            if e.id in a.members or facts.member_reasons(e, s):
                continue
            trial = apply(result, Change(a.session, member, e.id))
            if {d.rule for d in check(instance, trial)} == {"H5"}:
                return a.session, member, e.id
    raise AssertionError("no examiner would break H5 alone in the S plan")
