"""Who may sit on a session's panel, read straight from an instance dict.

Covers the static part of SPEC 4.3 (H2 leader experience, H3 eligibility, H4
recusal) and the panel-size formula of R3. The generator uses it to keep every
session comfortably staffable and the scenarios to pick their victims. It is
not the checker (that lives in `solver/`, written independently); ISO dates
and times are compared as strings, which orders them correctly.
"""

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any

DEFAULT_POLICY: Mapping[str, Any] = MappingProxyType(
    {
        "min_panel_size": 3,
        "odd_panel_size": True,
        "turnover": (1, 3),
        "rotation_scope": "venue_occupation",
        "max_consecutive_same_venue": 3,
        "consecutive_rule": "examiner_sequence",
        "leader_min_experience_days": 365,
        "grade_top_level": MappingProxyType({"examiner": 3, "senior": 1}),
        "recuse_candidate_organization": True,
        "allow_unfilled": False,
    }
)


def policy_of(instance: Mapping[str, Any]) -> dict[str, Any]:
    """Return the instance's policy with every default filled in."""
    return {**DEFAULT_POLICY, **(instance.get("policy") or {})}


def add_years(day: date, years: int) -> date:
    """Return the same calendar day `years` later (29 Feb becomes 28 Feb)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def session_days(start: str, end: str) -> tuple[str, str]:
    """Return the first and last calendar date that `[start, end)` touches."""
    last = datetime.fromisoformat(end)
    if last.time() == datetime.min.time() and end > start:
        last -= timedelta(days=1)
    return start[:10], last.date().isoformat()


def required_size(session: Mapping[str, Any], ratio: int, policy: Mapping[str, Any]) -> int:
    """Return the panel size R3 requires for a session."""
    if session.get("panel_size"):
        return max(int(session["panel_size"]), 3)
    count = session.get("candidate_count")
    if count is None:
        count = len(session.get("candidates") or ())
    size = max(policy["min_panel_size"], math.ceil(count / ratio), session.get("modules") or 0)
    if policy["odd_panel_size"] and size % 2 == 0:
        size += 1
    return max(size, 3)


def overlaps(a_start: str, a_end: str, b_start: str, b_end: str) -> bool:
    """Tell whether two half-open `[start, end)` intervals overlap."""
    return a_start < b_end and b_start < a_end


class Roster:
    """Index of an instance's examiners answering "who is eligible for this session"."""

    def __init__(self, instance: Mapping[str, Any], *, historical: bool = False) -> None:
        """Index `instance`; `historical` judges past sessions (status, absences ignored)."""
        self.policy = policy_of(instance)
        self.historical = historical
        self.examiners = {e["id"]: e for e in instance["examiners"]}
        self.candidate_org = {c["id"]: c["organization"] for c in instance.get("candidates", ())}
        self.venue_org = {v["id"]: v["organization"] for v in instance["venues"]}
        self.ratio = {o["code"]: o["candidates_per_examiner"] for o in instance["occupations"]}
        self.by_occupation: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for e in instance["examiners"]:
            cap = self.policy["grade_top_level"].get(e["grade"], 99)
            for q in e["qualifications"]:
                top = max(q["top_level"], cap)
                self.by_occupation[q["occupation"]].append((e["id"], top))
        self.conflicts: dict[str, set[str]] = defaultdict(set)
        for c in instance.get("conflicts", ()):
            self.conflicts[c["examiner"]].add(c.get("candidate") or "org:" + c["organization"])
        days = timedelta(days=self.policy["leader_min_experience_days"])
        self.leader_from = {
            e["id"]: (date.fromisoformat(e["assessing_since"]) + days).isoformat()
            for e in instance["examiners"]
            if e["leader_eligible"]
        }

    def size(self, session: Mapping[str, Any]) -> int:
        """Return the session's required panel size."""
        return required_size(session, self.ratio[session["occupation"]], self.policy)

    def pool(self, session: Mapping[str, Any]) -> list[str]:
        """Return the ids of examiners eligible for `session` (H3, H4), in roster order."""
        candidates = session.get("candidates") or ()
        orgs = {self.candidate_org[c] for c in candidates}
        return self.eligible(session, candidates, orgs)

    def eligible(
        self, session: Mapping[str, Any], candidates: Iterable[str], orgs: set[str]
    ) -> list[str]:
        """Return eligible examiner ids given the session's candidates and their organisations."""
        first, last = session_days(session["start"], session["end"])
        blocked = set(candidates) | {"org:" + o for o in orgs}
        blocked.add("org:" + self.venue_org[session["venue"]])
        found = []
        recuse = self.policy["recuse_candidate_organization"]
        for eid, top in self.by_occupation.get(session["occupation"], ()):
            e = self.examiners[eid]
            if top > session["level"]:
                continue
            if self.historical:
                if e["assessing_since"] <= first and self._in_term(e, first, last):
                    found.append(eid)
                continue
            if e["status"] != "active" or (recuse and e["organization"] in orgs):
                continue
            if self.conflicts[eid] & blocked or not self._in_term(e, first, last):
                continue
            if not any(u["start"] <= last and first <= u["end"] for u in e["unavailable"]):
                found.append(eid)
        return found

    def can_lead(self, eid: str, first_day: str) -> bool:
        """Tell whether the examiner may lead a session starting on `first_day` (H2)."""
        since = self.leader_from.get(eid)
        return since is not None and since <= first_day

    @staticmethod
    def _in_term(e: Mapping[str, Any], first: str, last: str) -> bool:
        certified = e.get("certified_until")
        if certified is not None and certified < last:
            return False
        return any(a["start"] <= first and last <= a["end"] for a in e["appointments"])
