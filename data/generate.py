"""Generate realistic `panel-instance/1` instances (SPEC 4.1).

The instances model a Changzhou-style vocational skill level evaluation
institution (职业技能等级评价机构) over one season. From the shell:

    python -m data.generate SIZE [--seed N] [-o FILE]

Everything is drawn from `random.Random` streams seeded by `seed`, so the same
arguments give the same instance. Instances are plain JSON-able dicts, built to
be staffable under the default policy: every session keeps an eligible pool of
two and a half to three times its panel, net of overlapping sessions of its
occupation, with several examiners experienced enough to lead
(`data.sessions.staffable`); history panels are staffed legally.
"""

import argparse
import json
import random
import sys
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any, NamedTuple

from data.conflicts import ConflictMaker
from data.eligibility import Roster, required_size
from data.history import make_history
from data.names import OCCUPATIONS
from data.people import Horizon, make_examiners, make_organizations, make_venues
from data.scenarios import infeasible, what_if
from data.sessions import PANEL_WEIGHTS, Drafter, fill_candidates, workdays

__all__ = ["SIZES", "generate", "generate_custom", "infeasible", "main", "what_if"]

DEFAULT_START = date(2026, 3, 2)
SESSION_KEYS = (
    "id", "venue", "occupation", "level", "start", "end",
    "candidates", "candidate_count", "modules", "panel_size",
)  # fmt: skip
INSTITUTION = MappingProxyType({"code": "3204005", "name": "常州市职业技能等级评价机构（示例）"})
HISTORY_WEEKS = 4
SEATS_PER_SESSION = 4.1  # mean panel size the session mix produces


class Size(NamedTuple):
    """A named instance size."""

    examiners: int
    sessions: int
    weeks: int
    venues: int
    occupations: int


SIZES = MappingProxyType(
    {
        "S": Size(40, 30, 6, 4, 4),
        "M": Size(120, 150, 20, 8, 8),
        "L": Size(300, 600, 26, 15, 12),
        "XL": Size(1000, 2500, 52, 40, 16),
    }
)


def generate(size: str, seed: int = 0, start: date = DEFAULT_START) -> dict[str, Any]:
    """Return the named-size instance (S, M, L or XL) for `seed`."""
    s = SIZES[size]
    return generate_custom(
        s.examiners,
        s.sessions,
        s.weeks,
        seed,
        start=start,
        venues=s.venues,
        occupations=s.occupations,
    )


def generate_custom(
    n_examiners: int,
    n_sessions: int,
    weeks: int,
    seed: int = 0,
    *,
    start: date = DEFAULT_START,
    venues: int | None = None,
    occupations: int | None = None,
    concentration: float = 0.0,
    panel_weights: Sequence[int] = PANEL_WEIGHTS,
    history_weeks: int = HISTORY_WEEKS,
    policy: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return an instance with the given counts over `weeks` weeks from `start`.

    The shape of the term (see `data.shapes`): `concentration` gathers sessions at the
    first venues, `panel_weights` draws panels of 3, 5, 7 and 9, `history_weeks` of
    served panels come before it, and `policy` is the institution's (SPEC 4.2).
    """
    streams = _Streams(seed, n_examiners, n_sessions, weeks)
    n_venues = venues or max(3, min(40, n_sessions // 15))
    occs = OCCUPATIONS[: occupations or max(3, min(len(OCCUPATIONS), n_examiners // 10))]
    horizon = Horizon(
        start, start + timedelta(weeks=weeks, days=-1), start - timedelta(weeks=history_weeks)
    )
    orgs = make_organizations(streams("orgs"), occs, n_venues)
    venue_list, hosts = make_venues(streams("venues"), orgs, occs, n_venues)
    mean_load = n_sessions * SEATS_PER_SESSION / n_examiners
    instance: dict[str, Any] = {
        "format": "panel-instance/1",
        "institution": dict(INSTITUTION),
        "policy": dict(policy or {}),
        "occupations": [
            {"code": o.code, "name": o.name, "candidates_per_examiner": o.candidates_per_examiner}
            for o in occs
        ],
        "venues": venue_list,
        "examiners": make_examiners(
            streams("examiners"), n_examiners, occs, orgs, horizon, mean_load
        ),
    }
    venue_org = {v["id"]: v["organization"] for v in venue_list}

    def drafter_of(stage: str) -> Drafter:
        return Drafter(
            streams(stage), occs, hosts, venue_org, orgs,
            concentration=concentration, panel_weights=panel_weights,
        )  # fmt: skip

    drafter = drafter_of("drafts")
    sessions = _sessions(streams("calendar"), drafter, Roster(instance), horizon, n_sessions)
    count_only = _pick(streams("counts"), len(sessions), 0.05)
    instance["candidates"] = fill_candidates(streams("candidates"), sessions, count_only)
    instance["sessions"] = [_ordered(s) for s in sessions]
    roster = Roster(instance)
    maker = ConflictMaker(streams("conflicts"), instance, roster, start)
    instance["conflicts"] = maker.make(round(0.5 * n_examiners), max(2, round(0.04 * n_examiners)))
    history_drafter = drafter_of("history-drafts")
    per_day = n_sessions / len(workdays(horizon.start, horizon.end))
    instance["history"] = make_history(
        streams("history"),
        history_drafter,
        Roster(instance, historical=True),
        horizon.history_start,
        start - timedelta(days=1),
        per_day,
    )
    instance["baseline"] = []
    instance["locks"] = []
    return instance


class _Streams:
    """Independent random streams per generation stage, all derived from one seed."""

    def __init__(self, seed: int, *shape: int) -> None:
        self.key = f"panel-instance/1:{seed}:{':'.join(map(str, shape))}"

    def __call__(self, stage: str) -> random.Random:
        return random.Random(f"{self.key}:{stage}")


def _ordered(session: dict[str, Any]) -> dict[str, Any]:
    """Return the session with its keys in the order SPEC 4.1 lists them."""
    return {k: session[k] for k in SESSION_KEYS if k in session}


def _pick(rng: random.Random, n: int, share: float) -> set[int]:
    """Return a few distinct indices below `n`: at least one, about `share` of them."""
    return set(rng.sample(range(n), min(n, max(1, round(share * n)))))


def _sessions(
    rng: random.Random, drafter: Drafter, roster: Roster, horizon: Horizon, n: int
) -> list[dict[str, Any]]:
    """Draft `n` staffable sessions spread evenly over the horizon's workdays, ordered by start."""
    days = workdays(horizon.start, horizon.end)
    policy = roster.policy

    def size_of(shape: dict[str, Any]) -> int:
        ratio = roster.ratio[shape["occupation"]]
        return required_size({**shape, "candidate_count": shape["_n"]}, ratio, policy)

    with_modules = _pick(rng, n, 0.05)
    stated = _pick(rng, n, 0.01) if n >= 100 else set()
    shapes = []
    for k in range(n):
        day = days[int((k + rng.random()) * len(days) / n)]
        shape = drafter.draft(day, days, roster, size_of, modules=k in with_modules)
        if k in stated:
            size = size_of(shape)
            shape["panel_size"] = size + 1 if size == 3 else size - 1
        shapes.append(shape)
    shapes.sort(key=lambda s: (s["start"], s["venue"], s["occupation"]))
    width = max(4, len(str(n)))
    return [{"id": f"S{k:0{width}d}", **shape} for k, shape in enumerate(shapes, 1)]


def main(argv: list[str] | None = None) -> int:
    """Write a generated instance as JSON to a file or standard output."""
    parser = argparse.ArgumentParser(prog="python -m data.generate", description=__doc__)
    parser.add_argument("size", choices=sorted(SIZES))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-o", "--output", help="file to write (default: standard output)")
    args = parser.parse_args(argv)
    text = json.dumps(generate(args.size, args.seed), ensure_ascii=False, indent=1) + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
