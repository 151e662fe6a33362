"""Named shapes of term: how an institution's sessions, pool, history and policy look.

`data.generate` makes one realistic institution; real ones differ. Many assess at one or two
sites of their own, some have thin pools, long histories, big panels (many candidates, skill
modules) or read H7 both ways. A shape is a set of generator parameters; every shape comes
in every size (S, M, L, XL) and any seed:

    python -m data.shapes SHAPE SIZE [--seed N] [-o FILE]

The solver's benchmarks (`bench.matrix`) and tests draw from all of them, so that the solver
is measured on terms it was not tuned to. Each session keeps an eligible pool of 2.5-3 times
its panel (`data.sessions.staffable`), but nothing checks H7's capacity over the term: where
H7 binds hard (one or three sites) a few seeds give an unstaffable term (at S, one-site seed 1
and three-sites seed 3), as real ones can be. Seed 0 is staffable for every shape and size.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from data.generate import SIZES, generate_custom


@dataclass(frozen=True)
class Shape:
    """Generator parameters of one kind of institution (see `generate_custom`)."""

    summary: str
    venues: int | None = None  # None: the size's own count
    concentration: float = 0.0  # 0 spread evenly; 1 nearly every session at the first venue
    pool: float = 1.0  # examiners relative to the size's count (below 1: tighter pools)
    history_weeks: int = 4
    panel_weights: tuple[int, int, int, int] = (52, 42, 6, 0)  # panels of 3, 5, 7, 9
    policy: dict[str, Any] = field(default_factory=dict)


SHAPES = MappingProxyType(
    {
        "spread": Shape("sessions spread over the size's venues (the default generator)"),
        "one-site": Shape(
            "everything at its own site: nobody serves more than three sessions in a row",
            venues=1,
            pool=3.5,
        ),
        "two-sites": Shape(
            "two sites of its own, most sessions at the first: H7 binds", venues=2, pool=1.3
        ),
        "three-sites": Shape(
            "three sites, sessions concentrated", venues=3, concentration=0.5, pool=1.25
        ),
        "tight": Shape("a thin pool: fewer examiners per seat", pool=0.8),
        "deep-history": Shape("twelve weeks of served panels before the term", history_weeks=12),
        "big-panels": Shape(
            "large candidate lists and modules: panels of 3 to 9",
            panel_weights=(20, 35, 30, 15),
            pool=1.4,
        ),
        "both-h7": Shape(
            "three sites, H7 read both ways",
            venues=3,
            pool=1.25,
            policy={"consecutive_rule": "both"},
        ),
        "occupation-scope": Shape(
            "turnover against the last panel of the occupation anywhere",
            venues=4,
            policy={"rotation_scope": "occupation"},
        ),
    }
)


def generate_shape(shape: str, size: str, seed: int = 0) -> dict[str, Any]:
    """Return the instance of `shape` at `size` (S, M, L, XL) for `seed`."""
    s, z = SHAPES[shape], SIZES[size]
    return generate_custom(
        round(z.examiners * s.pool),
        z.sessions,
        z.weeks,
        seed,
        venues=s.venues or z.venues,
        occupations=z.occupations,
        concentration=s.concentration,
        panel_weights=s.panel_weights,
        history_weeks=s.history_weeks,
        policy=s.policy,
    )


def main(argv: list[str] | None = None) -> int:
    """Write a shaped instance as JSON to a file or standard output."""
    parser = argparse.ArgumentParser(prog="python -m data.shapes", description=__doc__)
    parser.add_argument("shape", choices=sorted(SHAPES))
    parser.add_argument("size", choices=sorted(SIZES))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-o", "--output", help="file to write (default: standard output)")
    args = parser.parse_args(argv)
    text = json.dumps(generate_shape(args.shape, args.size, args.seed), ensure_ascii=False)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    else:
        sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
