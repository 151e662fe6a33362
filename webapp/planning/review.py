"""What the plan review shows, computed from a plan's stored instance and result.

The evidence is read from exactly what was solved (`Plan.instance`, `Plan.result`) with the
checker's own reading of the plan (`solver.check.read_plan`): why each member may sit
(qualification and level, grade, appointment, certificate, status), whether the leader may
lead, who is new versus the lineage's previous panel (H6), and how many visits in a row each
member has made to the venue (H7). The checker's findings on the session come alongside, so
a panel edited into a violation says so here too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date, datetime

from services.planning.cache import LoadedPlan
from solver.check import Panel, required_size
from solver.schema import Examiner, Instance, Period, Result, Session


@dataclass(frozen=True)
class MemberEvidence:
    """Why one member sits on one panel."""

    code: str
    name: str
    leader: bool
    grade: str
    grade_top: int
    qualified_top: int | None  # highest level qualified for the session's occupation
    appointment: Period | None  # the appointment covering the session's days
    certified_until: date | None
    status: str
    leader_eligible: bool
    assessing_since: date | None
    new: bool | None  # not on the previous panel (None: there is no previous panel)
    run: int  # visits in a row at this venue, this one included


@dataclass(frozen=True)
class Previous:
    """The lineage's previous panel (H6): which session, when, where, planned or history."""

    code: str
    start: datetime
    venue: str
    planned: bool  # in this plan (it has evidence of its own); else served before


@dataclass(frozen=True)
class PanelEvidence:
    """One session's panel with its evidence and the checker's findings on it."""

    session: Session
    venue: str
    occupation: str
    size: int
    members: list[MemberEvidence]
    previous: Previous | None  # the previous panel in the lineage
    new_needed: int
    new_count: int
    findings: list[str]  # "H3 message" lines


@dataclass(frozen=True)
class Load:
    """One examiner's seats and leaderships in the plan."""

    code: str
    name: str
    seats: int
    leads: int


def evidence(view: LoadedPlan, session_id: str, lang: str) -> PanelEvidence:
    """The evidence of session `session_id`'s panel (KeyError when it is not in the plan)."""
    instance, plan = view.instance, view.reading(lang)
    panel = plan.panels[session_id]
    s = plan.sessions[session_id]
    previous = _previous(instance, plan.timeline, panel)
    first, last = s.first_day, s.last_day
    members = [
        _member(plan.examiners[m], s, m == panel.leader, first, last, instance, previous,
                _run(plan.timeline, panel, m))
        for m in panel.members
    ]  # fmt: skip
    mine = [f"{d.rule} {d.message}" for d in view.findings_by_session(lang).get(session_id, [])]
    num, den = instance.policy.turnover
    need = -(-len(panel.members) * num // den) if previous and den else 0
    new = sum(1 for m in members if m.new)
    return PanelEvidence(
        s, plan.place(s.venue), plan.trade(s.occupation), required_size(instance, s), members,
        Previous(previous.session.id, previous.session.start, plan.place(previous.session.venue),
                 previous.planned) if previous else None,
        need, new, mine,
    )  # fmt: skip


def _member(
    e: Examiner,
    s: Session,
    leader: bool,
    first: date,
    last: date,
    instance: Instance,
    previous: Panel | None,
    run: int,
) -> MemberEvidence:
    tops = [q.top_level for q in e.qualifications if q.occupation == s.occupation]
    covering = [a for a in e.appointments if a.covers(first, last)]
    return MemberEvidence(
        code=e.id,
        name=e.name,
        leader=leader,
        grade=e.grade,
        grade_top=instance.policy.top_level(e.grade),
        qualified_top=min(tops) if tops else None,
        appointment=covering[0] if covering else None,
        certified_until=e.certified_until,
        status=e.status,
        leader_eligible=e.leader_eligible,
        assessing_since=e.assessing_since,
        new=None if previous is None else e.id not in previous.members,
        run=run,
    )


def _lineage(instance: Instance, panel: Panel) -> Hashable:
    s = panel.session
    scope = instance.policy.rotation_scope
    return s.occupation if scope == "occupation" else (s.venue, s.occupation)


def _previous(instance: Instance, timeline: list[Panel], panel: Panel) -> Panel | None:
    """The lineage's previous panel, as H6 reads it (the last to start before this one starts)."""
    key = _lineage(instance, panel)
    before = [
        p
        for p in timeline
        if _lineage(instance, p) == key and p.session.end <= panel.session.start and p.members
    ]
    return before[-1] if before else None


def _run(timeline: list[Panel], panel: Panel, examiner: str) -> int:
    """Visits in a row of `examiner` at the panel's venue, ending with this one (H7)."""
    visits = [p for p in timeline if examiner in p.members]
    here = visits.index(panel) if panel in visits else len(visits) - 1
    count = 0
    for p in reversed(visits[: here + 1]):
        if p.session.venue != panel.session.venue:
            break
        count += 1
    return count


def loads(instance: Instance, result: Result) -> tuple[list[Load], float]:
    """Every active examiner's seats and leaderships (busiest first) and the fair share.

    The fair share is the plan's seats divided by the examiners who may serve (active ones).
    """
    seen: set[str] = set()
    seats: Counter[str] = Counter()
    leads: Counter[str] = Counter()
    for a in result.assignments:
        if a.session in seen:
            continue
        seen.add(a.session)
        seats.update(dict.fromkeys(a.members, 1))
        if a.leader:
            leads[a.leader] += 1
    active = [e for e in instance.examiners if e.status == "active" or seats[e.id]]
    fair = sum(seats.values()) / len(active) if active else 0.0
    rows = [Load(e.id, e.name, seats[e.id], leads[e.id]) for e in active]
    rows.sort(key=lambda r: (-r.seats, -r.leads, r.code))
    return rows, fair


def plan_loads(view: LoadedPlan) -> tuple[list[Load], float]:
    """`loads` of a loaded plan, computed once per plan."""
    return view.memo("loads", lambda: loads(view.instance, view.result))


def diagnostics_by_session(result: Result) -> list[tuple[str | None, list[str]]]:
    """The solver's diagnostics grouped by session (plan-wide ones first, as None)."""
    grouped: dict[str | None, list[str]] = {}
    for d in result.diagnostics:
        where = " ".join(x for x in (d.examiner, d.field) if x)
        line = f"{d.rule} {where}: {d.message}" if where else f"{d.rule}: {d.message}"
        grouped.setdefault(d.session, []).append(line)
    return sorted(grouped.items(), key=lambda item: (item[0] is not None, item[0] or ""))


@dataclass(frozen=True)
class Spread:
    """How evenly the plan shares out seats and leaderships, in a planner's terms."""

    unfilled: int
    changes: int
    fewest: int  # seats of the least busy active examiner
    most: int
    fair: float
    fewest_leads: int  # among examiners who may lead and lead at least once, or 0
    most_leads: int
    gap: float | None  # how far (%) the fairness could still improve at most; None: proven


def spread(result: Result, rows: list[Load], fair: float) -> Spread:
    """The plan's objective in words: empty seats, changes, the range of loads, the gap."""
    seats = [r.seats for r in rows] or [0]
    leads = [r.leads for r in rows if r.leads] or [0]
    o, b = result.objective, result.bound
    gap = None
    if result.status != "OPTIMAL":
        pairs = [(o.load_squares, b.load_squares), (o.leader_squares, b.leader_squares)]
        gaps = [(v - w) / v * 100 for v, w in pairs if v > 0 and w < v]
        gap = max(gaps, default=0.0)
    return Spread(o.unfilled, o.changes, min(seats), max(seats), fair, min(leads), max(leads), gap)
