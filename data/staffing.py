"""A greedy panel builder that keeps the sequence rules (SPEC 4.3 H1, H2, H5–H7).

Sessions must be placed in (start, id) order. Eligibility (H3, H4) comes from
the caller as a pool of examiner ids. The generator staffs `history` with it;
it is also a quick feasibility witness for a generated instance (a panel found
greedily proves a session staffable, a failure proves nothing).
"""

import math
import random
from collections import defaultdict, deque
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from data.eligibility import overlaps

LEADER_SPARING = 0.75


class Staffer:
    """Place panels one session at a time, remembering who served where and when."""

    def __init__(
        self,
        policy: Mapping[str, Any],
        can_lead: Callable[[str, str], bool],
        rng: random.Random,
        *,
        caps: Mapping[str, int] | None = None,
        sticky: float = 0.0,
    ) -> None:
        """Start empty; `sticky` > 0 prefers examiners who were last at the same venue."""
        self.policy = policy
        self.can_lead = can_lead
        self.rng = rng
        self.caps = caps or {}
        self.sticky = sticky
        self.busy: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.load: dict[str, int] = defaultdict(int)
        self.leads: dict[str, int] = defaultdict(int)
        self.run: dict[str, tuple[str, int]] = {}
        self.lineages: dict[tuple[str, ...], list[tuple[str, frozenset[str]]]] = defaultdict(list)
        limit = policy["max_consecutive_same_venue"]
        self.venue_recent: dict[str, deque[frozenset[str]]] = defaultdict(
            lambda: deque(maxlen=limit)
        )

    def record(self, session: Mapping[str, Any], leader: str, members: Sequence[str]) -> None:
        """Register a fixed panel (history); it does not count toward loads or caps."""
        self._remember(session, leader, members, counted=False)

    def place(self, session: Mapping[str, Any], pool: Sequence[str], size: int) -> dict | None:
        """Build and register a panel of `size` from `pool`, or return None."""
        free = [e for e in pool if self._free(e, session)]
        if len(free) < size:
            return None
        previous = self._previous(session)
        need_new = math.ceil(size * self._turnover()) if previous is not None else 0
        previous = previous or frozenset()
        first_day = session["start"][:10]
        capable = {e for e in free if self.can_lead(e, first_day)}
        # plain seats go to non-leaders first: leaders are the scarcer resource
        order = sorted(
            free, key=lambda e: self._score(e, session) + LEADER_SPARING * (e in capable)
        )
        leaders = [e for e in order if e in capable]
        leaders.sort(key=lambda e: (self.leads[e], self.load[e]))
        for leader in leaders[:4]:
            members = self._fill(leader, order, size, need_new, previous)
            if members is not None:
                self._remember(session, leader, members, counted=True)
                return {"session": session["id"], "leader": leader, "members": members}
        return None

    def _turnover(self) -> float:
        num, den = self.policy["turnover"]
        return num / den

    def _fill(
        self, leader: str, order: list[str], size: int, need_new: int, previous: frozenset[str]
    ) -> list[str] | None:
        members = [leader]
        new = int(leader not in previous)
        for e in order:
            if len(members) == size:
                break
            if e == leader or (e in previous and size - len(members) <= need_new - new):
                continue
            members.append(e)
            new += e not in previous
        if len(members) < size or new < need_new:
            return None
        return [leader, *sorted(members[1:])]

    def _score(self, eid: str, session: Mapping[str, Any]) -> float:
        score = self.load[eid] + self.rng.random()
        venue, count = self.run.get(eid, ("", 0))
        if self.sticky and venue == session["venue"]:
            score -= self.sticky * count
        return score

    def _free(self, eid: str, session: Mapping[str, Any]) -> bool:
        if eid in self.caps and self.load[eid] >= self.caps[eid]:
            return False
        start, end = session["start"], session["end"]
        if any(overlaps(start, end, s, f) for s, f in self.busy[eid]):
            return False
        limit = self.policy["max_consecutive_same_venue"]
        rule = self.policy["consecutive_rule"]
        if rule in ("examiner_sequence", "both") and self.run.get(eid) == (session["venue"], limit):
            return False
        recent = self.venue_recent[session["venue"]]
        return not (
            rule in ("venue_sequence", "both")
            and len(recent) == limit
            and all(eid in panel for panel in recent)
        )

    def _lineage(self, session: Mapping[str, Any]) -> tuple[str, ...]:
        if self.policy["rotation_scope"] == "occupation":
            return (session["occupation"],)
        return (session["venue"], session["occupation"])

    def _previous(self, session: Mapping[str, Any]) -> frozenset[str] | None:
        for end, members in reversed(self.lineages[self._lineage(session)]):
            if end <= session["start"]:
                return members
        return None

    def _remember(
        self, session: Mapping[str, Any], leader: str, members: Sequence[str], *, counted: bool
    ) -> None:
        panel = frozenset(members)
        self.lineages[self._lineage(session)].append((session["end"], panel))
        self.venue_recent[session["venue"]].append(panel)
        for e in members:
            self.busy[e].append((session["start"], session["end"]))
            venue, count = self.run.get(e, ("", 0))
            self.run[e] = (session["venue"], count + 1 if venue == session["venue"] else 1)
            if counted:
                self.load[e] += 1
        if counted:
            self.leads[leader] += 1
