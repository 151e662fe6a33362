"""Assessment sessions (考评场次) and their candidates for a generated instance.

Each session is drawn, then kept only if its eligible pool is comfortably
larger than its panel (see `staffable`); otherwise it is drawn again, and in
the end falls back to a plain level-4 session of three examiners.
"""

import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from data.eligibility import Roster, overlaps
from data.names import Occupation
from data.people import Org

SLOTS = (("08:30", "11:30"), ("13:30", "16:30"), ("09:00", "16:00"))
# 元旦, 劳动节 and 国庆 fall on fixed dates; the lunar holidays are left as workdays.
HOLIDAYS = ("01-01", *(f"05-0{d}" for d in range(1, 6)), *(f"10-0{d}" for d in range(1, 8)))
LEVEL_WEIGHTS = (4, 10, 28, 32, 26)  # levels 1..5; most candidates sit levels 3-5
TRIES = 40
PANEL_WEIGHTS = (52, 42, 6, 0)  # target panel sizes 3, 5, 7, 9 at levels 3-5


def workdays(first: date, last: date) -> list[date]:
    """Return the weekdays from `first` to `last` that are not fixed public holidays."""
    days = (first + timedelta(days=k) for k in range((last - first).days + 1))
    return [d for d in days if d.weekday() < 5 and d.strftime("%m-%d") not in HOLIDAYS]


def staffable(pool: int, leaders: int, size: int, level: int) -> bool:
    """Tell whether a pool leaves slack for rotation, absences and leaders.

    Three times the panel for three examiners, two and a half times for larger
    panels, and twice plus one at levels 1-2, where only senior examiners serve
    (most of whom may lead); three possible leaders, two at levels 1-2.
    """
    if level <= 2:
        return pool >= 2 * size + 1 and leaders >= 2
    need = 3 * size if size <= 3 else math.ceil(2.5 * size)
    return pool >= need and leaders >= 3


class Drafter:
    """Draw session shapes (venue, occupation, level, time, candidates) for one calendar."""

    def __init__(
        self,
        rng: random.Random,
        occupations: Sequence[Occupation],
        hosts: Mapping[str, list[str]],
        venue_org: Mapping[str, str],
        orgs: Sequence[Org],
        *,
        concentration: float = 0.0,
        panel_weights: Sequence[int] = PANEL_WEIGHTS,
    ) -> None:
        """Keep the instance's vocabulary for drawing, and how sessions gather and how big."""
        self.rng = rng
        self.occupations = occupations
        self.hosts = hosts
        self.venue_org = venue_org
        self.orgs = orgs
        self.concentration = concentration
        self.panel_weights = panel_weights
        # placed (session, size) pairs under each day they touch (sessions span a day or two)
        self.placed: defaultdict[str, list[tuple[dict[str, Any], int]]] = defaultdict(list)
        self.visits: Counter[str] = Counter()

    def draft(
        self,
        day: date,
        days: Sequence[date],
        roster: Roster,
        size_of: Callable[[dict[str, Any]], int],
        *,
        modules: bool,
    ) -> dict[str, Any]:
        """Return a staffable session on `day` (else on another of `days`), with `_orgs`, `_n`.

        Sessions of the same occupation that overlap it count against its pool:
        their seats and leaders may come from the same examiners.
        """
        for attempt in range(TRIES):
            when = day if attempt < TRIES // 2 else self.rng.choice(days)
            shape = self._shape(when, days, plain=attempt == TRIES - 1)
            if modules and attempt < TRIES - 1:
                shape["modules"] = self.rng.randint(3, 5)
            if self._clashes(shape):
                continue
            pool = roster.eligible(shape, (), set(shape["_orgs"]))
            leaders = sum(roster.can_lead(e, shape["start"][:10]) for e in pool)
            seats = [size for s, size in self._parallel(shape, same_venue=False)]
            size = size_of(shape)
            fits = staffable(len(pool) - sum(seats), leaders - len(seats), size, shape["level"])
            if fits or attempt == TRIES - 1:
                for touched in {shape["start"][:10], shape["end"][:10]}:
                    self.placed[touched].append((shape, size))
                self.visits[shape["venue"]] += 1
                return shape
        return self._crowded(days, size_of)

    def _crowded(
        self, days: Sequence[date], size_of: Callable[[dict[str, Any]], int]
    ) -> dict[str, Any]:
        """A plain session on some day where its venue already holds three at once (a large
        one-site term has more rooms than the usual three); never two of one lineage at once."""
        for _ in range(TRIES * 10):
            shape = self._shape(self.rng.choice(days), days, plain=True)
            same_time = [s for s, _ in self._parallel(shape, same_venue=True)]
            if not any(s["occupation"] == shape["occupation"] for s in same_time):
                for touched in {shape["start"][:10], shape["end"][:10]}:
                    self.placed[touched].append((shape, size_of(shape)))
                self.visits[shape["venue"]] += 1
                return shape
        raise ValueError("no day left for another session: lengthen the horizon")

    def _shape(self, day: date, days: Sequence[date], *, plain: bool) -> dict[str, Any]:
        rng = self.rng
        occ = rng.choices(self.occupations, [o.weight for o in self.occupations])[0]
        venue = self._venue(occ)
        level = 4 if plain else rng.choices(range(1, 6), LEVEL_WEIGHTS)[0]
        begin, finish = rng.choices(SLOTS, (40, 35, 25))[0]
        last = day
        following = day + timedelta(days=1)
        if level <= 2 and following in days and rng.random() < 0.25:
            begin, finish, last = "09:00", "16:00", following
        size = 3 if plain else self._target_size(level, occ.candidates_per_examiner)
        return {
            "venue": venue,
            "occupation": occ.code,
            "level": level,
            "start": f"{day.isoformat()}T{begin}",
            "end": f"{last.isoformat()}T{finish}",
            "_n": self._count(size, level, occ.candidates_per_examiner),
            "_orgs": self._candidate_orgs(venue, occ),
        }

    def _venue(self, occ: Occupation) -> str:
        """Spread an occupation over its venues, so examiners can rotate between them (H7).

        With a `concentration` c > 0 the institution's first venues draw most sessions
        instead: venue number r (in id order) weighs r^(-4c), as at an institution that
        assesses mostly at its own site.
        """
        hosts = self.hosts[occ.code]
        if self.concentration > 0:
            weights = [int(v[1:]) ** (-4 * self.concentration) for v in hosts]
        else:
            weights = [1 / (1 + self.visits[v]) ** 2 for v in hosts]
        return self.rng.choices(hosts, weights)[0]

    def _target_size(self, level: int, ratio: int) -> int:
        if level <= 2:
            return 3 if self.rng.random() < 0.85 else 5
        size = self.rng.choices((3, 5, 7, 9), self.panel_weights)[0]
        return min(size, 5) if ratio > 8 else size

    def _count(self, size: int, level: int, ratio: int) -> int:
        if size == 3:
            low, high = (3, 2 * ratio) if level <= 2 else (max(4, ratio), 3 * ratio)
            return self.rng.randint(low, high)
        return self.rng.randint((size - 2) * ratio + 1, size * ratio)

    def _candidate_orgs(self, venue: str, occ: Occupation) -> list[str]:
        near = [o.name for o in self.orgs if occ.cluster in o.clusters] or [self.venue_org[venue]]
        main = self.venue_org[venue] if self.rng.random() < 0.65 else self.rng.choice(near)
        extra = self.rng.choices((0, 1, 2), (45, 40, 15))[0]
        others = [o.name for o in self.orgs if o.name != main]
        return [main, *self.rng.sample(others, extra)]

    def _parallel(
        self, shape: Mapping[str, Any], *, same_venue: bool
    ) -> Iterator[tuple[dict[str, Any], int]]:
        """Yield placed (session, size) pairs overlapping `shape`: same venue or occupation."""
        key = "venue" if same_venue else "occupation"
        first, last = shape["start"][:10], shape["end"][:10]
        nearby = self.placed[first] + (self.placed[last] if last != first else [])
        seen: set[int] = set()
        for s, size in nearby:
            if id(s) in seen or s[key] != shape[key]:
                continue
            seen.add(id(s))
            if overlaps(s["start"], s["end"], shape["start"], shape["end"]):
                yield s, size

    def _clashes(self, shape: Mapping[str, Any]) -> bool:
        """Refuse a second overlapping session of a lineage, or a fourth at one venue."""
        same_time = [s for s, _ in self._parallel(shape, same_venue=True)]
        lineage = any(s["occupation"] == shape["occupation"] for s in same_time)
        return lineage or len(same_time) >= 3


def fill_candidates(
    rng: random.Random, sessions: list[dict[str, Any]], count_only: set[int]
) -> list[dict[str, str]]:
    """Give each session its candidate list (or only a count); return all candidates."""
    total = sum(s["_n"] for k, s in enumerate(sessions) if k not in count_only)
    width = max(6, len(str(total)))
    candidates: list[dict[str, str]] = []
    for k, s in enumerate(sessions):
        n, orgs = s.pop("_n"), s.pop("_orgs")
        if k in count_only:
            s["candidate_count"] = n
            continue
        ids = []
        for j in range(n):
            cid = f"C{len(candidates) + 1:0{width}d}"
            org = orgs[0] if j < n * 0.65 or len(orgs) == 1 else rng.choice(orgs[1:])
            candidates.append({"id": cid, "organization": org})
            ids.append(cid)
        s["candidates"] = ids
    return candidates
