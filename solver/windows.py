"""Neighbourhoods of the search: windows of consecutive sessions, and busy/idle pairs.

H5-H7 tie neighbouring sessions together, so a window of sessions in (start, id) order is
the natural unit to free and re-staff; the sessions a busy and an idle examiner could
exchange are the other kind, for evening out loads.
"""

from __future__ import annotations

import random

from .model import Built


class Windows:
    """Neighbourhoods: windows of consecutive sessions, and busy/idle examiner pairs."""

    SIZE = 40

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
        self.size = min(self.SIZE, len(self.order))
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

    def next(self, values: list[int]) -> set[int]:
        """The literal indices to free next, alternating the two kinds."""
        self.turn += 1
        sessions = self._pair(values) if self.turn % 2 == 0 else self._window()
        return {i for s in sessions for i in self.literals[s]}

    def _window(self) -> list[str]:
        start = self.rng.randrange(0, max(1, len(self.order) - self.size + 1))
        return self.order[start : start + self.size]

    def _pair(self, values: list[int]) -> list[str]:
        """Sessions a busy and an idle examiner could exchange, topped up with random ones."""
        loads = {e: sum(values[i] for _, i in items) for e, items in self.by_examiner.items()}
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
