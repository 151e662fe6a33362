"""The independent checker: every hard rule H1-H8 (SPEC 4.3) read from the text, not the model.

`check` lists each violation in a result's assignments as a `Diagnostic`;
`objective` recomputes the lexicographic vector (SPEC 4.4); `verify` adds the
result's own claims (objective, unfilled seats). This module deliberately
imports neither `solver.facts` nor any model code: it is the executable
specification the CP-SAT model is tested against, so it must stay a second,
separate reading of the rules.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from .messages import GRADE_NAMES, KIND_NAMES, STATUS_NAMES, name, say
from .schema import (
    Assignment,
    Diagnostic,
    Examiner,
    Instance,
    Objective,
    Result,
    Session,
    SessionBase,
)

PLAN_STATUSES = ("OPTIMAL", "FEASIBLE")


@dataclass(frozen=True)
class Panel:
    """One staffed session, planned or from history; members are known and distinct."""

    session: SessionBase
    leader: str | None
    members: tuple[str, ...]
    planned: bool


@dataclass(frozen=True)
class Plan:
    """A result read against its instance: the first assignment of each planned session."""

    instance: Instance
    lang: str
    examiners: dict[str, Examiner]
    sessions: dict[str, Session]  # planned sessions by id
    panels: dict[str, Panel] = field(default_factory=dict)  # planned, by (start, id)
    timeline: list[Panel] = field(default_factory=list)  # history + planned, by (start, id)

    def who(self, eid: str) -> str:
        """Name an examiner for a planner: name and id."""
        e = self.examiners.get(eid)
        if e is None or not e.name:
            return eid
        return f"{e.name}（{eid}）" if self.lang == "zh" else f"{e.name} ({eid})"

    def place(self, venue: str) -> str:
        """Name a venue for a planner."""
        return next((v.name for v in self.instance.venues if v.id == venue and v.name), venue)

    def trade(self, code: str) -> str:
        """Name an occupation for a planner."""
        return next((o.name for o in self.instance.occupations if o.code == code and o.name), code)

    @cached_property
    def org_of(self) -> dict[str, str | None]:
        """Candidate id -> organisation."""
        return {c.id: c.organization for c in self.instance.candidates}

    def size(self, sid: str) -> int:
        """Required members of planned session `sid` (H1)."""
        return required_size(self.instance, self.sessions[sid])

    def diag(
        self, rule: str, key: str, sid: str | None, eid: str | None = None, **params: Any
    ) -> Diagnostic:
        """One finding in the plan's language; its sentence may use {session} and {who}."""
        text = say(self.lang, key, session=sid, who=self.who(eid) if eid else None, **params)
        return Diagnostic(rule=rule, session=sid, examiner=eid, message=text)


def days(s: SessionBase) -> tuple[date, date]:
    """First and last calendar dates that [start, end) touches (an end at 00:00 touches nothing)."""
    return s.start.date(), max(s.start, s.end - timedelta(microseconds=1)).date()


def required_size(instance: Instance, s: Session) -> int:
    """H1 / 第3条: the session's stated size, else the policy's formula, odd when required."""
    if s.panel_size is not None:
        return s.panel_size
    policy = instance.policy
    ratios = {o.code: o.candidates_per_examiner for o in instance.occupations}
    count = len(s.candidates) if s.candidates is not None else (s.candidate_count or 0)
    size = max(policy.min_panel_size, 3, -(-count // ratios.get(s.occupation, 5)), s.modules or 0)
    return size + 1 if policy.odd_panel_size and size % 2 == 0 else size


def read_plan(
    instance: Instance, assignments: list[Assignment], lang: str = "zh"
) -> tuple[Plan, list[Diagnostic]]:
    """Index the assignments; report structural problems (rule "RESULT")."""
    examiners = {e.id: e for e in instance.examiners}
    plan = Plan(instance, lang, examiners, {s.id: s for s in instance.sessions})
    past = {h.session.id for h in instance.history}
    found: list[Diagnostic] = []
    firsts: dict[str, Assignment] = {}
    for a in assignments:
        found.extend(_structure(plan, a, past, a.session in firsts))
        if a.session in plan.sessions:
            firsts.setdefault(a.session, a)
    for s in sorted(plan.sessions.values(), key=lambda s: s.order_key):  # panels in time order
        a = firsts.get(s.id, Assignment(session=s.id))
        members = tuple(dict.fromkeys(m for m in a.members if m in examiners))
        plan.panels[s.id] = Panel(s, a.leader, members, True)
    history = [
        Panel(h.session, h.leader, tuple(dict.fromkeys(h.members)), False) for h in instance.history
    ]
    plan.timeline.extend(
        sorted([*history, *plan.panels.values()], key=lambda p: p.session.order_key)
    )
    return plan, found


def _structure(plan: Plan, a: Assignment, past: set[str], repeated: bool) -> Iterator[Diagnostic]:
    """Unknown, historical or repeated sessions; unknown or repeated examiners."""
    sid = a.session
    if sid in past:
        yield plan.diag("RESULT", "chk_history_session", sid)
    elif sid not in plan.sessions:
        yield plan.diag("RESULT", "chk_unknown_session", sid)
    elif repeated:
        yield plan.diag("RESULT", "chk_assigned_twice", sid)
    named = [*a.members, *([a.leader] if a.leader and a.leader not in a.members else [])]
    for eid in dict.fromkeys(named):
        if eid not in plan.examiners:
            yield plan.diag("RESULT", "chk_unknown_examiner", sid, eid)
    for eid, n in Counter(a.members).items():
        if n > 1:
            yield plan.diag("RESULT", "chk_duplicate_member", sid, eid, count=n)


def check_h1_size(plan: Plan) -> Iterator[Diagnostic]:
    """H1 (第3条): exactly the required number of members; fewer only with allow_unfilled."""
    for p in plan.panels.values():
        size, count = plan.size(p.session.id), len(p.members)
        if count > size or (count < size and not plan.instance.policy.allow_unfilled):
            key = "chk_size_over" if count > size else "chk_size_short"
            yield plan.diag("H1", key, p.session.id, size=size, count=count)


def _leader_reasons(plan: Plan, e: Examiner, s: SessionBase) -> Iterator[str]:
    """Every H2 reason why member `e` may not lead `s`."""
    need = plan.instance.policy.leader_min_experience_days
    if not e.leader_eligible:
        yield say(plan.lang, "not_leader_eligible")
    if e.assessing_since is None:
        yield say(plan.lang, "no_experience_date")
    elif (s.start.date() - e.assessing_since).days < need:
        yield say(plan.lang, "too_little_experience", days=need, since=e.assessing_since)


def check_h2_leader(plan: Plan) -> Iterator[Diagnostic]:
    """H2 (第3条 a leader is named; 第4条 one year's experience): one eligible leader, a member."""
    for p in plan.panels.values():
        sid, eid = p.session.id, p.leader
        if eid is None and p.members:
            yield plan.diag("H2", "chk_no_leader", sid)
        elif eid is not None and eid not in p.members:
            yield plan.diag("H2", "chk_leader_not_member", sid, eid)
        elif eid is not None:
            for reason in _leader_reasons(plan, plan.examiners[eid], p.session):
                yield plan.diag("H2", "chk_cannot_lead", sid, eid, reason=reason)


def _eligibility(plan: Plan, e: Examiner, s: Session) -> Iterator[str]:
    """Every H3 reason why `e` may not sit on `s` on any of its days."""
    lang, (first, last) = plan.lang, days(s)
    if e.status != "active":
        yield say(lang, "not_active", status=name(STATUS_NAMES, e.status, lang))
    if not any(a.start <= first and last <= a.end for a in e.appointments):
        yield say(lang, "no_appointment", first=first, last=last)
    if e.certified_until is not None and e.certified_until < last:
        yield say(lang, "certificate_expired", until=e.certified_until)
    for u in e.unavailable:
        if u.start <= last and first <= u.end:
            yield say(lang, "unavailable", start=u.start, end=u.end)
    trade = plan.trade(s.occupation)
    tops = [q.top_level for q in e.qualifications if q.occupation == s.occupation]
    if not tops:
        yield say(lang, "not_qualified", occupation=trade)
    elif min(tops) > s.level:
        yield say(lang, "level_too_high", occupation=trade, top=min(tops), level=s.level)
    top = plan.instance.policy.top_level(e.grade)
    if top > s.level:
        grade = name(GRADE_NAMES, e.grade, lang)
        yield say(lang, "grade_too_low", grade=grade, top=top, level=s.level)


def _recusals(plan: Plan, e: Examiner, s: Session) -> Iterator[str]:
    """Every H4 reason why `e` must recuse from `s`."""
    lang, instance = plan.lang, plan.instance
    listed = s.candidates or ()
    org_of = plan.org_of
    orgs = {org_of.get(c) for c in listed} - {None}
    orgs |= {v.organization for v in instance.venues if v.id == s.venue and v.organization}
    for c in (c for c in instance.conflicts if c.examiner == e.id):
        kind = name(KIND_NAMES, c.kind, lang)
        if c.candidate is not None and c.candidate in listed:
            yield say(lang, "conflict_candidate", candidate=c.candidate, kind=kind)
        if c.organization is not None and c.organization in orgs:
            yield say(lang, "conflict_organization", organization=c.organization, kind=kind)
    same = [c for c in listed if e.organization and org_of.get(c) == e.organization]
    if same and instance.policy.recuse_candidate_organization:
        yield say(lang, "same_organization", candidate=same[0], organization=e.organization)


def _each_member(plan: Plan, rule: str, key: str, reasons: Callable) -> Iterator[Diagnostic]:
    """One finding per (planned session, member, reason)."""
    for p in plan.panels.values():
        s = plan.sessions[p.session.id]
        for eid in p.members:
            for reason in reasons(plan, plan.examiners[eid], s):
                yield plan.diag(rule, key, s.id, eid, reason=reason)


def check_h3_eligibility(plan: Plan) -> Iterator[Diagnostic]:
    """H3 (第2条 appointment, certificate; qualification and grade): each member may serve."""
    return _each_member(plan, "H3", "chk_ineligible", _eligibility)


def check_h4_recusal(plan: Plan) -> Iterator[Diagnostic]:
    """H4 (第5条 回避): no member conflicted with a candidate, their organisation or the venue's."""
    return _each_member(plan, "H4", "chk_must_recuse", _recusals)


def _served(plan: Plan) -> dict[str, list[Panel]]:
    """Examiner -> the panels they sit on (history included), ordered by (start, id)."""
    out: dict[str, list[Panel]] = defaultdict(list)
    for p in plan.timeline:
        for eid in p.members:
            out[eid].append(p)
    return out


def check_h5_double_booking(plan: Plan) -> Iterator[Diagnostic]:
    """H5 (第4条, SPEC 4.3): no overlapping [start, end), history included; max_sessions."""
    for eid, panels in _served(plan).items():
        for a, b in itertools.combinations(panels, 2):
            overlap = a.session.start < b.session.end and b.session.start < a.session.end
            if overlap and (a.planned or b.planned):
                here, other = (b, a) if b.planned else (a, b)
                yield plan.diag("H5", "chk_overlap", here.session.id, eid, other=other.session.id)
        cap = plan.examiners[eid].max_sessions if eid in plan.examiners else None
        count = sum(p.planned for p in panels)
        if cap is not None and count > cap:
            yield plan.diag("H5", "chk_max_sessions", None, eid, count=count, limit=cap)


def check_h6_turnover(plan: Plan) -> Iterator[Diagnostic]:
    """H6 (第4条 每次至少轮换三分之一): enough members new versus the lineage's previous panel."""
    policy = plan.instance.policy
    num, den = policy.turnover
    lineages: dict[Hashable, list[Panel]] = defaultdict(list)
    for p in plan.timeline:
        s = p.session
        key = s.occupation if policy.rotation_scope == "occupation" else (s.venue, s.occupation)
        lineages[key].append(p)
    for line in lineages.values():
        for n in (n for n in line if n.planned and n.members):
            before = [p for p in line if p.session.end <= n.session.start]
            if not before:
                continue
            prev = before[-1]  # the last in (start, id) order, not the last to end
            new = len(set(n.members) - set(prev.members))
            need = -(-len(n.members) * num // den) if den else len(n.members)
            if new < need:
                sid = n.session.id
                yield plan.diag(
                    "H6", "chk_turnover", sid, previous=prev.session.id, new=new, need=need
                )


def _runs(panels: list[Panel], key: Callable[[Panel], Hashable]) -> Iterator[list[Panel]]:
    """Maximal stretches of consecutive panels sharing a key (falsy keys break stretches)."""
    for value, group in itertools.groupby(panels, key):
        if value:
            yield list(group)


def _overlong(plan: Plan, key: str, eid: str, runs: Iterator[list[Panel]]) -> Iterator[Diagnostic]:
    """Blame each run longer than the limit on its first planned session past the limit."""
    limit = plan.instance.policy.max_consecutive_same_venue
    for run in runs:
        over = [p for p in run[limit:] if p.planned] or [p for p in run if p.planned][-1:]
        if len(run) > limit and over:  # a run of history alone is not this plan's doing
            s = over[0].session
            venue, count = plan.place(s.venue), len(run)
            yield plan.diag("H7", key, s.id, eid, venue=venue, count=count, limit=limit)


def _examiner_runs(plan: Plan) -> Iterator[Diagnostic]:
    """H7 examiner_sequence: an examiner's own visits, too many in a row at one venue."""
    for eid, panels in _served(plan).items():
        runs = _runs(panels, lambda q: q.session.venue)
        yield from _overlong(plan, "chk_examiner_run", eid, runs)


def _venue_runs(plan: Plan) -> Iterator[Diagnostic]:
    """H7 venue_sequence: one examiner in too many consecutive sessions of a venue."""
    venues: dict[str, list[Panel]] = defaultdict(list)
    for p in plan.timeline:
        venues[p.session.venue].append(p)
    for panels in venues.values():
        for eid in dict.fromkeys(e for p in panels for e in p.members):
            runs = _runs(panels, lambda q, eid=eid: eid in q.members)  # type: ignore[misc]
            yield from _overlong(plan, "chk_venue_run", eid, runs)


def check_h7_consecutive(plan: Plan) -> Iterator[Diagnostic]:
    """H7 (第4条 同一考点连续不超过3次): per examiner and/or per venue sequence, as configured."""
    policy = plan.instance.policy
    if policy.consecutive_rule in ("examiner_sequence", "both"):
        yield from _examiner_runs(plan)
    if policy.consecutive_rule in ("venue_sequence", "both"):
        yield from _venue_runs(plan)


def check_h8_locks(plan: Plan) -> Iterator[Diagnostic]:
    """H8 (SPEC 4.1, the planner's locks): a member lock needs a seat, a leader lock the lead."""
    for lock in plan.instance.locks:
        p, leader = plan.panels.get(lock.session), lock.role == "leader"
        if p is None or not (p.leader == lock.examiner if leader else lock.examiner in p.members):
            key = "chk_lock_leader" if leader else "chk_lock_member"
            yield plan.diag("H8", key, lock.session, lock.examiner)


Rule = Callable[[Plan], Iterator[Diagnostic]]
RULES: tuple[Rule, ...] = (
    check_h1_size,
    check_h2_leader,
    check_h3_eligibility,
    check_h4_recusal,
    check_h5_double_booking,
    check_h6_turnover,
    check_h7_consecutive,
    check_h8_locks,
)


def check(
    instance: Instance, result: Result, lang: str = "zh", rules: tuple[Rule, ...] = RULES
) -> list[Diagnostic]:
    """List every structural problem and hard-rule violation (of `rules`: all by default) in
    the result's assignments."""
    plan, found = read_plan(instance, result.assignments, lang)
    for rule in rules:
        found.extend(rule(plan))
    return found


def objective(instance: Instance, assignments: list[Assignment]) -> Objective:
    """Recompute the lexicographic objective (SPEC 4.4) of a set of assignments."""
    plan, _ = read_plan(instance, assignments)
    panels = plan.panels
    unfilled = sum(max(0, plan.size(sid) - len(p.members)) for sid, p in panels.items())
    changes = sum(
        m not in (panels[b.session].members if b.session in panels else ())
        for b in instance.baseline
        for m in dict.fromkeys(b.members)
    )
    load = Counter(m for p in panels.values() for m in p.members)
    led = Counter(p.leader for p in panels.values() if p.leader in plan.examiners)
    squares = sum(n * n for n in load.values()), sum(n * n for n in led.values())
    return Objective(
        unfilled=unfilled, changes=changes, load_squares=squares[0], leader_squares=squares[1]
    )


def _claims(plan: Plan, result: Result) -> Iterator[Diagnostic]:
    """The result's stated objective and unfilled seats must match its assignments."""
    actual = objective(plan.instance, result.assignments).as_tuple()
    claimed = result.objective.as_tuple()
    if actual != claimed:
        yield plan.diag("OBJECTIVE", "chk_objective", None, claimed=claimed, actual=actual)
    seats = {sid: max(0, plan.size(sid) - len(p.members)) for sid, p in plan.panels.items()}
    listed: Counter[str] = Counter()
    for u in result.unfilled:
        listed[u.session] += u.seats
    for sid in sorted(set(seats) | set(listed)):
        if seats.get(sid, 0) != listed[sid]:
            yield plan.diag(
                "OBJECTIVE", "chk_unfilled", sid, actual=seats.get(sid, 0), claimed=listed[sid]
            )


def verify(instance: Instance, result: Result, lang: str = "zh") -> list[Diagnostic]:
    """`check`, plus (for a plan) the result's own objective and unfilled-seat claims."""
    found = check(instance, result, lang)
    if result.status in PLAN_STATUSES:
        found.extend(_claims(read_plan(instance, result.assignments, lang)[0], result))
    return found
