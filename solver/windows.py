"""Neighbourhoods of the search: crews of examiners; windows of sessions and busy/idle pairs.

A *crew* frees every seat of thirty examiners — idle and busy ones (by the LP's shares once
the engine beside has them), go-betweens seated where they may sit, the rest drawn at
random; or, every other turn, the *chain* from an examiner the LP puts a seat short — and
the leaderships of the sessions they may sit, everyone else staying where they are. Where a
venue's runs (H7) let a seat pass from a busy examiner to an idle one only along a chain of
exchanges, a crew holds the chain whole and CP-SAT settles it in a fraction of a second. The
older kinds, a window of forty consecutive sessions (H5-H7 tie neighbours together) and the
sessions a busy and an idle examiner could exchange, free every examiner of those sessions
at once: at M they often did not finish in their three seconds. Measured on three-sites/M
(two generator seeds × three solver seeds, 2026-12-07): crews alone proved it in 2.4-21 s,
three crews to one window in 13-20 s, windows and pairs alone in 24-37 s; on spread/L crews
alone ended closest to the bound at 60 s. So a term with more examiners than a crew gets
crews only; on a smaller one a crew would be the whole model, and windows and pairs take
turns.
"""

from __future__ import annotations

import random

from .model import Built
from .rules.context import Values


class Windows:
    """Neighbourhoods: crews, or windows of consecutive sessions and busy/idle pairs."""

    SIZE = 40
    CREW = 30
    IDLE, BUSY = 3, 8  # a crew's idle and busy members are drawn from this many, by the LP

    def __init__(self, built: Built, rng: random.Random, level: str) -> None:
        self.built, self.rng = built, rng
        facts = built.v.facts
        self.order = [s.id for s in sorted(facts.instance.sessions, key=lambda s: s.order_key)]
        self.literals: dict[str, list[int]] = {s: [] for s in self.order}
        for (s, _), lit in built.v.sits.items():
            self.literals[s].append(lit.index)
        for (s, _), lit in built.v.leads.items():
            self.literals[s].append(lit.index)
        self.by_examiner: dict[str, list[tuple[str, int]]] = {}
        # Busy and idle by the level being minimised: seats, or leaderships.
        counted = built.v.leads if level == "leader_squares" else built.v.sits
        for (s, e), lit in counted.items():
            self.by_examiner.setdefault(e, []).append((s, lit.index))
        self.own: dict[str, list[int]] = {}  # an examiner's seat and lead literals
        self.may_sit: dict[str, set[str]] = {}
        self.sit_at: dict[str, list[tuple[str, int]]] = {}
        for (s, e), lit in built.v.sits.items():
            self.sit_at.setdefault(s, []).append((e, lit.index))
            self.own.setdefault(e, []).append(lit.index)
            self.may_sit.setdefault(e, set()).add(s)
        self.leads: dict[str, list[int]] = {}  # a session's lead literals
        for (s, e), lit in built.v.leads.items():
            self.own.setdefault(e, []).append(lit.index)
            self.leads.setdefault(s, []).append(lit.index)
        self.size = min(self.SIZE, len(self.order))
        # Crews are drawn from the examiners this level counts (at the leader level, those who
        # may lead): with no more of them than a crew, every crew would be the same.
        self.crews = len(self.by_examiner) > self.CREW
        # Neighbourhoods without a better plan before the search moves on: enough to pass
        # three times over the examiners in crews, or twice over the sessions in windows.
        if self.crews:
            self.patience = 3 * (len(self.by_examiner) // self.CREW) + 4
        else:
            self.patience = 2 * max(1, len(self.order) // self.size) + 4
        self.turn = 0

    def around(self, sessions: set[str], days: int) -> set[int]:
        """Literal indices of every session starting within `days` days of one of `sessions`."""
        facts = self.built.v.facts
        dates = [facts.sessions[s].start.date() for s in sessions]
        near = [
            s
            for s in self.order
            if any(abs((facts.sessions[s].start.date() - d).days) <= days for d in dates)
        ]
        return {i for s in near for i in self.literals[s]}

    def next(self, values: list[int], relaxed: Values | None = None) -> set[int]:
        """The literal indices to free next: a crew, or where this level counts no more
        examiners than a crew, a window or a busy/idle pair in turn. `relaxed`, the LP's
        solution (until it comes, the flow's plan), says who is above or below a fair share."""
        self.turn += 1
        if self.crews:
            return self._crew(values, relaxed)
        sessions = self._pair(values) if self.turn % 2 == 0 else self._window()
        return {i for s in sessions for i in self.literals[s]}

    def _crew(self, values: list[int], relaxed: Values | None = None) -> set[int]:
        """Every literal of a crew of examiners, and the leaderships of the sessions they may sit."""
        chosen = self._crew_members(values, relaxed)
        free = {i for e in chosen for i in self.own.get(e, ())}
        for s in {s for e in chosen for s in self.may_sit.get(e, ())}:
            free.update(self.leads.get(s, ()))
        return free

    def _crew_members(self, values: list[int], relaxed: Values | None) -> set[str]:
        """Two idle examiners, four busy ones, go-betweens, others at random; or, every
        other turn once the LP has singled out idle ones, one of them, four busy ones, and
        the chain of examiners it could take a seat from (`_chain`).

        Idle and busy by the LP's solution when there is one: the examiners furthest below
        and above their share in it (at M it singles out the one examiner left a seat short
        among a dozen at the lowest load); otherwise the idlest (more than one below the
        busiest) and the busiest."""
        loads = self._loads(values)
        ranked = sorted(loads, key=lambda e: (loads[e], self.rng.random()))
        if len(ranked) <= self.CREW:
            return set(ranked)
        top = loads[ranked[-1]]
        idle = [e for e in ranked[: len(ranked) // 10 + 1] if loads[e] < top - 1]
        busy = [e for e in ranked if loads[e] == top]
        short: list[str] = []
        if relaxed is not None:
            share = {
                e: sum(relaxed[i] for _, i in items) - loads[e]
                for e, items in self.by_examiner.items()
            }
            by_share = sorted(ranked, key=lambda e: (-share[e], self.rng.random()))
            short = [e for e in by_share[: self.IDLE] if share[e] >= 0.5]
            idle = short or idle
            busy = [e for e in by_share[-self.BUSY :] if share[e] <= -0.5] or busy
        if short and self.turn % 2:
            start = self.rng.choice(short)
            return self._chain(start, {start} | self._sample(busy, 4), values)
        chosen = self._sample(idle, 2) | self._sample(busy, 4)
        # Half the rest are seated where those chosen may sit: the links of a chain.
        near = sorted(self._seated(chosen, values) - chosen)
        chosen |= self._sample(near, (self.CREW - len(chosen)) // 2)
        others = [e for e in ranked if e not in chosen]
        return chosen | self._sample(others, self.CREW - len(chosen))

    def _sample(self, pool: list[str], k: int) -> set[str]:
        return set(self.rng.sample(pool, min(k, len(pool))))

    def _chain(self, start: str, chosen: set[str], values: list[int]) -> set[str]:
        """`chosen`, topped up to a crew breadth first from `start`: those seated where it
        may sit (it could take their seat), then those seated where they may sit, ...

        On spread/L the crews' plan stalled two units above the LP's bound with one examiner
        a seat short of its share: the seat has to pass along a chain of exchanges starting
        from that examiner, which crews of mostly random members seldom held whole."""
        chosen = set(chosen)
        frontier = [start]
        while frontier and len(chosen) < self.CREW:
            step: list[str] = []
            for e in frontier:
                seated = sorted(self._seated({e}, values) - chosen)
                self.rng.shuffle(seated)
                taken = seated[: self.CREW - len(chosen)]
                chosen.update(taken)
                step += taken
            frontier = step
        return chosen

    def _seated(self, examiners: set[str], values: list[int]) -> set[str]:
        """Everyone seated in `values` at a session one of `examiners` may sit."""
        reach = {s for e in examiners for s in self.may_sit.get(e, ())}
        return {x for s in reach for x, i in self.sit_at[s] if values[i]}

    def _loads(self, values: list[int]) -> dict[str, int]:
        """Each examiner's count at this level: seats, or leaderships."""
        return {e: sum(values[i] for _, i in items) for e, items in self.by_examiner.items()}

    def _window(self) -> list[str]:
        start = self.rng.randrange(0, max(1, len(self.order) - self.size + 1))
        return self.order[start : start + self.size]

    def _pair(self, values: list[int]) -> list[str]:
        """Sessions a busy and an idle examiner could exchange, topped up with random ones."""
        loads = self._loads(values)
        ranked = sorted(loads, key=lambda e: (loads[e], self.rng.random()))
        if not ranked:
            return self._window()
        idle = ranked[: max(1, len(ranked) // 10)]
        busy = ranked[-max(1, len(ranked) // 10) :]
        chosen = {self.rng.choice(idle), self.rng.choice(busy)}
        sessions = {s for e in chosen for s, _ in self.by_examiner[e]}
        picked = sorted(sessions)
        self.rng.shuffle(picked)
        return picked[: self.size]
