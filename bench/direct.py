"""The direct formulation: a plain CP-SAT model, kept as a baseline for the benchmarks only.

One boolean per (session, eligible examiner) and per (session, examiner who may lead), every
hard rule written out as linear constraints in the most obvious way, and the objective levels
minimised one after another by plain CP-SAT solves (each level's optimum fixed, its plan the
hint of the next). No warm start, no relaxation bound, no neighbourhood search: what a
competent modeller writes in an afternoon. The product never calls it; `bench.matrix` runs it
beside the solver so that every figure in docs/benchmarks.md has its baseline from the same
run on the same machine.

Each level's squares join the model when the level starts, each examiner's count in unary
(`n = Σ y_k`, `n² = Σ (2k + 1) y_k`). Until 2026-12-07 they were tangent cuts built up front,
and the baseline was weaker than the independent generator's direct model: on s-2venues its
leader level stayed at 120 against a bound of 104 for a minute, where the published model
proves it in 1.7 s; in unary it proves it in 1-2 s, s-both in 2.5-8 s and m-3venues' load
level in 45 s (published: 2.1 s and 20 s for the whole solve). A baseline must not be easy
to beat.

Eligibility (H3, H4), panel sizes, leader eligibility, lineages and history clashes come from
`solver.facts`, which reads them from the SPEC; the model is this module's own. It supports
what the benchmark instances use: no empty seats (`allow_unfilled` false), baselines and locks.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from solver.facts import Facts
from solver.objective import TERMS
from solver.schema import Instance

HISTORY = 1  # a served history session in a sequence: a constant


@dataclass
class DirectOutcome:
    """Status, objective vector and bound, when each level was proven, the plan."""

    status: str
    objective: dict[str, int] = field(default_factory=dict)
    bound: dict[str, int] = field(default_factory=dict)
    proven: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    assignments: list[dict] = field(default_factory=list)
    trail: list[tuple[float, list[int]]] = field(default_factory=list)  # (seconds, vector)


def solve_direct(
    instance: Instance, time_limit: float, workers: int = 2, seed: int = 0
) -> DirectOutcome:
    """Minimise the levels in order with plain CP-SAT solves sharing one wall-clock limit."""
    if instance.policy.allow_unfilled:
        raise ValueError("the direct baseline does not model allow_unfilled")
    started = time.monotonic()
    facts = Facts(instance)
    model = cp_model.CpModel()
    x, lead = _variables(model, facts)
    _rules(model, facts, x, lead)
    levels = _levels(facts, x, lead)
    out = DirectOutcome("OPTIMAL")
    hint: list[int] | None = None
    for name in TERMS:
        build = levels.get(name)
        if build is None:
            out.objective[name] = out.bound[name] = 0
            continue
        expr = build(model)  # a level's variables join the model when it starts
        left = time_limit - (time.monotonic() - started)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = seed
        solver.parameters.max_time_in_seconds = max(0.01, left)
        model.minimize(expr)
        model.clear_hints()
        if hint is not None:
            for i, value in enumerate(hint):  # the new level's own variables go unhinted
                model.proto.solution_hint.vars.append(i)
                model.proto.solution_hint.values.append(value)
        code = solver.solve(model, _Trail(out, started, facts, x, lead))
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            out.status = "UNKNOWN" if hint is None else "FEASIBLE"
            break
        hint = list(solver.response_proto.solution)
        value = round(solver.objective_value)
        out.objective[name] = value
        out.bound[name] = int(-(-solver.best_objective_bound // 1))
        out.assignments = _plan(facts, x, lead, solver)
        if code != cp_model.OPTIMAL:
            out.status = "FEASIBLE"
            break
        out.proven[name] = round(time.monotonic() - started, 2)
        model.add(expr <= value)
    out.seconds = round(time.monotonic() - started, 2)
    return out


class _Trail(cp_model.CpSolverSolutionCallback):
    """Records each plan's whole objective vector and when it was found."""

    def __init__(self, out: DirectOutcome, started: float, facts: Facts, x: dict, lead: dict):
        super().__init__()
        self.out, self.started, self.facts, self.x, self.lead = out, started, facts, x, lead

    def on_solution_callback(self) -> None:
        loads: dict[str, int] = defaultdict(int)
        led: dict[str, int] = defaultdict(int)
        for (_, e), var in self.x.items():
            loads[e] += self.boolean_value(var)
        for (_, e), var in self.lead.items():
            led[e] += self.boolean_value(var)
        pairs = [(b.session, e) for b in self.facts.instance.baseline for e in b.members]
        changes = sum(
            1
            for s, e in pairs
            if s in self.facts.sessions
            and not ((s, e) in self.x and self.boolean_value(self.x[s, e]))
        )
        vector = [0, changes, sum(n * n for n in loads.values()), sum(n * n for n in led.values())]
        self.out.trail.append((round(time.monotonic() - self.started, 2), vector))


def _variables(model: cp_model.CpModel, facts: Facts) -> tuple[dict, dict]:
    x = {
        (s, e): model.new_bool_var(f"x[{s},{e}]") for s in facts.sessions for e in facts.eligible[s]
    }
    lead = {
        (s, e): model.new_bool_var(f"lead[{s},{e}]")
        for s in facts.sessions
        for e in facts.can_lead[s]
    }
    return x, lead


def _rules(model: cp_model.CpModel, facts: Facts, x: dict, lead: dict) -> None:
    for s in facts.sessions:  # H1, H2
        model.add(sum(x[s, e] for e in facts.eligible[s]) == facts.sizes[s])
        model.add(sum(lead[s, e] for e in facts.can_lead[s]) == 1)
        for e in facts.can_lead[s]:
            model.add(lead[s, e] <= x[s, e])
    by_examiner: dict[str, list[str]] = defaultdict(list)
    for s, e in x:
        by_examiner[e].append(s)
    for e, sessions in by_examiner.items():  # H5
        sessions.sort(key=lambda s: facts.sessions[s].order_key)
        for i, s in enumerate(sessions):
            if (s, e) in facts.history_clashes:
                model.add(x[s, e] == 0)
            a = facts.sessions[s]
            for t in sessions[i + 1 :]:
                if facts.sessions[t].start < a.end:  # sorted by start: t overlaps s
                    model.add_at_most_one([x[s, e], x[t, e]])
        cap = facts.examiners[e].max_sessions
        if cap is not None:
            model.add(sum(x[s, e] for s in sessions) <= cap)
    _turnover(model, facts, x)
    rule = facts.policy.consecutive_rule
    if rule in ("examiner_sequence", "both"):
        _examiner_sequences(model, facts, x, by_examiner)
    if rule in ("venue_sequence", "both"):
        _venue_windows(model, facts, x)
    for lock in facts.instance.locks:  # H8
        table = lead if lock.role == "leader" else x
        model.add(table[lock.session, lock.examiner] == 1)


def _turnover(model: cp_model.CpModel, facts: Facts, x: dict) -> None:
    """H6: at most size - ceil(size x turnover) members shared with the previous panel."""
    for s in facts.sessions:
        prev = facts.previous.get(s)
        if prev is None:
            continue
        size = facts.sizes[s]
        limit = size - facts.policy.turnover_needed(size)
        if prev in facts.history_members:
            shared = [x[s, e] for e in facts.history_members[prev] if (s, e) in x]
        else:
            shared = []
            for e in facts.eligible[s]:
                if (prev, e) in x:
                    both = model.new_bool_var(f"both[{s},{e}]")
                    model.add(both >= x[s, e] + x[prev, e] - 1)
                    shared.append(both)
        if len(shared) > limit:
            model.add(sum(shared) <= limit)


def _examiner_sequences(
    model: cp_model.CpModel, facts: Facts, x: dict, by_examiner: dict[str, list[str]]
) -> None:
    """H7 per examiner: in any stretch of their sequence, visits to a venue <= K (1 + visits
    elsewhere); a history prefix carries its last run into the first stretch."""
    k = facts.policy.max_consecutive_same_venue
    served: dict[str, list[str]] = defaultdict(list)
    for h in facts.instance.history:
        for e in h.members:
            served[e].append(h.session.id)
    every = {s.id: s for s in facts.all_sessions}
    for e, sessions in by_examiner.items():
        seq = sorted(sessions + served.get(e, []), key=lambda s: every[s].order_key)
        terms = [HISTORY if s in facts.history_members else x[s, e] for s in seq]
        first = next((i for i, s in enumerate(seq) if s not in facts.history_members), len(seq))
        carry: dict[str, int] = {}
        for s in seq[:first]:
            carry = {every[s].venue: min(carry.get(every[s].venue, 0) + 1, k)}
        rest = list(zip(seq[first:], terms[first:], strict=True))
        for venue in {every[s].venue for s, _ in rest}:
            at = [i for i, (s, _) in enumerate(rest) if every[s].venue == venue]
            for a in range(len(at)):
                for b in range(a, len(at)):
                    c = carry.get(venue, 0) if a == 0 else 0
                    if c + b - a + 1 <= k:
                        continue
                    # The carried run goes on only if nothing elsewhere was served before.
                    stretch = rest[0 if c else at[a] : at[b] + 1]
                    here = [t for s, t in stretch if every[s].venue == venue]
                    away = [t for s, t in stretch if every[s].venue != venue]
                    # One visit elsewhere allows at most min(c + m, 2K) visits here: the
                    # smallest valid factor on `away` is min(c + m - K, K).
                    factor = min(c + len(here) - k, k)
                    model.add(c + sum(here) <= k + factor * sum(away))


def _venue_windows(model: cp_model.CpModel, facts: Facts, x: dict) -> None:
    """H7 per venue: nobody on more than K of any K + 1 consecutive sessions there."""
    k = facts.policy.max_consecutive_same_venue
    by_venue: dict[str, list] = defaultdict(list)
    for s in facts.all_sessions:
        by_venue[s.venue].append(s)
    for sessions in by_venue.values():
        for i in range(len(sessions) - k):
            window = sessions[i : i + k + 1]
            if all(s.id in facts.history_members for s in window):
                continue
            names = {e for s in window for e in facts.history_members.get(s.id, ())}
            names |= {e for s in window for e in facts.eligible.get(s.id, ())}
            for e in names:
                terms = [
                    1 if e in facts.history_members.get(s.id, ()) else x.get((s.id, e), 0)
                    for s in window
                ]
                if sum(1 for t in terms if not isinstance(t, int) or t) > k:
                    model.add(sum(terms) <= k)


def _levels(facts: Facts, x: dict, lead: dict) -> dict[str, Callable]:
    """The objective levels that can be other than 0: each builds its expression when it starts."""
    levels: dict[str, Callable] = {}
    pairs = [(b.session, e) for b in facts.instance.baseline for e in b.members]
    pairs = [(s, e) for s, e in pairs if s in facts.sessions]
    if pairs:
        levels["changes"] = lambda model: sum(1 - x[p] if p in x else 1 for p in pairs)
    levels["load_squares"] = lambda model: _squares(model, x, "load")
    levels["leader_squares"] = lambda model: _squares(model, lead, "led")
    return levels


def _squares(model: cp_model.CpModel, table: dict, label: str) -> cp_model.LinearExprT:
    """Sum of squared counts per examiner, each count in unary: `n = Σ y_k` with y_k ≥ y_k+1
    (the examiner's (k+1)-th seat) and `n² = Σ (2k + 1) y_k`."""
    by_examiner: dict[str, list] = defaultdict(list)
    for (_, e), var in table.items():
        by_examiner[e].append(var)
    squares: list[cp_model.LinearExprT] = []
    for e, lits in sorted(by_examiner.items()):
        steps = [model.new_bool_var(f"{label}_y[{e},{k}]") for k in range(len(lits))]
        for later, earlier in zip(steps[1:], steps, strict=False):
            model.add_implication(later, earlier)
        model.add(sum(steps) == sum(lits))
        squares.extend((2 * k + 1) * y for k, y in enumerate(steps))
    return cp_model.LinearExpr.sum(squares)


def _plan(facts: Facts, x: dict, lead: dict, solver: cp_model.CpSolver) -> list[dict]:
    out = []
    for s in facts.sessions:
        members = sorted(e for e in facts.eligible[s] if solver.value(x[s, e]))
        leader = next((e for e in facts.can_lead[s] if solver.value(lead[s, e])), None)
        out.append({"session": s, "leader": leader, "members": members})
    return out
