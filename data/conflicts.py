"""Recusal relations (回避, R5) between examiners and candidates or organisations.

Conflicts are placed where they bite (the examiner would otherwise be
eligible) but only where the session keeps its slack, so the instance stays
staffable.
"""

import random
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any

from data.eligibility import Roster
from data.sessions import staffable

KINDS = ("relative", "teacher_student", "master_apprentice", "interest")
# years back the relationship may have begun, per kind (None: no date recorded)
SINCE_YEARS: Mapping[str, tuple[int | None, int]] = MappingProxyType(
    {"relative": (None, 30), "teacher_student": (1, 6), "master_apprentice": (1, 8)}
)


class ConflictMaker:
    """Add conflicts to an instance's sessions while each keeps a staffable pool."""

    def __init__(
        self, rng: random.Random, instance: Mapping[str, Any], roster: Roster, start: date
    ) -> None:
        """Compute every session's pool once; conflicts then only shrink them."""
        self.rng = rng
        self.roster = roster
        self.start = start
        self.sessions = [s for s in instance["sessions"] if s.get("candidates")]
        self.pools = {s["id"]: set(roster.pool(s)) for s in self.sessions}
        org = roster.candidate_org
        self.orgs = {
            s["id"]: {org[c] for c in s["candidates"]} | {roster.venue_org[s["venue"]]}
            for s in self.sessions
        }

    def make(self, n_candidate: int, n_org: int) -> list[dict[str, Any]]:
        """Return about `n_candidate` candidate and `n_org` organisation conflicts."""
        made: list[dict[str, Any]] = []
        for _ in range(4 * (n_candidate + n_org)):
            if len(made) >= n_candidate + n_org:
                break
            kind = KINDS[len(made) % 4] if len(made) < 4 else self.rng.choice(KINDS)
            against_org = len(made) >= n_candidate
            conflict = self._against_org(kind) if against_org else self._against_candidate(kind)
            if conflict is not None:
                made.append(conflict)
        return made

    def _against_candidate(self, kind: str) -> dict[str, Any] | None:
        session = self.rng.choice(self.sessions)
        pool = sorted(self.pools[session["id"]])
        eid = self.rng.choice(pool) if pool else ""
        if not eid or not self._keeps_slack([session], eid):
            return None
        self.pools[session["id"]].discard(eid)
        candidate = self.rng.choice(session["candidates"])
        return {"examiner": eid, "candidate": candidate, "kind": kind, **self._since(kind)}

    def _against_org(self, kind: str) -> dict[str, Any] | None:
        kind = kind if kind in ("relative", "interest") else "interest"
        session = self.rng.choice(self.sessions)
        pool = sorted(self.pools[session["id"]])
        eid = self.rng.choice(pool) if pool else ""
        org = self.rng.choice(sorted(self.orgs[session["id"]]))
        hit = [s for s in self.sessions if org in self.orgs[s["id"]]]
        own = eid and self.roster.examiners[eid]["organization"] == org
        if not eid or own or not self._keeps_slack(hit, eid):
            return None
        for s in hit:
            self.pools[s["id"]].discard(eid)
        return {"examiner": eid, "organization": org, "kind": kind, **self._since(kind)}

    def _keeps_slack(self, sessions: Sequence[Mapping[str, Any]], eid: str) -> bool:
        for s in sessions:
            pool = self.pools[s["id"]] - {eid}
            leaders = sum(self.roster.can_lead(e, s["start"][:10]) for e in pool)
            if not staffable(len(pool), leaders, self.roster.size(s), s["level"]):
                return False
        return True

    def _since(self, kind: str) -> dict[str, str]:
        low, high = SINCE_YEARS.get(kind, (0, 3))
        if low is None and self.rng.random() < 0.5:
            return {}
        days = self.rng.randint(int(365 * (low or 0)) + 30, 365 * high)
        return {"since": (self.start - timedelta(days=days)).isoformat()}
