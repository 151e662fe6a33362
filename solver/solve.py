"""Solve an instance: the lexicographic objective of SPEC 4.4, one level at a time.

Each level is minimised (see `solver.search`) with the levels before it fixed
at their optimum and the previous level's plan as the hint; the result is
`OPTIMAL` only when every level was proven. Ties among equally good plans
are broken by the search itself: `seed` seeds CP-SAT (`random_seed`) and the
neighbourhood choice, so the same instance, seed and deterministic mode (one
worker, time limits in deterministic units) give the same plan.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version

from ortools.sat.python import cp_model

from . import __version__
from .bound import Relaxed, best_leaders, relax_leaders, relax_loads
from .check import objective
from .diagnose import diagnose
from .facts import Facts
from .messages import say
from .model import Built, OutOfTime, build
from .objective import TERMS, Term, evaluate
from .options import Options
from .schema import Assignment, Instance, Objective, Result, Unfilled
from .search import Budget, Control, Outcome, Searcher
from .warmstart import leaning_plan, refilled_baseline, repaired_plan, unavoidable_changes

SOLVER_VERSION = f"panelplan {__version__} (ortools {version('ortools')})"
RELAXATIONS: dict[str, Callable[[Facts], Relaxed | None]] = {
    "load_squares": relax_loads,
    "leader_squares": relax_leaders,
}

__all__ = ["SOLVER_VERSION", "Control", "Options", "Progress", "solve"]


@dataclass(frozen=True)
class Progress:
    """One improving plan: elapsed seconds, the level being minimised, vector and bound."""

    elapsed: float
    level: str
    objective: Objective
    bound: Objective


def solve(
    instance: Instance,
    options: Options | None = None,
    progress: Callable[[Progress], None] | None = None,
    control: Control | None = None,
    warnings: list[str] | None = None,
) -> Result:
    """Find a plan minimising (unfilled, changes, load_squares, leader_squares) in that order."""
    return _Run(
        instance, options or Options(), progress, control or Control(), warnings or []
    ).run()


class _Run:
    """One solve: the model, the levels proven so far and what progress has shown."""

    built: Built
    searcher: Searcher

    def __init__(
        self,
        instance: Instance,
        options: Options,
        progress: Callable[[Progress], None] | None,
        control: Control,
        warnings: list[str],
    ) -> None:
        self.start = time.monotonic()
        self.instance, self.options, self.progress = instance, options, progress
        self.facts = Facts(instance)
        self.reported: list[tuple[str, Objective]] = []  # (level, vector) of every plan shown
        self.fixed: list[int] = []  # proven optimum of each level done
        self.level = TERMS[0]
        self.notes = warnings + [
            say(options.lang, "count_only", session=s.id)
            for s in instance.sessions
            if s.candidates is None
        ]
        # The limit holds in wall-clock seconds in every mode (see `Budget`).
        limit = options.time_limit
        self.deadline = None if limit is None else self.start + limit
        self.control = control
        self.relaxed_leaders: Relaxed | None = None
        self.relaxed_loads, self.warm, self.warm_bound = self._warm_start()

    def _warm_start(self) -> tuple[Relaxed | None, list[Assignment] | None, Objective]:
        """The first level that matters, without the model: so a plan exists (and is shown)
        before the model is built. Where no seat may stay empty: with a baseline (after a
        withdrawal) `changes`, from the baseline with the lost seats refilled; without one
        `load_squares`, from the flow."""
        instance = self.instance
        if instance.policy.allow_unfilled:
            return None, None, Objective()
        if any(b.members for b in instance.baseline):
            warm = refilled_baseline(self.facts)
            bound = Objective(changes=unavoidable_changes(self.facts))
            self._show_warm("changes", warm, bound)
            return None, warm, bound
        self.relaxed_leaders = relax_leaders(self.facts)
        fairest = self.relaxed_leaders.leaders if self.relaxed_leaders else None
        relaxed = relax_loads(self.facts, leaders=fairest)
        if relaxed is None:
            return None, None, Objective()
        warm = repaired_plan(self.facts, self.options.seed, relaxed, self.deadline, fairest)
        bound = Objective(load_squares=relaxed.cost)
        self._show_warm("load_squares", warm, bound)
        return relaxed, warm, bound

    def _show_warm(self, level: str, warm: list[Assignment] | None, bound: Objective) -> None:
        """Show the warm start; when it meets its level's bound the level is proven, and
        that is said as the next level starts (as `_levels` does), not once the model is
        built (XL: 27 s against 48 s)."""
        if warm is None or self.progress is None:
            return
        vector = objective(self.instance, warm)
        i = TERMS.index(level)
        shown = [level]
        if vector.as_tuple()[i] <= bound.as_tuple()[i] and i + 1 < len(TERMS):
            shown.append(TERMS[i + 1])
        for name in shown:
            self.reported.append((name, vector))
            self.progress(Progress(time.monotonic() - self.start, name, vector, bound))

    def report(self, outcome: Outcome) -> None:
        """Show an improving plan: within a level, only a plan better than the last one shown
        (a final solve running out of time may end on a worse plan than its hint)."""
        if self.progress is None or outcome.values is None:
            return
        values = outcome.values
        vector = Objective(**evaluate(self.built.v, lambda lit: values[lit.index]))
        if self.reported:
            level, last = self.reported[-1]
            i = TERMS.index(level)
            if TERMS.index(self.level) < i:  # shown proven already, by the warm start
                return
            if level == self.level and last.as_tuple()[i] <= vector.as_tuple()[i]:
                return
        self.reported.append((self.level, vector))
        bound = _bound(self.fixed, outcome.bound)
        self.progress(Progress(time.monotonic() - self.start, self.level, vector, bound))

    def run(self) -> Result:
        """Build the model, then minimise the levels in order, fixing each optimum before the next."""
        try:
            self.built = build(self.facts, deadline=self.deadline)
        except OutOfTime:
            return self._unbuilt()
        options = self.options
        self.searcher = Searcher(
            self.built,
            workers=1 if options.deterministic else options.workers,
            seed=options.seed,
            budget=Budget(options.time_limit, options.deterministic, started=self.start),
            make_solver=lambda limit, seed: _solver(options, limit, seed),
            control=self.control,
            on_solution=self.report,
        )
        return self._levels()

    def _unbuilt(self) -> Result:
        """The limit passed while the model was built: the warm start's plan, if there is one."""
        if self.warm is None:
            return _no_plan(self.facts, "UNKNOWN", self.options, self.start, self.notes)
        return Result(
            status="FEASIBLE",
            objective=objective(self.instance, self.warm),
            bound=self.warm_bound,
            solve_seconds=round(time.monotonic() - self.start, 3),
            seed=self.options.seed,
            solver_version=SOLVER_VERSION,
            assignments=self.warm,
            warnings=self.notes,
        )

    def _levels(self) -> Result:
        status, outcome = "OPTIMAL", Outcome("UNKNOWN")
        best: list[int] | None = None  # the last level's plan: it satisfies every rule
        for name in TERMS:
            self.level = name
            if best is not None:  # the previous level is proven: say so as this one starts
                self.report(Outcome("FEASIBLE", None, 0, best))
            term = self.built.term(name)
            if term.trivial:
                self.fixed.append(0)
                continue
            outcome = self._minimize(term, best)
            if outcome.values is None:
                found_none = outcome.status == "INFEASIBLE" and best is None
                status = "INFEASIBLE" if found_none else "UNKNOWN"
                break
            best = outcome.values
            if outcome.status != "OPTIMAL" or self.searcher.control.stopped.is_set():
                status = "FEASIBLE"
                break
            self.fixed.append(outcome.value or 0)
            self.built.model.add(term.expr <= (outcome.value or 0))
        return self._result(status, outcome, best)

    def _minimize(self, term: Term, best: list[int] | None) -> Outcome:
        """One level: its lower bounds, where its search starts, the search."""
        relaxed = self._relaxation(term.name)
        flow = relaxed.cost if relaxed else None
        lower = flow
        broken = None
        if term.name == "changes":
            lower = flow = unavoidable_changes(self.facts)
            broken = _broken(self.built, self.facts) if best is None else None
        guide = None
        if relaxed is not None and term.name == "load_squares":
            # The flow's plan: shares for the crews, and the H7 counters the LP keeps (`ForLp`).
            guide = self.built.lp.guide = _relaxed_hint(self.built, relaxed)
        hint, feasible = _start(
            self.built,
            self.facts,
            term.name,
            best,
            relaxed,
            self.warm,
            self.options.seed,
            self.deadline,
        )
        outcome = self.searcher.minimize(term, lower, hint, feasible, broken, flow, guide)
        outcome.bound = max(outcome.bound, lower or 0)
        return outcome

    def _relaxation(self, level: str) -> Relaxed | None:
        """The relaxations fill every seat, so they bound a level only once no seat may stay empty."""
        if level == "load_squares" and self.relaxed_loads is not None:
            return self.relaxed_loads
        if level == "leader_squares" and self.relaxed_leaders is not None:
            return self.relaxed_leaders
        if level in RELAXATIONS and self.fixed[0] == 0:
            return RELAXATIONS[level](self.facts)
        return None

    def _result(self, status: str, outcome: Outcome, best: list[int] | None) -> Result:
        if best is None and self.warm is not None:  # stopped before the search improved it
            best, status = _plan_hint(self.built, self.warm), "FEASIBLE"
        if best is None:
            return _no_plan(self.facts, status, self.options, self.start, self.notes)
        if status == "UNKNOWN":
            status = "FEASIBLE"  # a later level found nothing better in time: the plan stands
        if self.facts.instance.baseline:
            best = _keep_leaders(self.built, best)
        bound = _bound(self.fixed, outcome.bound if status != "OPTIMAL" else None)
        return _plan_result(self.built, best, status, bound, self.options, self.start, self.notes)


def _broken(built: Built, facts: Facts) -> set[str]:
    """Sessions whose baseline panel cannot stand as it is (a seat gone, a size changed, none)."""
    baseline = {b.session: b for b in facts.instance.baseline}
    out = set()
    for s in facts.instance.sessions:
        b = baseline.get(s.id)
        if (
            b is None
            or len(b.members) != facts.sizes[s.id]
            or any((s.id, e) not in built.v.sits for e in b.members)
            or (b.leader is not None and (s.id, b.leader) not in built.v.leads)
        ):
            out.add(s.id)
    return out


def _start(
    built: Built,
    facts: Facts,
    level: str,
    best: list[int] | None,
    relaxed: Relaxed | None,
    warm: list[Assignment] | None,
    seed: int,
    deadline: float | None = None,
) -> tuple[list[int] | None, bool]:
    """Where a level's search starts, and whether that start is a valid plan.

    After the first level, the previous level's plan (for leaders: its panels leaned
    towards the fairest leaders `relaxed`, with the fairest leaders for them). Otherwise the repaired relaxation, or the
    raw relaxation or the baseline as a guide that may break rules.
    """
    if best is not None:
        if level != "leader_squares":
            return best, True
        return _regroup_leaders(built, best, relaxed, seed, deadline), True
    if relaxed is not None:
        plan = warm if warm is not None else repaired_plan(facts, seed)
        if plan is not None:
            return _plan_hint(built, plan), True
        return _relaxed_hint(built, relaxed), False
    if level == "changes":
        if warm is not None:  # the baseline refilled (`refilled_baseline`)
            return _plan_hint(built, warm), True
        return _plan_hint(built, list(facts.instance.baseline), strict=False), False
    return None, False


def _plan_hint(built: Built, plan: list[Assignment], strict: bool = True) -> list[int]:
    """Solution values of a plan; `strict=False` skips seats that no longer exist."""
    hint = [0] * len(built.model.proto.variables)
    for a in plan:
        leads = [(a.session, a.leader)] if a.leader else []
        for table, keys in (
            (built.v.sits, [(a.session, e) for e in a.members]),
            (built.v.leads, leads),
        ):
            for key in keys:
                lit = table[key] if strict else table.get(key)
                if lit is not None:
                    hint[lit.index] = 1
    return hint


def _relaxed_hint(built: Built, relaxed: Relaxed) -> list[int]:
    """Solution values seating the relaxation's plan: a start that H5-H7 may still break."""
    hint = [0] * len(built.model.proto.variables)
    for pair in relaxed.pairs:
        hint[built.v.sits[pair].index] = 1
    for pair in relaxed.leaders.items():
        hint[built.v.leads[pair].index] = 1
    return hint


def _regroup_leaders(
    built: Built, values: list[int], fairest: Relaxed | None, seed: int, deadline: float | None
) -> list[int]:
    """The panels swapped towards the `fairest` leaders where that breaks nothing, with the
    fairest choice of leaders for them, found by a min-cost flow."""
    plan = built.v.plan(lambda lit: values[lit.index])
    if fairest is not None:
        leaning = leaning_plan(built.v.facts, plan, deadline, seed)
        if leaning is not None:
            return _plan_hint(built, leaning)
    leaders = best_leaders(built.v.facts, {a.session: list(a.members) for a in plan})
    return values if leaders is None else _with_leaders(built, values, leaders)


def _keep_leaders(built: Built, values: list[int]) -> list[int]:
    """The same panels, the fairest leaders, and of those the baseline's where a tie allows.

    `changes` counts membership only (SPEC 4.4) and `leader_squares` is indifferent to which
    of several equally fair leaders a panel gets, so without this a rerun after one
    withdrawal could hand the leadership of many untouched panels to someone else. The
    flow is exact: leader_squares never rises, and it keeps the most baseline leaders.
    """
    plan = built.v.plan(lambda lit: values[lit.index])
    facts = built.v.facts
    prefer = {(b.session, b.leader) for b in facts.instance.baseline if b.leader}
    leaders = best_leaders(facts, {a.session: list(a.members) for a in plan}, prefer)
    return values if leaders is None else _with_leaders(built, values, leaders)


def _with_leaders(built: Built, values: list[int], leaders: dict[str, str]) -> list[int]:
    """`values` with the lead literals set to `leaders` (session -> examiner)."""
    out = list(values)
    for (s, e), lit in built.v.leads.items():
        out[lit.index] = int(leaders.get(s) == e)
    return out


def _bound(fixed: list[int], current: int | None) -> Objective:
    """Proven levels, then the bound of the level being minimised, then zeros."""
    values = [*fixed] + ([current] if current is not None and len(fixed) < 4 else [])
    values += [0] * (4 - len(values))
    return Objective(**dict(zip(TERMS, values[:4], strict=True)))


def _solver(options: Options, limit: float | None, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.random_seed = seed
    p.num_workers = 1 if options.deterministic else options.workers
    if limit is not None:
        if options.deterministic:
            p.max_deterministic_time = limit
        else:
            p.max_time_in_seconds = limit
    return solver


def _plan_result(
    built: Built,
    values: list[int],
    status: str,
    bound: Objective,
    options: Options,
    start: float,
    notes: list[str],
) -> Result:
    def value(lit: cp_model.IntVar) -> int:
        return values[lit.index]

    empty = [(s, value(var)) for s, var in built.v.empty.items()]
    return Result(
        status=status,  # type: ignore[arg-type]
        objective=Objective(**evaluate(built.v, value)),
        bound=bound,
        solve_seconds=round(time.monotonic() - start, 3),
        seed=options.seed,
        solver_version=SOLVER_VERSION,
        assignments=built.v.plan(value),
        unfilled=[Unfilled(session=s, seats=n) for s, n in empty if n],
        warnings=notes,
    )


def _no_plan(facts: Facts, status: str, options: Options, start: float, notes: list[str]) -> Result:
    diagnostics = diagnose(facts, options) if status == "INFEASIBLE" else []
    return Result(
        status=status,  # type: ignore[arg-type]
        solve_seconds=round(time.monotonic() - start, 3),
        seed=options.seed,
        solver_version=SOLVER_VERSION,
        diagnostics=diagnostics,
        warnings=notes,
    )
