"""Derived instances for the planner's "what if" and for diagnosing infeasibility.

Both work on copies and never remove anyone: a withdrawal is an `unavailable`
period over the whole horizon (SPEC 4.1), and the impossible session is made
impossible in a way the planner can act on.
"""

import copy
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from data.eligibility import Roster, session_days


def pick_withdrawals(result: Mapping[str, Any], count: int = 1, seed: int = 0) -> list[str]:
    """Return `count` examiners drawn from the busiest ones of a result's assignments."""
    load = Counter(e for a in result["assignments"] for e in a["members"])
    busiest = sorted(load, key=lambda e: (-load[e], e))[: max(5, 3 * count)]
    return sorted(random.Random(seed).sample(busiest, min(count, len(busiest))))


def what_if(
    instance: Mapping[str, Any], result: Mapping[str, Any], withdrawals: int = 1, seed: int = 0
) -> dict[str, Any]:
    """Return a copy with the result as `baseline` and busy examiners withdrawn."""
    derived = copy.deepcopy(dict(instance))
    derived["baseline"] = [
        {"session": a["session"], "leader": a["leader"], "members": list(a["members"])}
        for a in result["assignments"]
        if a["members"]
    ]
    first, last = horizon_of(derived["sessions"])
    gone = set(pick_withdrawals(result, withdrawals, seed))
    for e in derived["examiners"]:
        if e["id"] in gone:
            e["unavailable"] = [*e.get("unavailable", []), {"start": first, "end": last}]
    return derived


def horizon_of(sessions: Sequence[Mapping[str, Any]]) -> tuple[str, str]:
    """Return the first and last day any of the sessions touches."""
    spans = [session_days(s["start"], s["end"]) for s in sessions]
    return min(a for a, _ in spans), max(b for _, b in spans)


def infeasible(
    instance: Mapping[str, Any], seed: int = 0, how: str = "panel_size"
) -> tuple[dict[str, Any], str]:
    """Return a copy in which one session cannot be staffed, and that session's id.

    `how` is "panel_size" (the session asks for one examiner more than are
    eligible) or "conflicts" (all but too few eligible examiners get a conflict
    with one of its candidates).
    """
    derived = copy.deepcopy(dict(instance))
    roster = Roster(derived)
    pools = {s["id"]: roster.pool(s) for s in derived["sessions"] if s.get("candidates")}
    # among the five tightest sessions, so the shortfall reads like a real one
    tight = sorted(pools, key=lambda sid: (len(pools[sid]), sid))[:5]
    sid = random.Random(seed).choice(tight)
    session = next(s for s in derived["sessions"] if s["id"] == sid)
    pool = pools[sid]
    if how == "panel_size":
        session["panel_size"] = len(pool) + 1
    elif how == "conflicts":
        keep = roster.size(session) - 1
        candidates = session["candidates"]
        derived["conflicts"] = [
            *derived.get("conflicts", []),
            *(
                {"examiner": e, "candidate": candidates[k % len(candidates)], "kind": "interest"}
                for k, e in enumerate(pool[keep:])
            ),
        ]
    else:
        raise ValueError(f"unknown way to make a session infeasible: {how!r}")
    return derived, sid
