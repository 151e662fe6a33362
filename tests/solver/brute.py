"""Brute force for tiny instances: every plan, judged by the independent checker.

A helper module, not a test file. Test modules in tests/solver import it as
`from brute import brute_force`: pytest's default "prepend" import mode puts
the test file's directory (tests/solver has no __init__.py) on sys.path, the
same way it imports conftest.py.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from solver.check import check, objective, required_size
from solver.schema import Assignment, Instance, Result, Session

MAX_EXAMINERS = 5
MAX_SESSIONS = 3


def panels(instance: Instance, session: Session) -> Iterator[Assignment]:
    """Every panel of the required size (or smaller, with allow_unfilled), every leader."""
    ids = [e.id for e in instance.examiners]
    size = required_size(instance, session)
    sizes = range(size + 1) if instance.policy.allow_unfilled else (size,)
    for k in sizes:
        for members in itertools.combinations(ids, k):
            if not members:
                yield Assignment(session=session.id)
            for leader in members:
                yield Assignment(session=session.id, leader=leader, members=members)


def _locally_valid(instance: Instance, panel: Assignment) -> bool:
    """Prune a panel that already breaks a rule concerning its own session only (H1-H4, H8)."""
    plan = Result(status="FEASIBLE", assignments=[panel])
    local = {"H1", "H2", "H3", "H4", "H8"}
    return not any(d.rule in local and d.session == panel.session for d in check(instance, plan))


def brute_force(
    instance: Instance,
) -> tuple[tuple[int, int, int, int] | None, list[Assignment]]:
    """Return the smallest objective over every plan `check` accepts, and one such plan."""
    assert len(instance.examiners) <= MAX_EXAMINERS, "brute force is for tiny instances"
    assert len(instance.sessions) <= MAX_SESSIONS, "brute force is for tiny instances"
    options = [
        [p for p in panels(instance, s) if _locally_valid(instance, p)] for s in instance.sessions
    ]
    best: tuple[int, int, int, int] | None = None
    best_plan: list[Assignment] = []
    for combo in itertools.product(*options):
        plan = list(combo)
        value = objective(instance, plan).as_tuple()
        if best is not None and value >= best:
            continue  # cannot improve: skip the (slower) full check
        if not check(instance, Result(status="FEASIBLE", assignments=plan)):
            best, best_plan = value, plan
    return best, best_plan
