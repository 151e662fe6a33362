"""The whole term at a glance: a plan's seats laid out by examiner or by venue, day by day.

A timeline is a grid: one row per examiner (or per venue), one column per day of a window
(a calendar month, or the whole term), and in each cell the sessions of that day, each with
its leader mark, whether the checker finds a rule broken on it, and how it differs from the
published plan (a seat added, or a seat the published plan had and this one drops). A month
calendar lays the same sessions out week by week.

Everything is read from a `LoadedPlan` (and the published plan's, for the changes) and the
per-plan index is computed once (`LoadedPlan.memo`): a request only cuts a window and filters.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Literal

from services.planning.cache import LoadedPlan
from solver.schema import Session

By = Literal["examiner", "venue"]
Change = Literal["", "added", "removed"]
ALL = "all"  # the window that is the whole term
Changes = dict[str, tuple[set[str], set[str]]]  # session: (examiners added, removed)


@dataclass(frozen=True)
class Mark:
    """One session in a cell: an examiner's seat on it, or (by venue) the session itself."""

    session: str
    time: str  # "08:30"
    venue: str
    occupation: str
    leader: bool  # by examiner: this examiner leads; by venue: the panel has a leader
    flagged: bool  # the checker finds a rule broken on this session
    change: Change = ""  # versus the published plan
    people: tuple[str, ...] = ()  # by venue: the leader first, then the members, by name

    def css(self, by: By) -> str:
        """The mark's classes: leader (by examiner), flagged, added or removed."""
        parts = ["mark"]
        if self.leader and by == "examiner":
            parts.append("leader")
        if self.flagged:
            parts.append("flagged")
        if self.change:
            parts.append(self.change)
        return " ".join(parts)

    def text(self, by: By) -> str:
        """What the cell shows before the place: `+★!08:30` (change, leader, flagged, time)."""
        sign = {"added": "+", "removed": "−"}.get(self.change, "")
        star = "★" if self.leader and by == "examiner" else ""
        return f"{sign}{star}{'!' if self.flagged else ''}{self.time}"

    def where(self, by: By) -> str:
        """By examiner the venue; by venue the occupation and the leader."""
        if by == "examiner":
            return f" {self.venue}"
        return f" {self.occupation}" + (f" · {self.people[0]}" if self.people else "")

    def title(self) -> str:
        people = f" · {'、'.join(self.people)}" if self.people else ""
        return f"{self.session} {self.time} {self.venue} · {self.occupation}{people}"


@dataclass
class Row:
    """One examiner or venue over the window."""

    key: str
    title: str
    cells: dict[date, list[Mark]] = field(default_factory=dict)
    seats: int = 0  # in the window (removed seats not counted)
    leads: int = 0

    def segments(self, days: list[date]) -> list[tuple[int, list[Mark]]]:
        """The row as table cells: (days spanned, marks); a run of empty days is one cell."""
        out: list[tuple[int, list[Mark]]] = []
        for day in days:
            marks = self.cells.get(day)
            if marks:
                out.append((1, marks))
            elif out and not out[-1][1]:
                out[-1] = (out[-1][0] + 1, [])
            else:
                out.append((1, []))
        return out


@dataclass(frozen=True)
class Filters:
    """What the planner narrows the timeline to (empty: everything)."""

    occupation: str = ""
    venue: str = ""
    examiner: str = ""  # part of an examiner's code or name


@dataclass(frozen=True)
class Timeline:
    by: By
    window: str  # "2026-03" or ALL
    months: list[str]  # the months that hold sessions, in order
    days: list[date]
    rows: list[Row]
    fair: float  # the plan's fair share of seats per active examiner (whole term)


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def window_of(sessions: list[Session], wanted: str | None, today: date) -> str:
    """The window asked for when the plan has it; else this month, else the first month."""
    months = sorted({month_of(s.start.date()) for s in sessions})
    if wanted == ALL or (wanted and wanted in months):
        return wanted
    if month_of(today) in months:
        return month_of(today)
    return months[0] if months else ALL


def _days(sessions: list[Session], window: str) -> list[date]:
    """Every day of the window's month (every day from the first session to the last)."""
    if not sessions:
        return []
    if window == ALL:
        first, last = sessions[0].start.date(), max(s.end.date() for s in sessions)
    else:
        year, month = map(int, window.split("-"))
        first = date(year, month, 1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def changed_seats(
    view: LoadedPlan, published: LoadedPlan | None
) -> dict[str, tuple[set[str], set[str]]]:
    """Per session, (examiners added, examiners removed) versus the published plan."""
    if published is None:
        return {}
    changes = {}
    for s in view.sessions:
        now = set(view.panels[s.id].members) if s.id in view.panels else set()
        before_panel = published.panels.get(s.id)
        before = set(before_panel.members) if before_panel else set()
        if now != before and (before_panel is not None):
            changes[s.id] = (now - before, before - now)
    return changes


def build(
    view: LoadedPlan,
    by: By,
    window: str,
    filters: Filters,
    flagged: set[str],
    changes: Changes,
    fair: float,
) -> Timeline:
    """The timeline of `view` by examiner or by venue over `window`, filtered."""
    places, trades = view.places, view.trades
    months = sorted({month_of(s.start.date()) for s in view.sessions})
    shown = [
        s
        for s in view.sessions
        if (window == ALL or month_of(s.start.date()) == window)
        and (not filters.occupation or s.occupation == filters.occupation)
        and (not filters.venue or s.venue == filters.venue)
    ]
    rows: dict[str, Row] = {}
    for s in shown:
        panel = view.panels.get(s.id)
        members, leader = (panel.members, panel.leader) if panel else ((), None)
        added, removed = changes.get(s.id, (set(), set()))
        one = Mark(s.id, f"{s.start:%H:%M}", places.get(s.venue, s.venue),
                   trades.get(s.occupation, s.occupation), False, s.id in flagged)  # fmt: skip
        if by == "venue":
            people = tuple(view.names.get(m, m) for m in sorted(members, key=lambda m: m != leader))
            row = rows.setdefault(s.venue, Row(s.venue, places.get(s.venue, s.venue)))
            change: Change = "added" if added or removed else ""
            _put(row, s, replace(one, leader=leader is not None, change=change, people=people),
                 len(members), leader is not None)  # fmt: skip
            continue
        for code in [*members, *sorted(removed)]:
            if not _wanted(code, view.names.get(code, ""), filters.examiner):
                continue
            row = rows.setdefault(code, Row(code, view.names.get(code, code)))
            gone = code in removed
            change = "removed" if gone else "added" if code in added else ""
            leads = code == leader and not gone
            _put(row, s, replace(one, leader=leads, change=change), 0 if gone else 1, leads)
    ordered = sorted(
        rows.values(), key=lambda r: (r.title, r.key) if by == "venue" else (-r.seats, r.key)
    )
    return Timeline(by, window, months, _days(shown or view.sessions, window), ordered, fair)


def _put(row: Row, s: Session, one: Mark, seats: int, lead: bool) -> None:
    row.cells.setdefault(s.start.date(), []).append(one)
    row.seats += seats
    row.leads += lead


def _wanted(code: str, name: str, query: str) -> bool:
    query = query.strip().lower()
    return not query or query in code.lower() or query in name.lower()


@dataclass(frozen=True)
class CalendarDay:
    day: date
    in_month: bool
    sessions: list[Mark]


def calendar(
    view: LoadedPlan, month: str, flagged: set[str], leaders: dict[str, str]
) -> list[list[CalendarDay]]:
    """The month's weeks (Monday first), each day with its sessions (leader's name as people)."""
    places, trades = view.places, view.trades
    by_day: dict[date, list[Mark]] = defaultdict(list)
    for s in view.sessions:
        if month_of(s.start.date()) != month:
            continue
        panel = view.panels.get(s.id)
        leader = panel.leader if panel else None
        by_day[s.start.date()].append(
            Mark(s.id, f"{s.start:%H:%M}", places.get(s.venue, s.venue),
                 trades.get(s.occupation, s.occupation), leader is not None, s.id in flagged,
                 people=(leaders.get(leader, leader),) if leader else ())
        )  # fmt: skip
    days = _days(view.sessions, month)
    if not days:
        return []
    start = days[0] - timedelta(days=days[0].weekday())
    end = days[-1] + timedelta(days=6 - days[-1].weekday())
    grid = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    cells = [CalendarDay(d, month_of(d) == month, by_day.get(d, [])) for d in grid]
    return [cells[n : n + 7] for n in range(0, len(cells), 7)]
