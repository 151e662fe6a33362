"""Facts derived from an instance once: panel sizes, eligibility, lineages, overlaps.

The CP-SAT model, the diagnostics and the loader's lock check read these; the
checker (`solver.check`) deliberately does not, so that it stays an
independent reading of the rules.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from .messages import GRADE_NAMES, KIND_NAMES, STATUS_NAMES, name, say
from .schema import Conflict, Examiner, Instance, Session, SessionBase


@dataclass(frozen=True)
class Reason:
    """Why an examiner cannot take a seat: the rule, a message key and its values.

    The sentence is rendered only when shown (`text`), so that the bulk
    eligibility pass over every examiner and session stays cheap.
    """

    rule: str
    key: str
    params: tuple[tuple[str, object], ...] = ()

    def text(self, lang: str = "zh") -> str:
        """The planner's sentence in `lang`."""
        values = dict(self.params)
        for param, table in _TRANSLATED.items():
            if param in values:
                values[param] = name(table, str(values[param]), lang)
        return say(lang, self.key, **values)


_TRANSLATED = {"status": STATUS_NAMES, "kind": KIND_NAMES, "grade": GRADE_NAMES}


def _reason(rule: str, key: str, **params: object) -> Reason:
    return Reason(rule, key, tuple(params.items()))


def panel_size(session: Session, candidates_per_examiner: int, instance: Instance) -> int:
    """H1 / R3: the number of members a session needs."""
    if session.panel_size is not None:
        return session.panel_size
    policy = instance.policy
    count = len(session.candidates) if session.candidates is not None else session.candidate_count
    size = max(
        policy.min_panel_size,
        math.ceil((count or 0) / candidates_per_examiner),
        session.modules or 0,
        3,
    )
    if policy.odd_panel_size and size % 2 == 0:
        size += 1
    return size


class Facts:
    """Indexes and derived facts of one instance, computed lazily and kept."""

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.policy = instance.policy
        self.examiners = {e.id: e for e in instance.examiners}
        self.sessions = {s.id: s for s in instance.sessions}
        self.occupations = {o.code: o for o in instance.occupations}
        self.venues = {v.id: v for v in instance.venues}
        self.candidate_org = {c.id: c.organization for c in instance.candidates}

    # ----- sizes -------------------------------------------------------------

    @cached_property
    def sizes(self) -> dict[str, int]:
        """Required members per planned session (H1)."""
        return {
            s.id: panel_size(s, self._ratio(s.occupation), self.instance)
            for s in self.instance.sessions
        }

    def _ratio(self, occupation: str) -> int:
        occ = self.occupations.get(occupation)
        return occ.candidates_per_examiner if occ else 5

    def occupation_name(self, code: str) -> str:
        occ = self.occupations.get(code)
        return occ.name if occ and occ.name else code

    # ----- eligibility (H3, H4) and leadership (H2) --------------------------

    @cached_property
    def _conflicts(self) -> dict[str, list[Conflict]]:
        by_examiner: dict[str, list[Conflict]] = defaultdict(list)
        for c in self.instance.conflicts:
            by_examiner[c.examiner].append(c)
        return by_examiner

    def member_reasons(self, examiner: Examiner, session: Session) -> list[Reason]:
        """Every reason (H3, H4) why `examiner` may not sit on `session`'s panel."""
        return self.h3_reasons(examiner, session) + self._h4_reasons(examiner, session)

    def h3_reasons(self, e: Examiner, s: SessionBase) -> list[Reason]:
        """H3: status, appointment, certificate, availability, qualification, grade."""
        first, last = s.first_day, s.last_day
        out: list[Reason] = []
        if e.status != "active":
            out.append(_reason("H3", "not_active", status=e.status))
        if not any(a.covers(first, last) for a in e.appointments):
            out.append(_reason("H3", "no_appointment", first=first, last=last))
        if e.certified_until is not None and e.certified_until < last:
            out.append(_reason("H3", "certificate_expired", until=e.certified_until))
        away = next((u for u in e.unavailable if u.touches(first, last)), None)
        if away is not None:
            out.append(_reason("H3", "unavailable", start=away.start, end=away.end))
        occupation = self.occupation_name(s.occupation)
        tops = [q.top_level for q in e.qualifications if q.occupation == s.occupation]
        if not tops:
            out.append(_reason("H3", "not_qualified", occupation=occupation))
        elif min(tops) > s.level:
            out.append(
                _reason("H3", "level_too_high", occupation=occupation, top=min(tops), level=s.level)
            )
        grade_top = self.policy.top_level(e.grade)
        if grade_top > s.level:
            out.append(_reason("H3", "grade_too_low", grade=e.grade, top=grade_top, level=s.level))
        return out

    @cached_property
    def _session_orgs(self) -> dict[str, dict[str | None, str]]:
        """Planned session id -> {candidate organisation: first such candidate}."""
        out: dict[str, dict[str | None, str]] = {}
        for s in self.instance.sessions:
            orgs: dict[str | None, str] = {}
            for c in s.candidates or ():
                orgs.setdefault(self.candidate_org.get(c), c)
            out[s.id] = orgs
        return out

    def _h4_reasons(self, e: Examiner, s: Session) -> list[Reason]:
        """H4: conflicts with a candidate, a candidate's or the venue's organisation."""
        out: list[Reason] = []
        orgs = self._session_orgs[s.id]
        venue = self.venues.get(s.venue)
        venue_org = venue.organization if venue else None
        for c in self._conflicts.get(e.id, ()):
            if c.candidate is not None and c.candidate in (s.candidates or ()):
                out.append(_reason("H4", "conflict_candidate", candidate=c.candidate, kind=c.kind))
            elif c.organization is not None and (
                c.organization in orgs or c.organization == venue_org
            ):
                out.append(
                    _reason("H4", "conflict_organization", organization=c.organization, kind=c.kind)
                )
        if self.policy.recuse_candidate_organization and e.organization in orgs:
            candidate = orgs[e.organization]
            out.append(
                _reason("H4", "same_organization", candidate=candidate, organization=e.organization)
            )
        return out

    def leader_reasons(self, examiner: Examiner, session: SessionBase) -> list[Reason]:
        """Reasons (H2) why `examiner` may not lead `session`, beyond membership."""
        out: list[Reason] = []
        if not examiner.leader_eligible:
            out.append(_reason("H2", "not_leader_eligible"))
        days = self.policy.leader_min_experience_days
        since = examiner.assessing_since
        if since is None:
            out.append(_reason("H2", "no_experience_date"))
        elif (session.start.date() - since).days < days:
            out.append(_reason("H2", "too_little_experience", days=days, since=since))
        return out

    @cached_property
    def _qualified(self) -> dict[str, list[Examiner]]:
        """Occupation -> active examiners holding a qualification for it (a cheap prefilter)."""
        out: dict[str, list[Examiner]] = defaultdict(list)
        for e in self.instance.examiners:
            if e.status == "active":
                for occupation in {q.occupation for q in e.qualifications}:
                    out[occupation].append(e)
        return out

    @cached_property
    def eligible(self) -> dict[str, list[str]]:
        """Planned session id -> examiners who may sit on its panel (H3, H4)."""
        return {
            s.id: [e.id for e in self._qualified[s.occupation] if not self.member_reasons(e, s)]
            for s in self.instance.sessions
        }

    @cached_property
    def can_lead(self) -> dict[str, list[str]]:
        """Planned session id -> eligible members who may also lead it (H2)."""
        return {
            s.id: [
                eid
                for eid in self.eligible[s.id]
                if not self.leader_reasons(self.examiners[eid], s)
            ]
            for s in self.instance.sessions
        }

    # ----- history, order, lineages (H5-H7) ----------------------------------

    @cached_property
    def history_members(self) -> dict[str, tuple[str, ...]]:
        return {h.session.id: h.members for h in self.instance.history}

    @cached_property
    def all_sessions(self) -> list[SessionBase]:
        """History and planned sessions together, ordered by (start, id)."""
        every: list[SessionBase] = [h.session for h in self.instance.history]
        every.extend(self.instance.sessions)
        return sorted(every, key=lambda s: s.order_key)

    def lineage_key(self, s: SessionBase) -> tuple[str, ...]:
        """H6: sessions sharing this key form one rotation lineage."""
        if self.policy.rotation_scope == "occupation":
            return (s.occupation,)
        return (s.venue, s.occupation)

    @cached_property
    def previous(self) -> dict[str, str]:
        """H6: planned session id -> id of its previous panel, when it has one.

        The previous panel is the last session of the lineage, in (start, id)
        order, that ended no later than this one starts: a session still
        running when the next begins cannot be "the previous time".
        """
        lineages: dict[tuple[str, ...], list[SessionBase]] = defaultdict(list)
        for s in self.all_sessions:
            lineages[self.lineage_key(s)].append(s)
        out: dict[str, str] = {}
        for s in self.instance.sessions:
            before = [p for p in lineages[self.lineage_key(s)] if p.end <= s.start]
            if before:
                out[s.id] = max(before, key=lambda p: p.order_key).id
        return out

    @cached_property
    def history_clashes(self) -> set[tuple[str, str]]:
        """H5: (planned session, examiner) pairs overlapping a history session they served."""
        out: set[tuple[str, str]] = set()
        for h in self.instance.history:
            for s in self.instance.sessions:
                if h.session.start < s.end and s.start < h.session.end:
                    out.update((s.id, e) for e in h.members)
        return out

    @cached_property
    def overlap_groups(self) -> dict[str, int]:
        """Planned sessions grouped so that the sessions of a group all overlap one another (H5).

        In (start, id) order a session joins the current group when it starts
        before every member of the group ends; otherwise it opens a new group.
        An examiner sits in at most one session of a group in any valid plan.
        """
        out: dict[str, int] = {}
        group, ends = -1, None
        for s in sorted(self.instance.sessions, key=lambda x: x.order_key):
            if ends is None or s.start >= ends:
                group, ends = group + 1, s.end
            else:
                ends = min(ends, s.end)
            out[s.id] = group
        return out

    @cached_property
    def one_venue_caps(self) -> dict[str, int]:
        """H7 (examiner_sequence) as a flow holds it: examiner -> most sessions they may serve.

        Someone who may sit at one venue only (every session they are eligible for or locked
        to is there, none of their history inside the term's span) serves there in one run:
        at most K sessions less the history run at that venue they continue."""
        if self.policy.consecutive_rule == "venue_sequence" or not self.instance.sessions:
            return {}
        venues: dict[str, set[str]] = defaultdict(set)
        for s, pool in self.eligible.items():
            for e in pool:
                venues[e].add(self.sessions[s].venue)
        for lock in self.instance.locks:
            venues[lock.examiner].add(self.sessions[lock.session].venue)
        first = min(s.order_key for s in self.instance.sessions)
        served: dict[str, list[SessionBase]] = defaultdict(list)
        for h in sorted(self.instance.history, key=lambda h: h.session.order_key):
            for e in h.members:
                served[e].append(h.session)
        k, caps = self.policy.max_consecutive_same_venue, {}
        for e, places in venues.items():
            if len(places) != 1 or any(p.order_key >= first for p in served[e]):
                continue  # several venues, or history inside the term: left to the model
            carry = 0  # the history run at this venue that the term continues
            for past in served[e]:
                carry = carry + 1 if past.venue in places else 0
            caps[e] = max(0, k - min(carry, k))
        return caps
