"""A first plan close to the fairness bound: the flow relaxation, repaired.

The relaxation of `solver.bound` already spreads seats optimally but may
break the rules that tie sessions together (H5-H7). The checker names each
break; the seat it names is taken out of the relaxation and the flow is
solved again (milliseconds), until the plan passes or the rounds run out.
The result is a valid plan to start the neighbourhood search from; whether it
is optimal is decided by the search, not here.
"""

from __future__ import annotations

import random
import time

from .bound import Relaxed, best_leaders, relax_leaders, relax_loads
from .check import check, objective
from .exchange import Exchange
from .facts import Facts
from .mend import exchanged, leaned
from .schema import Assignment, Diagnostic, Result

ROUNDS = 30
# Breaks from which the exchanges mend the plan once, beside the rounds: a round solves the
# whole flow again (8 s at XL) to mend a few places, which the tabu search of `solver.mend`
# does in about a second there. Its plan ends the rounds when its Σ load² meets the flow's
# bound, and is kept when fairer than theirs. Its polish weighs at most TRIAL_POLISH moves:
# at XL one move took it to the bound, at L 70 000 (9 s) did not.
MEND_AT = 10
TRIAL_POLISH = 100
LEAN_ROUNDS = 3  # leaders aimed at, chosen again after each round of swaps


def repaired_plan(
    facts: Facts,
    seed: int = 0,
    first: Relaxed | None = None,
    deadline: float | None = None,
    leaders: dict[str, str] | None = None,
) -> list[Assignment] | None:
    """A plan passing every hard rule, built from the relaxation (`first` if solved already), or None.

    No round starts that the previous one's length says would end past `deadline` (a
    `time.monotonic()` moment): on the largest terms a round takes seconds. `leaders` are
    the fairest leaders, which the relaxation's ties lean to (`relax_loads`).
    """
    rng = random.Random(seed)
    banned: set[tuple[str, str]] = set()
    kept: set[tuple[str, str]] | None = None
    took = 0.0
    closest: tuple[int, list[Assignment]] | None = None  # fewest breaks, and that plan
    bound: int | None = None  # the first round's cost: the flow's bound
    mended: list[Assignment] | None = None  # the exchanges' plan, once tried
    tried = False
    for round_ in range(ROUNDS):
        began = time.monotonic()
        if deadline is not None and began + took > deadline:
            break
        relaxed = (
            first
            if round_ == 0 and first is not None
            else relax_loads(facts, banned, kept, leaders)
        )
        if relaxed is None:
            break
        bound = relaxed.cost if bound is None else bound
        plan = _assignments(facts, relaxed)
        broken = check(facts.instance, Result(status="FEASIBLE", assignments=plan))
        if not broken:
            return _fairer(facts, plan, mended)
        if not tried and len(broken) <= MEND_AT:
            tried, mended = True, _exchanged(facts, plan, deadline, seed, bound, TRIAL_POLISH)
            if mended is not None and _squares(facts, mended) <= bound:
                return mended
        if closest is None or len(broken) < closest[0]:
            closest = (len(broken), plan)
        took = time.monotonic() - began
        kept = relaxed.pairs  # the next flow changes as little as it can
        seats = _seats_to_ban(facts, plan, broken, rng)
        if not seats:
            break
        banned |= seats
    if closest is None:
        return None
    return _fairer(facts, _exchanged(facts, closest[1], deadline, seed, bound), mended)


def _squares(facts: Facts, plan: list[Assignment]) -> int:
    return objective(facts.instance, plan).load_squares


def _fairer(
    facts: Facts, plan: list[Assignment] | None, other: list[Assignment] | None
) -> list[Assignment] | None:
    """The plan with the lower Σ load² (`plan` on a tie)."""
    if plan is None or other is None:
        return plan or other
    return other if _squares(facts, other) < _squares(facts, plan) else plan


def unavoidable_changes(facts: Facts) -> int:
    """Baseline seats whose examiner may no longer sit there: a lower bound on `changes`."""
    return sum(
        1
        for b in facts.instance.baseline
        if b.session in facts.sessions
        for e in b.members
        if e not in facts.eligible[b.session]
    )


def refilled_baseline(facts: Facts) -> list[Assignment] | None:
    """The baseline with each seat its examiner may no longer hold handed to someone else,
    each by the shift that breaks nothing and raises Σ load² least; None when a seat finds
    nobody, a session has no baseline panel of its size, or the plan fails the checker.

    Such a plan changes exactly the unavoidable seats, so it proves the `changes` level
    (`unavoidable_changes`) before the model exists: after a withdrawal at L, 0.3 s where a
    repair window of the model took the model's build (1.2 s) and 0.9 s more.
    """
    baseline = {b.session: b for b in facts.instance.baseline}
    panels: dict[str, set[str]] = {}
    for session in facts.instance.sessions:
        b = baseline.get(session.id)
        if b is None or len(b.members) != facts.sizes[session.id]:
            return None
        panels[session.id] = set(b.members)
    state = Exchange(facts, panels)
    seats = [(s, e) for s, members in panels.items() for e in sorted(members)]
    for s, e in seats:  # a list made first: the panels change as seats are refilled
        if e in state.eligible[s]:
            continue  # the seat stands
        shifts = [
            (state.delta(((s, e, x),)), x)
            for x in sorted(state.eligible[s])
            if state.may_join(s, x) and state.may_leave(s, e, x)
        ]
        fine = [(score, x) for score, x in shifts if score[0] <= 0]
        if not fine:
            return None
        state.apply(((s, e, min(fine)[1]),))
    return _checked(facts, state.members)


def leaning_plan(
    facts: Facts, plan: list[Assignment], deadline: float | None, seed: int = 0
) -> list[Assignment] | None:
    """`plan` with members swapped so that panels hold a fairest choice of leaders, and the
    fairest leaders for the new panels; None when no swap was made or the plan would break a
    rule or change an earlier level's value.

    The leaders aimed at are the leader relaxation's, among its equally fair choices the one
    with most leaders already on their panels (fewest swaps to make), chosen again after each
    round of swaps. Swaps keep every load (`mend.leaned`), so the start of the leader level
    stays at the load level's optimum; on most shapes its panels then admit leaders at the
    bound.
    """
    panels = {a.session: set(a.members) for a in plan}
    moved = panels
    for _ in range(LEAN_ROUNDS):
        seated = {(s, e) for s, members in moved.items() for e in members}
        target = relax_leaders(facts, prefer=seated)
        if target is None:
            return None
        leaning = leaned(facts, moved, target.leaders, deadline, seed)
        if leaning == moved:
            break
        moved = leaning
    out = None if moved == panels else _checked(facts, moved)
    if out is None:
        return None
    before, after = objective(facts.instance, plan), objective(facts.instance, out)
    earlier = ("unfilled", "changes", "load_squares")
    return out if all(getattr(after, k) == getattr(before, k) for k in earlier) else None


def _checked(facts: Facts, panels: dict[str, set[str]]) -> list[Assignment] | None:
    """`panels` with the fairest leaders for them, if that plan passes the checker."""
    leaders = best_leaders(facts, {s: sorted(m) for s, m in panels.items()})
    if leaders is None:
        return None
    plan = [
        Assignment(session=s.id, leader=leaders.get(s.id), members=tuple(sorted(panels[s.id])))
        for s in facts.instance.sessions
    ]
    return None if check(facts.instance, Result(status="FEASIBLE", assignments=plan)) else plan


def _exchanged(
    facts: Facts,
    plan: list[Assignment],
    deadline: float | None,
    seed: int,
    floor: int | None = None,
    polish: int | None = None,
) -> list[Assignment] | None:
    """The plan mended seat by seat (`solver.mend`), with the fairest leaders, if it passes."""
    panels = {a.session: set(a.members) for a in plan}
    mended = exchanged(facts, panels, deadline, seed, floor, polish)
    return None if mended is None else _checked(facts, mended)


def _assignments(facts: Facts, relaxed: Relaxed) -> list[Assignment]:
    members: dict[str, list[str]] = {s: [] for s in facts.sessions}
    for lock in facts.instance.locks:
        if lock.examiner not in members[lock.session]:
            members[lock.session].append(lock.examiner)
    for s, e in relaxed.pairs:
        members[s].append(e)
    locked_leaders = {
        lock.session: lock.examiner for lock in facts.instance.locks if lock.role == "leader"
    }
    out = []
    for session in facts.instance.sessions:
        panel = sorted(members[session.id])
        leader = locked_leaders.get(session.id) or relaxed.leaders.get(session.id)
        if leader is None:
            leader = next((e for e in panel if e in facts.can_lead[session.id]), None)
        out.append(Assignment(session=session.id, leader=leader, members=tuple(panel)))
    return out


def _seats_to_ban(
    facts: Facts, plan: list[Assignment], broken: list[Diagnostic], rng: random.Random
) -> set[tuple[str, str]]:
    """One seat per violation: the one the checker names, or a member shared with the previous panel."""
    panels = {a.session: set(a.members) for a in plan}
    locked = {(lock.session, lock.examiner) for lock in facts.instance.locks}
    out: set[tuple[str, str]] = set()
    for d in broken:
        session = d.session
        if session is None or session not in panels:
            continue
        if d.examiner is not None:
            candidates = [d.examiner]
        else:
            prev = facts.previous.get(session)
            before: set[str] = set()
            if prev is not None:
                before = panels.get(prev) or set(facts.history_members.get(prev, ()))
            candidates = sorted(panels[session] & before)
        candidates = [e for e in candidates if (session, e) not in locked and e in panels[session]]
        if candidates:
            out.add((session, rng.choice(candidates)))
    return out
