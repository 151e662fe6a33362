"""Seat exchanges on a plan: what they may change, and what they break or mend (H5-H7).

A move hands seats over: an examiner gives a seat to another (a shift), or two examiners
trade seats (a swap). Every move offered keeps what the flow of `solver.bound` holds
(eligibility, recusals, `max_sessions`, panel sizes, locks, someone who may lead) and is
scored by what the flow does not see: runs at one venue (H7, either reading), overlapping
sessions beyond the flow's groups (H5) and turnover against the previous panel (H6), each
counted only where a move can change it, so that thousands of moves are weighed in a
second. This reading only guides `solver.mend`; the checker has the last word.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator

from .facts import Facts

Move = tuple[tuple[str, str, str], ...]  # (session, leaving, joining) per seat changed
NEAR = 12  # a swap partner's session lies within this many sessions of the broken one


class Exchange:
    """Panels being repaired, with what the rules need to score a move cheaply."""

    def __init__(
        self,
        facts: Facts,
        panels: dict[str, set[str]],
        deadline: float | None = None,
        budget: int | None = None,
    ) -> None:
        self.facts, self.members = facts, panels
        # Work is bounded by moves weighed (the same plan on any machine) and by `deadline`.
        self.deadline, self.budget, self.weighed = deadline, budget, 0
        policy = facts.policy
        self.k = policy.max_consecutive_same_venue
        self.by_examiner = policy.consecutive_rule in ("examiner_sequence", "both")
        self.by_venue = policy.consecutive_rule in ("venue_sequence", "both")
        self.order = {s.id: i for i, s in enumerate(facts.all_sessions)}
        self.venue = {s.id: s.venue for s in facts.all_sessions}
        self.timeline = [s.id for s in facts.all_sessions]
        self.at_venue: dict[str, list[str]] = defaultdict(list)
        for s in facts.all_sessions:
            self.at_venue[s.venue].append(s.id)
        self.history = facts.history_members
        self.served: dict[str, set[str]] = defaultdict(set)  # examiner -> sessions, history too
        for sid, who in list(self.history.items()) + list(panels.items()):
            for e in who:
                self.served[e].add(sid)
        self.loads = Counter(e for who in panels.values() for e in who)
        self.eligible = {s: set(pool) for s, pool in facts.eligible.items()}
        self.leads = {s: set(pool) for s, pool in facts.can_lead.items()}
        self.locked = {(lock.session, lock.examiner) for lock in facts.instance.locks}
        self.following: dict[str, list[str]] = defaultdict(list)
        for n, prev in facts.previous.items():
            self.following[prev].append(n)
        self.overlaps = _overlaps(facts)
        num, den = policy.turnover
        self.need = {s: -(-size * num // den) if den else size for s, size in facts.sizes.items()}

    def squares(self) -> int:
        """Σ load² of the planned sessions' panels."""
        return sum(n * n for n in self.loads.values())

    # ----- breaks -------------------------------------------------------------

    def breaks(self) -> list[tuple[str, str, str]]:
        """Every broken place: ("run", examiner, venue), ("overlap", examiner, "") or
        ("turnover", session, "")."""
        out = []
        for e in sorted(self.served):  # sorted: set order changes between processes
            venues = sorted({self.venue[s] for s in self.served[e]})
            out += [("run", e, v) for v in venues if self._run_excess(e, {v})]
            if self._clashes(e):
                out.append(("overlap", e, ""))
        out += [("turnover", s, "") for s in self.members if self._turnover_gap(s)]
        return out

    def _run_excess(self, e: str, venues: set[str]) -> int:
        """Sessions past K in runs at `venues` holding a planned one, by the policy's
        reading(s); the examiner's own sequence is walked once for all of them."""
        served, excess = self.served[e], 0
        if self.by_examiner:
            mine = sorted(served, key=self.order.__getitem__)
            excess += _excess(mine, self.venue.__getitem__, venues, self.members, self.k)
        if self.by_venue:
            for venue in venues:
                here = self.at_venue[venue]
                excess += _excess(here, served.__contains__, {True}, self.members, self.k)
        return excess

    def _clashes(self, e: str) -> int:
        """Overlapping sessions `e` sits in, pairs and with history (H5; the flow holds only
        its groups, and a lock may clash)."""
        mine = [s for s in self.served[e] if s in self.members]
        past = sum((s, e) in self.facts.history_clashes for s in mine)
        return past + sum(len(self.overlaps[s].intersection(mine)) for s in mine) // 2

    def _turnover_gap(self, s: str) -> int:
        """Members short of new ones against the lineage's previous panel (H6)."""
        prev = self.facts.previous.get(s)
        if prev is None or not self.members[s]:
            return 0
        before = self.members.get(prev) or set(self.history.get(prev, ()))
        return max(0, self.need[s] - len(self.members[s] - before))

    def score(self, places: set[tuple[str, str, str]]) -> int:
        total = 0
        runs: dict[str, set[str]] = defaultdict(set)  # examiner -> venues, scored together
        for kind, a, b in places:
            if kind == "run":
                runs[a].add(b)
            elif kind == "overlap":
                total += self._clashes(a)
            else:
                total += self._turnover_gap(a)
        return total + sum(self._run_excess(e, venues) for e, venues in runs.items())

    # ----- moves ---------------------------------------------------------------

    def touched(self, move: Move) -> set[tuple[str, str, str]]:
        """The places a move can change."""
        out: set[tuple[str, str, str]] = set()
        for s, leaving, joining in move:
            for e in (leaving, joining):
                # A visit elsewhere separates runs: in an examiner's own sequence, every venue
                # of theirs may change.
                venues = {self.venue[t] for t in self.served[e]} if self.by_examiner else set()
                out.update(("run", e, v) for v in venues | {self.venue[s]})
                out.add(("overlap", e, ""))
            out.add(("turnover", s, ""))
            out.update(("turnover", n, "") for n in self.following[s])
        return out

    def apply(self, move: Move, undo: bool = False) -> None:
        for s, leaving, joining in reversed(move) if undo else move:
            out, into = (joining, leaving) if undo else (leaving, joining)
            self.members[s].discard(out)
            self.members[s].add(into)
            self.served[out].discard(s)
            self.served[into].add(s)
            self.loads[out] -= 1
            self.loads[into] += 1

    def stopped(self) -> bool:
        """The budget of moves is spent or the deadline has passed."""
        if self.budget is not None and self.weighed > self.budget:
            return True
        return self.deadline is not None and time.monotonic() > self.deadline

    def delta(self, move: Move) -> tuple[int, int]:
        """(change in breaks, change in Σ load²) if `move` were made."""
        self.weighed += 1
        places = self.touched(move)
        before = self.score(places)
        cost = self._cost(move)
        self.apply(move)
        after = self.score(places)
        cost = self._cost(move) - cost
        self.apply(move, undo=True)
        return after - before, cost

    def _cost(self, move: Move) -> int:
        who = {e for _, a, b in move for e in (a, b)}
        return sum(self.loads[e] ** 2 for e in who)

    def may_leave(self, s: str, e: str, joining: str) -> bool:
        """`e` may give up their seat at `s` to `joining`: not locked, someone still may lead."""
        if (s, e) in self.locked or e not in self.members[s]:
            return False
        return joining in self.leads[s] or any(
            m in self.leads[s] for m in self.members[s] if m != e
        )

    def may_join(self, s: str, e: str, leaving: str | None = None) -> bool:
        """`e` may take a seat at `s`, giving up `leaving` (a session of theirs) at once."""
        if (
            e in self.members[s]
            or e not in self.eligible[s]
            or (s, e) in self.facts.history_clashes
        ):
            return False
        if any(t != leaving and t in self.overlaps[s] for t in self.served[e]):
            return False
        limit = self.facts.examiners[e].max_sessions
        return leaving is not None or limit is None or self.loads[e] < limit

    def moves(self, place: tuple[str, str, str]) -> Iterator[Move]:
        """Shifts and swaps that may mend one broken place."""
        kind, a, b = place
        if kind == "run":
            mine = sorted(self.served[a])
            seats = [(s, a) for s in mine if self.venue[s] == b and s in self.members]
        elif kind == "overlap":
            clash = self.facts.history_clashes
            seats = [
                (s, a)
                for s in sorted(self.served[a])
                if s in self.members and (self.overlaps[s] & self.served[a] or (s, a) in clash)
            ]
        else:
            prev = self.facts.previous[a]
            before = self.members.get(prev) or set(self.history.get(prev, ()))
            seats = [(a, e) for e in sorted(self.members[a] & before)]
            if prev in self.members:
                seats += [(prev, e) for e in sorted(self.members[prev] & self.members[a])]
        for s, e in seats:
            if (s, e) in self.locked:
                continue
            for other in self.facts.eligible[s]:
                if self.may_leave(s, e, other) and self.may_join(s, other):
                    yield ((s, e, other),)
            yield from self._swaps(s, e)
        if kind == "run" and self.by_examiner:
            yield from self._splits(a, b)

    def _swaps(self, s: str, e: str) -> Iterator[Move]:
        """`e` trades their seat at `s` for a seat at a session near it, elsewhere."""
        i = self.order[s]
        near = self.timeline[max(0, i - NEAR) : i + NEAR + 1]
        for t in near:
            if t == s or t not in self.members or self.venue[t] == self.venue[s]:
                continue
            if not self.may_join(t, e, leaving=s):
                continue
            for other in sorted(self.members[t]):
                if (
                    self.may_leave(s, e, other)
                    and self.may_leave(t, other, e)
                    and self.may_join(s, other, leaving=t)
                ):
                    yield ((s, e, other), (t, other, e))

    def _splits(self, e: str, venue: str) -> Iterator[Move]:
        """`e` takes a seat elsewhere in the middle of their run at `venue`."""
        mine = sorted(
            (s for s in self.served[e] if self.venue[s] == venue), key=self.order.__getitem__
        )
        if len(mine) < 2:
            return
        first, last = self.order[mine[0]], self.order[mine[-1]]
        for t in self.timeline[first + 1 : last]:
            if t not in self.members or self.venue[t] == venue or not self.may_join(t, e):
                continue
            for other in sorted(self.members[t]):
                if self.may_leave(t, other, e):
                    yield ((t, other, e),)


def _excess(
    items: Iterable[str], key: Callable[[str], object], wanted: set, planned: dict, k: int
) -> int:
    """Σ (length − K) over maximal runs of `items` sharing one `key` in `wanted` (a venue, or
    "served"), each holding a `planned` session, in one walk."""
    total = length = 0
    current: object = None
    holds = False
    for s in items:
        value = key(s)
        if value != current:
            if current in wanted and holds and length > k:
                total += length - k
            current, length, holds = value, 0, False
        length += 1
        holds = holds or s in planned
    if current in wanted and holds and length > k:
        total += length - k
    return total


def _overlaps(facts: Facts) -> dict[str, set[str]]:
    """Planned session -> the planned sessions overlapping it (H5), by a sweep over starts."""
    ordered = sorted(facts.instance.sessions, key=lambda s: s.start)
    out: dict[str, set[str]] = {s.id: set() for s in ordered}
    for i, s in enumerate(ordered):
        for t in ordered[i + 1 :]:
            if t.start >= s.end:
                break
            out[s.id].add(t.id)
            out[t.id].add(s.id)
    return out
