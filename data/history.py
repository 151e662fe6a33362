"""Already-served sessions before the horizon (`history`), staffed legally.

History panels obey the rules of their time: members qualified and in term
then, the leader experienced, no double booking, turnover and at most three
visits in a row at one venue. Examiners are drawn "sticky" to their last
venue, so some end the history on a run that H7 must break, and each
lineage's last panel constrains its first planned session (H6). About one
panel in eight has an even size, staffed before the odd-size rule was applied.
"""

import random
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from data.eligibility import Roster, required_size
from data.sessions import Drafter, workdays
from data.staffing import Staffer

STICKY = 1.2  # strong enough that some examiners end the history on a run of three


def make_history(
    rng: random.Random,
    drafter: Drafter,
    roster: Roster,
    first: date,
    last: date,
    per_day: float,
) -> list[dict[str, Any]]:
    """Return staffed history entries on the workdays from `first` to `last`."""
    days = workdays(first, last)
    count = round(per_day * len(days))
    shapes = [
        _session(drafter, roster, days[int((k + rng.random()) * len(days) / count)], days)
        for k in range(count)
    ]
    shapes.sort(key=lambda s: (s["start"], s["venue"], s["occupation"]))
    staffer = Staffer(roster.policy, roster.can_lead, rng, sticky=STICKY)
    entries: list[dict[str, Any]] = []
    for shape in shapes:
        size = shape.pop("_size")
        shape = {"id": f"H{len(entries) + 1:04d}", **shape}
        panel = staffer.place(shape, roster.eligible(shape, (), set()), size)
        if panel is not None:
            entries.append(
                {"session": shape, "leader": panel["leader"], "members": panel["members"]}
            )
    return entries


def _session(drafter: Drafter, roster: Roster, day: date, days: Sequence[date]) -> dict:
    def size_of(shape: Mapping[str, Any]) -> int:
        ratio = roster.ratio[shape["occupation"]]
        return required_size({"candidate_count": shape["_n"]}, ratio, roster.policy)

    shape = drafter.draft(day, days, roster, size_of, modules=False)
    size = size_of(shape)
    if drafter.rng.random() < 0.125:
        size += 1
    keep = ("venue", "occupation", "level", "start", "end")
    return {**{k: shape[k] for k in keep}, "_size": size}
