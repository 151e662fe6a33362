"""Lower bounds for the fairness levels from a convex-cost flow relaxation (SPEC 4.4).

Keep eligibility (H3, H4), panel sizes (H1), "some member may lead" (H2),
`max_sessions`, locks, of H5 what a flow can hold: one seat per examiner
in each group of mutually overlapping sessions, none beside a history session
they served, and of H7 a cap on examiners who may sit at one venue only.
Drop the rest of what ties sessions together (H6, H7). What is
left is a transportation problem: seats flow from sessions to examiners, and
the k-th session of an examiner costs 2k - 1, so an examiner's cost is the
square of their load. A min-cost flow solves it exactly in well under a
second, and since every plan is such a flow, its cost is a lower bound on
`load_squares`. CP-SAT's LP reaches that value only after seconds on large
terms; knowing it up front lets the search stop the moment a plan meets it.
The same construction with one seat per session and only leader-capable
examiners bounds `leader_squares`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ortools.graph.python import min_cost_flow

from .facts import Facts


@dataclass
class Relaxed:
    """An optimal plan of the relaxation: its cost (a lower bound) and its seats."""

    cost: int
    pairs: set[tuple[str, str]] = field(default_factory=set)  # (session, examiner) seated
    leaders: dict[str, str] = field(default_factory=dict)  # session -> examiner in its lead slot


def relax_loads(
    facts: Facts,
    banned: set[tuple[str, str]] | None = None,
    prefer: set[tuple[str, str]] | None = None,
    leaders: dict[str, str] | None = None,
) -> Relaxed | None:
    """Minimise Σ load² over relaxed plans; None when the relaxation cannot fill every seat.

    `banned` seats are left out (the warm start's repairs); the cost is then no longer a bound.
    Among equally fair flows, the one that moves fewest `prefer` seats and gives fewest
    sessions a leader other than theirs in `leaders` (session -> examiner: the fairest
    leaders, from `relax_leaders`), so that the plan's leaders are as fair as its loads
    where that fits.
    """
    banned = (banned or set()) | facts.history_clashes
    locked = _locked(facts)
    demand = {s: facts.sizes[s] - len(locked[s]) for s in facts.sessions}
    base = Counter(e for members in locked.values() for e in members)
    leads_locked = {lock.session for lock in facts.instance.locks if lock.role == "leader"}
    lead_needed = {
        s: s not in leads_locked and not (locked[s] & set(facts.can_lead[s]))
        for s in facts.sessions
    }
    pool = {
        s: [e for e in facts.eligible[s] if e not in locked[s] and (s, e) not in banned]
        for s in facts.sessions
    }
    can_lead = {s: [e for e in pool[s] if e in set(facts.can_lead[s])] for s in facts.sessions}
    return _solve(facts, demand, pool, can_lead, lead_needed, base, prefer, leaders)


def relax_leaders(facts: Facts, prefer: set[tuple[str, str]] | None = None) -> Relaxed | None:
    """Minimise Σ led² with one leader per session among those who may lead it.

    Its `leaders` are the relaxation's choice (session -> examiner), locked leaders included;
    among equally fair choices, the one with most (session, leader) pairs in `prefer`.
    """
    fixed = {lock.session: lock.examiner for lock in facts.instance.locks if lock.role == "leader"}
    base = Counter(fixed.values())
    demand = {s: 0 if s in fixed else 1 for s in facts.sessions}
    away = facts.history_clashes
    pool = {s: [e for e in facts.can_lead[s] if (s, e) not in away] for s in facts.sessions}
    relaxed = _solve(facts, demand, pool, {}, {}, base, prefer)
    if relaxed is not None:
        relaxed.leaders = {**fixed, **dict(sorted(relaxed.pairs))}
    return relaxed


def best_leaders(
    facts: Facts, panels: dict[str, list[str]], prefer: set[tuple[str, str]] | None = None
) -> dict[str, str] | None:
    """Leaders for fixed panels minimising Σ led² (leaders never affect H1, H3-H7).

    Among equally fair choices, the one keeping most `prefer` (session, leader) pairs.
    """
    fixed = {lock.session: lock.examiner for lock in facts.instance.locks if lock.role == "leader"}
    base = Counter(e for s, e in fixed.items() if s in panels)
    demand = {s: 0 if s in fixed or not members else 1 for s, members in panels.items()}
    pool = {s: [e for e in facts.can_lead[s] if e in members] for s, members in panels.items()}
    relaxed = _solve(facts, demand, pool, {}, {}, base, prefer)
    if relaxed is None:
        return None
    chosen = {s: e for s, e in relaxed.pairs}
    return {s: fixed.get(s) or chosen[s] for s in panels if panels[s]}


def _locked(facts: Facts) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {s: set() for s in facts.sessions}
    for lock in facts.instance.locks:
        out[lock.session].add(lock.examiner)
    return out


def _solve(
    facts: Facts,
    demand: dict,
    pool: dict,
    leaders: dict,
    lead_needed: dict,
    base: Counter,
    prefer: set[tuple[str, str]] | None = None,
    chosen: dict[str, str] | None = None,
) -> Relaxed | None:
    """Min-cost flow: source -> session (-> lead slot) -> pair -> examiner -> sink.

    Ties between equally fair flows go to the one with fewest seats outside `prefer` plus
    lead slots not given their examiner in `chosen` (load costs are scaled above the
    largest possible sum of these tie-breaks).
    """
    ties = prefer is not None or chosen is not None
    scale = 2 * sum(max(0, d) for d in demand.values()) + 1 if ties else 1
    slots = facts.overlap_groups
    flow = min_cost_flow.SimpleMinCostFlow()
    nodes: dict[tuple, int] = {}
    seat_arcs: dict[int, tuple[str, str]] = {}
    lead_arcs: dict[int, tuple[str, str]] = {}

    def node(*key: object) -> int:
        return nodes.setdefault(key, len(nodes))

    def arc(tail: int, head: int, capacity: int, cost: int = 0) -> int:
        return flow.add_arc_with_capacity_and_unit_cost(tail, head, capacity, cost)

    source, sink = node("source"), node("sink")
    total = 0
    for s, need in demand.items():
        if need <= 0:
            continue
        total += need
        lead = 1 if lead_needed.get(s) else 0
        if lead:
            if not leaders[s]:
                return None
            arc(source, node("lead", s), 1)
            for e in leaders[s]:
                other = 0 if chosen is None or chosen.get(s) == e else 1
                lead_arcs[arc(node("lead", s), node("pair", s, e), 1, other)] = (s, e)
        arc(source, node("session", s), need - lead)
        for e in pool[s]:
            arc(node("session", s), node("pair", s, e), 1)
            moved = 0 if prefer is None or (s, e) in prefer else 1
            slot = node("slot", e, slots[s])
            if slot == len(nodes) - 1:  # new: one seat per examiner and slot (H5)
                arc(slot, node("examiner", e), 1)
            seat_arcs[arc(node("pair", s, e), slot, 1, moved)] = (s, e)
    offered = Counter(e for s in demand if demand[s] > 0 for e in pool[s])
    runs = facts.one_venue_caps
    for e, possible in offered.items():
        limit = facts.examiners[e].max_sessions
        cap = possible if limit is None else min(possible, max(0, limit - base[e]))
        if e in runs:
            cap = min(cap, max(0, runs[e] - base[e]))
        for k in range(base[e] + 1, base[e] + cap + 1):
            arc(node("examiner", e), sink, 1, scale * (2 * k - 1))  # k-th session: k² - (k-1)²
    flow.set_node_supply(source, total)
    flow.set_node_supply(sink, -total)
    if flow.solve() != flow.OPTIMAL:
        return None
    pairs = {pair for a, pair in seat_arcs.items() if flow.flow(a)}
    loads = base + Counter(e for _, e in pairs)
    return Relaxed(
        cost=sum(n * n for n in loads.values()),
        pairs=pairs,
        leaders={s: e for a, (s, e) in lead_arcs.items() if flow.flow(a)},
    )
