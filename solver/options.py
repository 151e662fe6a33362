"""How to search: the options of one solve (its own module, so that `solve` and `diagnose`,
which both need it, do not import each other)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Options:
    """How to search: time limit in seconds (None: until proven), workers (0: all cores), seed."""

    time_limit: float | None = None
    workers: int = 0
    seed: int = 0
    deterministic: bool = False
    lang: str = "zh"
