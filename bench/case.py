"""Run one benchmark case in this process and print its measurements as JSON.

Run by `bench.run`, one subprocess per case, so that peak memory is the
case's own. Cases: S, M, L, XL (plain terms), whatif-L (one busy examiner
withdrawn from a published L plan), infeasible-L (one session made
impossible). Instances come from the seeded generator (seed 0).
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import sys
import time
from typing import Any

from data.generate import generate
from data.scenarios import infeasible, what_if
from solver.check import verify
from solver.load import load_instance
from solver.objective import TERMS
from solver.schema import Instance, Result
from solver.solve import Options, Progress, solve

LIMITS = {"S": 60.0, "M": 60.0, "L": 120.0, "XL": 300.0, "whatif-L": 60.0, "infeasible-L": 60.0}
BASELINE_SECONDS = 60.0  # the published L plan the what-if case starts from


def measure(instance: Instance, limit: float, workers: int) -> dict[str, Any]:
    """Solve with progress recorded: first plan, when each level was proven, final figures."""
    events: list[Progress] = []
    started = time.monotonic()
    result = solve(instance, Options(time_limit=limit, workers=workers, seed=0), events.append)
    seconds = time.monotonic() - started
    proven: dict[str, float] = {}
    for before, after in itertools.pairwise(events):
        if after.level != before.level:
            proven[before.level] = after.elapsed
    if result.status == "OPTIMAL":
        proven[TERMS[-1]] = seconds
    return {
        "status": result.status,
        "seconds": round(seconds, 2),
        "first_plan": round(events[0].elapsed, 2) if events else None,
        "proven": {k: round(v, 2) for k, v in proven.items()},
        "objective": result.objective.model_dump(),
        "bound": result.bound.model_dump(),
        "violations": len(verify(instance, result)) if result.assignments else 0,
        "diagnostics": [d.line() for d in result.diagnostics[:3]],
        "result": result,
    }


def run(case: str, workers: int, limit: float | None) -> dict[str, Any]:
    """Build the case's instance and measure it."""
    size = case.split("-")[-1]
    raw = generate(size, 0)
    limit = limit or LIMITS[case]
    extra: dict[str, Any] = {}
    if case.startswith("whatif"):
        base, _ = load_instance(raw)
        published: Result = solve(base, Options(time_limit=BASELINE_SECONDS, workers=workers))
        raw = what_if(raw, json.loads(published.model_dump_json()), withdrawals=1)
        extra["baseline_status"] = published.status
    elif case.startswith("infeasible"):
        raw, culprit = infeasible(raw, 0)
        extra["culprit"] = culprit
    instance, _ = load_instance(raw)
    out = measure(instance, limit, workers)
    result = out.pop("result")
    if "culprit" in extra:
        extra["culprit_named"] = any(d.session == extra["culprit"] for d in result.diagnostics)
    out.update(extra)
    out.update(
        case=case,
        limit=limit,
        examiners=len(instance.examiners),
        sessions=len(instance.sessions),
        peak_mib=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.case")
    parser.add_argument("case", choices=sorted(LIMITS))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--time-limit", type=float, default=None)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.case, args.workers, args.time_limit), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
