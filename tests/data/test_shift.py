"""Moving an instance in time changes its dates and nothing the rules read."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from data.shift import days_to_start, shifted
from services.demo.run import sample
from solver.facts import Facts
from solver.load import load_instance


def dates_of(node, out=None) -> list[str]:
    """Every date and time in `node`, appointment ends aside."""
    out = [] if out is None else out
    if isinstance(node, list):
        for item in node:
            dates_of(item, out)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "appointments":
                out += [a["start"] for a in value]
            elif key in {"start", "end", "since", "assessing_since", "certified_until"} and value:
                out.append(value)
            else:
                dates_of(value, out)
    return out


def moved(text: str) -> datetime:
    return datetime.fromisoformat(text if "T" in text else text + "T00:00")


@pytest.mark.parametrize("days", [-400, -1, 1, 3, 281])
def test_every_date_moves_by_the_same_days(days) -> None:
    raw = sample("S")
    after = shifted(raw, days)
    before, now = dates_of(raw), dates_of(after)
    assert len(before) == len(now) > 250
    assert all((moved(b) - moved(a)).days == days for a, b in zip(before, now, strict=True))
    assert raw["sessions"][0]["start"] == "2026-03-02T08:30"  # the sample itself is untouched
    for e_before, e_after in zip(raw["examiners"], after["examiners"], strict=True):
        for a, b in zip(e_before["appointments"], e_after["appointments"], strict=True):
            end_a, end_b, start_b = (
                date.fromisoformat(x) for x in (a["end"], b["end"], b["start"])
            )
            assert (end_b - end_a).days in (days, days - 1)  # a full term stays a full term
            assert end_b < start_b.replace(year=start_b.year + 3)


def test_the_shift_to_a_first_day_starts_the_term_that_day() -> None:
    raw = sample("S")
    days = days_to_start(raw, date(2027, 1, 5))
    first = min(s["start"] for s in shifted(raw, days)["sessions"])
    assert first.startswith("2027-01-05")


def test_who_may_sit_where_is_unchanged_by_a_shift() -> None:
    raw = sample("S")
    before, _ = load_instance(raw)
    after, _ = load_instance(shifted(raw, 284))
    fb, fa = Facts(before), Facts(after)
    for e_before, e_after in zip(before.examiners, after.examiners, strict=True):
        for s_before, s_after in zip(before.sessions, after.sessions, strict=True):
            rules_before = sorted(r.rule for r in fb.member_reasons(e_before, s_before))
            rules_after = sorted(r.rule for r in fa.member_reasons(e_after, s_after))
            assert rules_before == rules_after, (e_before.id, s_before.id)
