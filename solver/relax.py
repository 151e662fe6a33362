"""Bounds that see every rule, and an exact second engine: the model as a linear program.

The flow of `solver.bound` drops H6 and H7, and on terms with few venues, history and bigger
panels those are the rules that decide the optimum: there it stays 4-20 % below it. The LP
relaxation of the CP-SAT model keeps them (H7 through its counters and its aggregate cut per
examiner and venue, H6 through the shared-member literals) and on such terms meets the
optimum or comes within a few units of it (docs/solver.md has the figures). Solved as a MIP
by HiGHS, the same rows prove small and medium terms outright: branch and bound on an LP
this tight is what CP-SAT's clause learning is slow at.

The program is read off the model's proto, so it cannot drift from the model: every linear,
at-most-one, exactly-one, clause and implication constraint is copied, anything else is left
out (H7's rare history-between-visits chain), which only relaxes it further: the LP value and
the MIP's best bound stay lower bounds, and a MIP plan is confirmed by CP-SAT before use.
On L terms the LP has H7 as windows, with only the run counters that the flow's plan
breaks (`rules.context.ForLp`): on the terms measured a bound as tight, found in about 60 %
of the time.
The squares' tangent cuts (one row per possible load) become the equivalent incremental form
`sq = Σ (2k + 1) y_k`, `load = Σ y_k`, `0 ≤ y_k ≤ 1`: the same LP value with one row per
examiner, three times faster at L. The rows are kept as a MathOpt model proto (OR-Tools'
format) and handed to HiGHS through highspy: the LP to its interior point method, the MIP to
its branch and bound (MathOpt does not pass its interrupter on to HiGHS, which then ran to
its time limit after the level had ended); both release the GIL and stop when told.
"""

from __future__ import annotations

import math
import os
import sys
import threading
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import highspy
import numpy as np
from ortools.math_opt import model_pb2
from ortools.sat.python import cp_model, cp_model_helper

from .model import Built
from .objective import Square, Term
from .rules.context import ForLp

# Model constraints from which the LP has H7 as windows (`ForLp`): L terms have 50-115,000.
# At M (8-21,000) the full LP takes 1-2 s and windows saved at most half a second a level.
WINDOWS_FROM = 30_000
TOLERANCE = 1e-3  # objective values are integers; the solvers' errors are far below this
INFINITY = float("inf")


class Stopped(Exception):
    """Building the rows was given up: the level ended first."""


class Program:
    """The model's rows as a linear program over one column per model variable.

    Made in the caller's thread from a copy of the model (a C++ copy: milliseconds); the
    rows themselves are built by whichever thread first solves, so a thread beside the
    search pays for the Python loops, not the search.
    """

    def __init__(self, built: Built, term: Term) -> None:
        proto = built.model.proto
        self.source = type(proto)()
        self.source.copy_from(proto)
        self.squares = [q for t in built.terms() for q in t.squares]
        self.objective = _flatten(term.expr)
        self.literals = [lit.index for lit in built.v.all_literals()]
        self.size = len(proto.variables)
        self.for_lp = built.lp
        # H7 as windows (`ForLp`) on large terms only: at M the full LP takes 1-2 s.
        self.windows = len(proto.constraints) >= WINDOWS_FROM
        self._protos: dict[bool, model_pb2.ModelProto] = {}  # by `exact`
        self.values: np.ndarray | None = None  # the LP's optimal solution, by model variable
        self.stopped = threading.Event()  # set: building the rows gives up, the LP or MIP stops

    def proto(self, exact: bool = False) -> model_pb2.ModelProto:
        """The rows: with H7 mostly as windows (`ForLp`) or, `exact`, as the model has it
        (for the MIP, whose plans must keep every rule)."""
        if exact not in self._protos:
            self._protos[exact] = _program(
                self.source, self.squares, self.objective, self.stopped, self.for_lp, exact
            )
        return self._protos[exact]

    def lp_bound(self, seconds: float | None) -> int | None:
        """The LP relaxation's optimum, rounded up; None if not solved in time or stopped.

        HiGHS's interior point method, crossover only when it ends short of optimal: on
        spread/L 26 s with H7 as windows (`ForLp`), 42 s with its counters, where GLOP's
        simplex took 75 s and HiGHS's over 120 s; at M the interior point and GLOP take
        1-1.5 s, HiGHS's simplex 3 s. Its objective is within a relative 1e-8 of the
        optimum, which `_round_up` allows for."""
        highs = self._highs(seconds, self.proto(exact=not self.windows), integers=0)
        highs.setOptionValue("solver", "ipx")  # HiGHS 1.16 from PyPI has no HiPO: ipm is ipx
        highs.setOptionValue("run_crossover", "choose")
        highs.cbIpmInterrupt += self._stop_check
        if self.stopped.is_set():
            return None
        highs.run()
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        self.values = np.array(highs.getSolution().col_value[: self.size])
        return _round_up(highs.getInfo().objective_function_value)

    def _highs(
        self, seconds: float | None, program: model_pb2.ModelProto, integers: int
    ) -> highspy.Highs:
        """HiGHS, quiet, with `program`; its first `integers` columns integral."""
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        if seconds is not None:
            highs.setOptionValue("time_limit", max(0.01, seconds))
        highs.passModel(_highs_program(program, integers))
        return highs

    def _stop_check(self, event: Any) -> None:
        """Called by HiGHS from inside its solve: ends it once `stopped` is set."""
        if self.stopped.is_set():
            event.interrupt()

    def mip(
        self,
        seconds: float | None,
        start: list[int] | None = None,
        on_bound: Callable[[int], None] | None = None,
    ) -> tuple[int | None, list[int] | None]:
        """Branch and bound (HiGHS): its best bound, and its best plan's literal values.

        `start` (a valid plan's literal values) is handed to HiGHS as its first incumbent.
        While it runs, every better bound goes to `on_bound` (rounded up), and `stopped`
        (set when the level ends, or once a bound meets the start plan) ends it at HiGHS's
        next check: a few times a second, or once its root LP is solved.
        """
        highs = self._highs(seconds, self.proto(exact=True), integers=self.size)
        highs.setOptionValue("mip_rel_gap", 0.0)
        highs.setOptionValue("mip_abs_gap", 0.0)
        if start is not None:
            highs.setSolution(
                len(self.literals), self.literals, [float(start[i]) for i in self.literals]
            )
        best = [-INFINITY]

        def check(event: Any) -> None:  # called by HiGHS from inside its solve
            bound = event.data_out.mip_dual_bound
            if on_bound is not None and math.isfinite(bound) and bound > best[0]:
                best[0] = bound
                on_bound(_round_up(bound))
            self._stop_check(event)

        highs.cbMipInterrupt += check
        highs.cbSimplexInterrupt += check
        highs.cbIpmInterrupt += check
        if self.stopped.is_set():
            return None, None
        highs.run()
        info = highs.getInfo()
        dual = info.mip_dual_bound
        bound = _round_up(dual) if math.isfinite(dual) else None
        if info.primal_solution_status != int(highspy.SolutionStatus.kSolutionStatusFeasible):
            return bound, None
        solution = highs.getSolution().col_value
        values = [0] * self.size
        for index in self.literals:
            values[index] = round(solution[index])
        return bound, values


def _highs_program(program: model_pb2.ModelProto, integers: int) -> highspy.HighsLp:
    """The program as HiGHS's own model, its first `integers` columns integral, by columns."""
    lp = highspy.HighsLp()
    n, m = len(program.variables.ids), len(program.linear_constraints.ids)
    lp.num_col_, lp.num_row_ = n, m
    cost = np.zeros(n)
    cost[list(program.objective.linear_coefficients.ids)] = (
        program.objective.linear_coefficients.values
    )
    lp.col_cost_, lp.offset_ = cost, program.objective.offset
    lp.col_lower_ = np.array(program.variables.lower_bounds, dtype=float)
    lp.col_upper_ = np.array(program.variables.upper_bounds, dtype=float)
    lp.row_lower_ = np.array(program.linear_constraints.lower_bounds, dtype=float)
    lp.row_upper_ = np.array(program.linear_constraints.upper_bounds, dtype=float)
    matrix = program.linear_constraint_matrix
    rows, columns = np.array(matrix.row_ids), np.array(matrix.column_ids)
    order = np.lexsort((rows, columns))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.searchsorted(columns[order], np.arange(n + 1))
    lp.a_matrix_.index_ = rows[order]
    lp.a_matrix_.value_ = np.array(matrix.coefficients, dtype=float)[order]
    kinds = highspy.HighsVarType
    lp.integrality_ = [kinds.kInteger] * integers + [kinds.kContinuous] * (n - integers)
    return lp


def _quiet_banner() -> None:
    """HiGHS prints a banner on standard output when a process makes its first instance;
    make that instance here, at import, with the descriptor closed (`panelplan solve`
    writes its JSON there)."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no standard output at all: nothing to protect
        highspy.Highs()
        return
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


_quiet_banner()


def _round_up(value: float) -> int:
    """An objective value from HiGHS, as the integer bound it proves (the interior point's
    relative accuracy is 1e-8)."""
    return math.ceil(value - TOLERANCE - 1e-8 * abs(value))


class _Rows:
    """Rows `lower <= Σ coeff x <= upper` over the columns, gathered for a ModelProto."""

    def __init__(self) -> None:
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.entries: list[dict[int, float]] = []

    def add(self, terms: dict[int, float], constant: float, lower: float, upper: float) -> None:
        """Add `lower <= Σ terms + constant <= upper`."""
        self.entries.append(terms)
        self.lower.append(lower - constant)
        self.upper.append(upper - constant)

    def literals(self, refs: list[int], lower: float, upper: float) -> None:
        """Add `lower <= Σ literals <= upper` (a negative ref is the negation 1 - x)."""
        terms: dict[int, float] = defaultdict(float)
        constant = 0
        for ref in refs:
            if ref >= 0:
                terms[ref] += 1
            else:
                terms[-ref - 1] -= 1
                constant += 1
        self.add(terms, constant, lower, upper)


def _program(
    proto: cp_model_helper.CpModelProto,
    squares: list[Square],
    objective: tuple[dict[int, float], float],
    stopped: threading.Event,
    for_lp: ForLp,
    exact: bool,
) -> model_pb2.ModelProto:
    """The rows of `proto` over one column per variable, minimising `objective`; unless
    `exact`, with H7's windows in place of the counters `for_lp` leaves out."""
    out = model_pb2.ModelProto()
    lows, highs = [], []
    for v in proto.variables:
        domain = list(v.domain)
        lows.append(domain[0])
        highs.append(domain[-1])
    skip = {i for q in squares for i in q.cuts} | (
        set() if exact else for_lp.left_out(proto.constraints)
    )
    rows = _Rows()
    for index, constraint in enumerate(proto.constraints):
        if index % 4096 == 0 and stopped.is_set():
            raise Stopped
        if index not in skip:
            _copy(rows, constraint)
    for terms, upper in () if exact else for_lp.windows(proto.constraints):
        rows.add(terms, 0, -INFINITY, upper)
    for q in squares:  # sq = Σ (2k + 1) y_k and load = Σ y_k, 0 <= y_k <= 1
        ys = range(len(lows), len(lows) + q.cap)
        lows.extend([0] * q.cap)
        highs.extend([1] * q.cap)
        rows.add({**dict.fromkeys(ys, 1.0), q.load.index: -1.0}, 0, 0, 0)
        rows.add({**{y: 2.0 * k + 1 for k, y in enumerate(ys)}, q.sq.index: -1.0}, 0, 0, 0)
    out.variables.ids.extend(range(len(lows)))
    out.variables.lower_bounds.extend(lows)
    out.variables.upper_bounds.extend(highs)
    out.variables.integers.extend([False] * len(lows))
    out.linear_constraints.ids.extend(range(len(rows.entries)))
    out.linear_constraints.lower_bounds.extend(rows.lower)
    out.linear_constraints.upper_bounds.extend(rows.upper)
    matrix = out.linear_constraint_matrix
    for row, terms in enumerate(rows.entries):
        columns = sorted(c for c, k in terms.items() if k)
        matrix.row_ids.extend([row] * len(columns))
        matrix.column_ids.extend(columns)
        matrix.coefficients.extend(terms[c] for c in columns)
    coefficients, out.objective.offset = objective
    columns = sorted(c for c, k in coefficients.items() if k)
    out.objective.linear_coefficients.ids.extend(columns)
    out.objective.linear_coefficients.values.extend(coefficients[c] for c in columns)
    return out


def _copy(rows: _Rows, c: cp_model_helper.ConstraintProto) -> None:
    """Add constraint `c` when it is linear in its literals; leave it out otherwise."""
    enforced = list(c.enforcement_literal)
    if enforced:
        if c.has_bool_and() and len(enforced) == 1:  # a -> b, i.e. b - a >= 0
            for ref in c.bool_and.literals:
                rows.literals([ref, _negate(enforced[0])], 1, INFINITY)
        return
    if c.has_linear() and len(c.linear.vars):
        terms: dict[int, float] = defaultdict(float)
        for v, k in zip(c.linear.vars, c.linear.coeffs, strict=True):
            terms[v] += k
        domain = list(c.linear.domain)
        lower = domain[0] if domain[0] > -(2**62) else -INFINITY
        upper = domain[-1] if domain[-1] < 2**62 else INFINITY
        rows.add(terms, 0, lower, upper)
    elif c.has_at_most_one():
        rows.literals(list(c.at_most_one.literals), -INFINITY, 1)
    elif c.has_exactly_one():
        rows.literals(list(c.exactly_one.literals), 1, 1)
    elif c.has_bool_or():
        rows.literals(list(c.bool_or.literals), 1, INFINITY)


def _negate(ref: int) -> int:
    return -ref - 1


def _flatten(expr: cp_model.LinearExprT) -> tuple[dict[int, float], float]:
    """Variable index -> coefficient, and the constant, of a CP-SAT linear expression."""
    if not isinstance(expr, cp_model.LinearExpr):
        return {}, float(expr)
    flat = cp_model_helper.FlatIntExpr(expr)
    terms: dict[int, float] = defaultdict(float)
    for v, k in zip(flat.vars, flat.coeffs, strict=True):
        terms[v.index] += k
    return terms, float(flat.offset)
