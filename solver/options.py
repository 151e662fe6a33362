"""How to search: the options of one solve (its own module, so that `solve` and `diagnose`,
which both need it, do not import each other), and the ranges every caller checks them
against (`option_problems`: the web forms, the API, the command line and the job services)."""

from __future__ import annotations

from dataclasses import dataclass

from .numbers import INT32, BadNumber, decimal, whole

# Seconds: more than nothing, at most a week (a job holds one of the scheduler's few slots).
TIME_LIMIT = (0.001, 7 * 24 * 3600.0)
# CP-SAT's `random_seed` is a 32-bit integer and the search also uses seed + 1.
SEED = (0, INT32 - 1)
WORKERS = (0, 256)


@dataclass(frozen=True)
class Options:
    """How to search: time limit in seconds (None: until proven), workers (0: all cores), seed."""

    time_limit: float | None = None
    workers: int = 0
    seed: int = 0
    deterministic: bool = False
    lang: str = "zh"


def option_problems(options: Options) -> dict[str, BadNumber]:
    """Each option outside its range (NaN, infinity, a 30-digit seed, ...), by field name."""
    problems: dict[str, BadNumber] = {}
    checks = (
        ("time_limit", options.time_limit, decimal, TIME_LIMIT),
        ("seed", options.seed, whole, SEED),
        ("workers", options.workers, whole, WORKERS),
    )
    for field, value, kind, bounds in checks:
        if value is None and field == "time_limit":
            continue
        try:
            kind(value, *bounds)
        except BadNumber as bad:
            problems[field] = bad
    return problems
