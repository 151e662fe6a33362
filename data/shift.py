"""Move an instance in time: every date and time in it shifted by the same number of days.

The bundled samples are fixed terms (spring 2026); the demo moves its sample so that the
term starts tomorrow, whenever the demo is run: a planner then has a session tomorrow to
rehearse a withdrawal on, sessions in the weeks to come, history in the weeks before, and
appointments and certificates that run out when they would relative to the term. Every
date moves by the same amount, so everything the rules read (gaps, overlaps, experience,
validity) is unchanged.
"""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta
from typing import Any

_DATE_KEYS = {"start", "end", "since", "assessing_since", "certified_until"}


def shifted(raw: dict[str, Any], days: int) -> dict[str, Any]:
    """A copy of `raw` with every date (YYYY-MM-DD) and time (YYYY-MM-DDTHH:MM) moved by `days`.

    One thing a shift of days does not keep is a calendar term: an appointment of the full
    three years (to the day before the third anniversary) that moves across a 29 February
    would end a day too late (notice art. 2), so such an appointment ends on the day before
    its new third anniversary.
    """
    out = copy.deepcopy(raw)
    _walk(out, timedelta(days=days))
    for examiner in out.get("examiners", ()):
        for term in examiner.get("appointments", ()):
            start = date.fromisoformat(term["start"])
            last = _anniversary(start, 3) - timedelta(days=1)
            if date.fromisoformat(term["end"]) > last:
                term["end"] = last.isoformat()
    return out


def days_to_start(raw: dict[str, Any], first_day: date) -> int:
    """The shift that makes the instance's first session start on `first_day`."""
    first = min(datetime.fromisoformat(s["start"]).date() for s in raw["sessions"])
    return (first_day - first).days


def _anniversary(day: date, years: int) -> date:
    """`day` `years` later (29 February becomes 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _walk(node: Any, delta: timedelta) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, delta)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in _DATE_KEYS and isinstance(value, str):
                node[key] = _moved(value, delta)
            else:
                _walk(value, delta)


def _moved(text: str, delta: timedelta) -> str:
    if "T" in text:
        return (datetime.fromisoformat(text) + delta).strftime("%Y-%m-%dT%H:%M")
    return (date.fromisoformat(text) + delta).isoformat()
