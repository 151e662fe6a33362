"""Lower bounds for the fairness levels from a convex-cost flow relaxation (SPEC 4.4).

Keep only eligibility (H3, H4), panel sizes (H1), "some member may lead"
(H2), `max_sessions` and locks; drop the rules that tie sessions together
(H5-H7). What is left is a transportation problem: seats flow from sessions
to examiners, and the k-th session of an examiner costs 2k - 1, so a
examiner's cost is the square of their load. A min-cost flow solves it
exactly in milliseconds, and since every plan is a flow, its cost is a lower
bound on `load_squares`. CP-SAT's LP reaches the same value only after
seconds on large terms; knowing it up front lets the search stop the moment
a plan meets it. The same construction with one seat per session and only
leader-capable examiners bounds `leader_squares`.
"""

from __future__ import annotations

from collections import Counter

from ortools.graph.python import min_cost_flow

from .facts import Facts


def load_squares_bound(facts: Facts) -> int | None:
    """A lower bound on Σ load², or None when the relaxation cannot fill every seat."""
    locked = _locked(facts)
    demand = {s: facts.sizes[s] - len(locked[s]) for s in facts.sessions}
    base = Counter(e for members in locked.values() for e in members)
    leads_locked = {lock.session for lock in facts.instance.locks if lock.role == "leader"}
    lead_needed = {
        s: s not in leads_locked and not (locked[s] & set(facts.can_lead[s]))
        for s in facts.sessions
    }
    pool = {s: [e for e in facts.eligible[s] if e not in locked[s]] for s in facts.sessions}
    leaders = {s: [e for e in facts.can_lead[s] if e not in locked[s]] for s in facts.sessions}
    return _solve(facts, demand, pool, leaders, lead_needed, base)


def leader_squares_bound(facts: Facts) -> int | None:
    """A lower bound on Σ led²: one leader per session among those who may lead it."""
    fixed = {lock.session: lock.examiner for lock in facts.instance.locks if lock.role == "leader"}
    base = Counter(fixed.values())
    demand = {s: 0 if s in fixed else 1 for s in facts.sessions}
    pool = {s: list(facts.can_lead[s]) for s in facts.sessions}
    return _solve(facts, demand, pool, {}, {}, base)


def _locked(facts: Facts) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {s: set() for s in facts.sessions}
    for lock in facts.instance.locks:
        out[lock.session].add(lock.examiner)
    return out


def _solve(
    facts: Facts, demand: dict, pool: dict, leaders: dict, lead_needed: dict, base: Counter
) -> int | None:
    """Min-cost flow: source -> session (-> leader slot) -> pair -> examiner -> sink."""
    flow = min_cost_flow.SimpleMinCostFlow()
    nodes: dict[tuple, int] = {}

    def node(*key: object) -> int:
        return nodes.setdefault(key, len(nodes))

    source, sink = node("source"), node("sink")
    total = 0
    for s, need in demand.items():
        if need <= 0:
            continue
        total += need
        lead = 1 if lead_needed.get(s) and need > 0 else 0
        if lead:
            if not leaders[s]:
                return None
            flow.add_arc_with_capacity_and_unit_cost(source, node("lead", s), 1, 0)
            for e in leaders[s]:
                flow.add_arc_with_capacity_and_unit_cost(node("lead", s), node("pair", s, e), 1, 0)
        flow.add_arc_with_capacity_and_unit_cost(source, node("session", s), need - lead, 0)
        for e in pool[s]:
            flow.add_arc_with_capacity_and_unit_cost(node("session", s), node("pair", s, e), 1, 0)
            flow.add_arc_with_capacity_and_unit_cost(node("pair", s, e), node("examiner", e), 1, 0)
    offered = Counter(e for s in demand if demand[s] > 0 for e in pool[s])
    for e, possible in offered.items():
        cap = possible
        limit = facts.examiners[e].max_sessions
        if limit is not None:
            cap = min(cap, max(0, limit - base[e]))
        for k in range(base[e] + 1, base[e] + cap + 1):
            flow.add_arc_with_capacity_and_unit_cost(node("examiner", e), sink, 1, 2 * k - 1)
    flow.set_node_supply(source, total)
    flow.set_node_supply(sink, -total)
    if flow.solve() != flow.OPTIMAL:
        return None
    return flow.optimal_cost() + sum(b * b for b in base.values())
