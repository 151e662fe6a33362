"""Build a `panel-instance/1` (SPEC 4.1) from the examiner database for a date range.

A dozen plain SELECTs (no per-row lazy loads) read what the solver needs; `docs/planning.md`
lists where each field comes from. Database codes become instance ids (examiner, session,
candidate and venue codes; occupation codes).

History reaches back `LOOK_BACK_DAYS` before the range. H6 needs each lineage's previous
panel and H7 each examiner's (or venue's) last three visits; an institution assesses each of
its occupations at each of its venues within a year (the annual 认定 cycle), so a year of held
sessions holds them. A lineage or a run of visits last seen more than a year ago is treated
as ended: turnover then asks nothing of the first panel, and the run starts afresh.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from models import (
    Appointment,
    AssessmentSession,
    Candidate,
    Certificate,
    Conflict,
    Examiner,
    Institution,
    Occupation,
    Organization,
    PanelSeat,
    Plan,
    Qualification,
    SessionCandidate,
    Unavailability,
    Venue,
)
from models.base import SeatRole, SessionStatus

LOOK_BACK_DAYS = 365
ONE_DAY = timedelta(days=1)


def build_instance(
    session: Session,
    institution: Institution,
    date_from: date,
    date_to: date,
    locks: Iterable[dict[str, str]] = (),
    look_back_days: int = LOOK_BACK_DAYS,
) -> dict[str, Any]:
    """A raw instance for the planned sessions starting from `date_from` to `date_to`."""
    return _Builder(session, institution, date_from, date_to, look_back_days).build(list(locks))


def certificate_cover(
    periods: Iterable[tuple[date, date]], date_from: date, date_to: date
) -> tuple[date, list[tuple[date, date]]]:
    """`certified_until` and the uncovered gaps before it, from (issue, valid until) pairs.

    Certificates issued back to back (a renewal issued before the old one lapses) join up.
    The last one issued by `date_to` sets `certified_until`; days in the range before it that
    no certificate covers become unavailable periods. No certificate: not certified at all.
    """
    merged: list[list[date]] = []
    for issued, valid in sorted(p for p in periods if p[0] <= date_to):
        if merged and issued <= merged[-1][1] + ONE_DAY:
            merged[-1][1] = max(merged[-1][1], valid)
        else:
            merged.append([issued, valid])
    if not merged:
        return date_from - ONE_DAY, []
    until = merged[-1][1]
    gaps, day = [], date_from
    for issued, valid in merged:
        if issued > day and day <= until:
            gaps.append((day, min(issued - ONE_DAY, until)))
        day = max(day, valid + ONE_DAY)
    return until, [g for g in gaps if g[0] <= g[1]]


def _minute(value: datetime) -> str:
    return value.isoformat(timespec="minutes")


class _Builder:
    """One build: the range, and the rows read so far keyed by database id."""

    def __init__(
        self, db: Session, institution: Institution, date_from: date, date_to: date, back: int
    ) -> None:
        self.db, self.inst = db, institution
        self.date_from, self.date_to = date_from, date_to
        first = datetime.combine(date_from, time.min)
        after = datetime.combine(date_to + ONE_DAY, time.min)
        s = AssessmentSession
        mine = s.institution_id == institution.id
        self.planned = and_(
            mine, s.status == SessionStatus.PLANNED, s.start >= first, s.start < after
        )
        # Held sessions, and published panels of planned sessions before the range (as good
        # as served for rotation), within the look-back window.
        self.past = and_(
            mine,
            s.start >= first - timedelta(days=back),
            s.start < after,
            or_(
                s.status == SessionStatus.HELD,
                and_(s.status == SessionStatus.PLANNED, s.start < first),
            ),
        )
        self.orgs: dict[int, str] = dict(
            db.execute(
                select(Organization.id, Organization.name).where(
                    Organization.institution_id == institution.id
                )
            ).all()
        )
        self.codes: dict[int, str] = {}  # examiner id -> code
        self.occupations: dict[int, Any] = {}  # id -> row, every occupation referenced

    def build(self, locks: list[dict[str, str]]) -> dict[str, Any]:
        sessions = self._sessions(self.planned)
        seats = self._seats(or_(self.planned, self.past))
        held = [h for h in self._sessions(self.past) if seats.get(h.id)]
        staged = [*sessions, *held]
        last = max([self.date_to, *(_last_day(r) for r in sessions)])
        examiners = self._examiners(last, {r.occupation_id for r in staged})
        lists = self._lists()
        candidates = self._candidates(lists)
        venues = self._venues({r.venue_id for r in staged})
        return {
            "format": "panel-instance/1",
            "institution": {"code": self.inst.code, "name": self.inst.name},
            "policy": dict(self.inst.policy or {}),
            "occupations": [
                {"code": o.key, "name": o.name, "candidates_per_examiner": o.ratio}
                for o in sorted(self.occupations.values(), key=lambda o: o.key)
            ],
            "venues": venues,
            "examiners": examiners,
            "candidates": candidates,
            "sessions": [self._session(r, lists.get(r.id)) for r in sessions],
            "conflicts": self._conflicts(candidates, venues),
            "history": [{"session": self._base(r), **self._panel(seats[r.id])} for r in held],
            "baseline": [
                {"session": r.code, **self._panel(seats[r.id])} for r in sessions if seats.get(r.id)
            ],
            "locks": self._locks(sessions, seats, locks),
        }

    def _sessions(self, where: Any) -> list[Any]:
        s = AssessmentSession
        query = select(
            s.id, s.code, s.venue_id, s.occupation_id, s.level, s.start, s.end,
            s.modules, s.panel_size, s.candidate_count,
        )  # fmt: skip
        return list(self.db.execute(query.where(where).order_by(s.start, s.code)).all())

    def _seats(self, where: Any) -> dict[int, list[Any]]:
        """Panels in force: session id -> seats (examiner id, role, plan id) in seat order."""
        query = (
            select(PanelSeat.session_id, PanelSeat.examiner_id, PanelSeat.role, PanelSeat.plan_id)
            .join(AssessmentSession, PanelSeat.session_id == AssessmentSession.id)
            .where(where)
            .order_by(PanelSeat.id)
        )
        seats: dict[int, list[Any]] = defaultdict(list)
        for row in self.db.execute(query):
            seats[row.session_id].append(row)
        return seats

    def _panel(self, seats: list[Any]) -> dict[str, Any]:
        leader = next((self.codes[r.examiner_id] for r in seats if r.role == SeatRole.LEADER), None)
        members = [self.codes[r.examiner_id] for r in seats]
        if leader is not None:  # leader first, as the solver writes panels
            members = [leader, *(m for m in members if m != leader)]
        return {"leader": leader, "members": members}

    def _lists(self) -> dict[int, list[Any]]:
        """Candidate lists of the planned sessions: session id -> (code, organisation id)."""
        query = (
            select(SessionCandidate.session_id, Candidate.code, Candidate.organization_id)
            .join(Candidate, SessionCandidate.candidate_id == Candidate.id)
            .join(AssessmentSession, SessionCandidate.session_id == AssessmentSession.id)
            .where(self.planned)
            .order_by(SessionCandidate.session_id, Candidate.code)
        )
        lists: dict[int, list[Any]] = defaultdict(list)
        for row in self.db.execute(query):
            lists[row.session_id].append(row)
        return lists

    def _candidates(self, lists: dict[int, list[Any]]) -> list[dict[str, Any]]:
        seen: dict[str, int | None] = {}
        for rows in lists.values():
            for row in rows:
                seen.setdefault(row.code, row.organization_id)
        return [
            {"id": code, "organization": self.orgs.get(org)} for code, org in sorted(seen.items())
        ]

    def _base(self, r: Any) -> dict[str, Any]:
        return {
            "id": r.code,
            "venue": self.venue_codes[r.venue_id],
            "occupation": self.occupations[r.occupation_id].key,
            "level": r.level,
            "start": _minute(r.start),
            "end": _minute(r.end),
        }

    def _session(self, r: Any, listed: list[Any] | None) -> dict[str, Any]:
        out = self._base(r)
        if listed is not None:
            out["candidates"] = [c.code for c in listed]
        elif r.candidate_count is not None:
            out["candidate_count"] = r.candidate_count
        else:
            out["candidates"] = []
        for key in ("modules", "panel_size"):
            if getattr(r, key) is not None:
                out[key] = getattr(r, key)
        return out

    def _venues(self, ids: set[int]) -> list[dict[str, Any]]:
        rows = self.db.execute(
            select(Venue.id, Venue.code, Venue.name, Venue.organization_id)
            .where(Venue.id.in_(ids))
            .order_by(Venue.code)
        ).all()
        self.venue_codes = {r.id: r.code for r in rows}
        return [
            {"id": r.code, "name": r.name, "organization": self.orgs.get(r.organization_id)}
            for r in rows
        ]

    def _load_occupations(self, ids: set[int]) -> None:
        """Occupations by id, keyed by code (with the edition when two editions share it)."""
        rows = self.db.execute(
            select(
                Occupation.id,
                Occupation.code,
                Occupation.edition,
                Occupation.name,
                Occupation.candidates_per_examiner.label("ratio"),
            ).where(Occupation.id.in_(ids))
        ).all()
        codes = Counter(r.code for r in rows)
        for r in rows:
            key = r.code if codes[r.code] == 1 else f"{r.code}@{r.edition}"
            self.occupations[r.id] = _Occupation(key, r.name, r.ratio)

    def _examiners(self, last: date, occupation_ids: set[int]) -> list[dict[str, Any]]:
        """Every examiner of the institution, whatever their status (SPEC 4.1)."""
        e = Examiner
        mine = e.institution_id == self.inst.id
        rows = self.db.execute(
            select(
                e.id, e.code, e.name, e.grade, e.status, e.organization_id,
                e.assessing_since, e.leader_eligible, e.max_sessions,
            ).where(mine).order_by(e.code)
        ).all()  # fmt: skip
        self.codes = {r.id: r.code for r in rows}
        quals = self._per_examiner(
            select(Qualification.examiner_id, Qualification.occupation_id, Qualification.top_level)
        )
        self._load_occupations(
            occupation_ids | {q.occupation_id for qs in quals.values() for q in qs}
        )
        terms = self._per_examiner(
            select(Appointment.examiner_id, Appointment.start, Appointment.end)
            .where(Appointment.start <= last, Appointment.end >= self.date_from)
            .order_by(Appointment.start)
        )
        away = self._per_examiner(
            select(Unavailability.examiner_id, Unavailability.start, Unavailability.end)
            .where(Unavailability.start <= last, Unavailability.end >= self.date_from)
            .order_by(Unavailability.start)
        )
        certs = self._per_examiner(
            select(Certificate.examiner_id, Certificate.issue_date, Certificate.valid_until)
        )
        return [
            self._examiner(r, quals[r.id], terms[r.id], away[r.id], certs[r.id], last) for r in rows
        ]

    def _per_examiner(self, query: Any) -> dict[int, list[Any]]:
        """Rows of the institution's examiners, grouped by examiner id."""
        table = query.selected_columns[0].table
        query = query.join(Examiner, table.c.examiner_id == Examiner.id).where(
            Examiner.institution_id == self.inst.id
        )
        grouped: dict[int, list[Any]] = defaultdict(list)
        for row in self.db.execute(query):
            grouped[row.examiner_id].append(row)
        return grouped

    def _examiner(
        self, r: Any, quals: list, terms: list, away: list, certs: list, last: date
    ) -> dict[str, Any]:
        until, gaps = certificate_cover(
            [(c.issue_date, c.valid_until) for c in certs], self.date_from, last
        )
        periods = [(u.start, u.end) for u in away] + gaps
        return {
            "id": r.code,
            "name": r.name,
            "grade": r.grade.value,
            "status": r.status.value,
            "organization": self.orgs.get(r.organization_id),
            "assessing_since": _iso(r.assessing_since),
            "leader_eligible": r.leader_eligible,
            "qualifications": sorted(
                (
                    {"occupation": self.occupations[q.occupation_id].key, "top_level": q.top_level}
                    for q in quals
                ),
                key=lambda q: q["occupation"],
            ),
            "appointments": [{"start": _iso(t.start), "end": _iso(t.end)} for t in terms],
            "certified_until": until.isoformat(),
            "unavailable": [{"start": _iso(a), "end": _iso(b)} for a, b in sorted(periods)],
            "max_sessions": r.max_sessions,
        }

    def _conflicts(
        self, candidates: list[dict[str, Any]], venues: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Conflicts that can bite: with a listed candidate, or a candidate's or venue's organisation."""
        listed = {c["id"] for c in candidates}
        orgs = {c["organization"] for c in candidates} | {v["organization"] for v in venues}
        query = (
            select(
                Conflict.examiner_id, Candidate.code, Conflict.organization_id, Conflict.kind,
                Conflict.since,
            )
            .outerjoin(Candidate, Conflict.candidate_id == Candidate.id)
            .order_by(Conflict.id)
        )  # fmt: skip
        out = []
        for rows in self._per_examiner(query).values():
            for c in rows:
                org = self.orgs.get(c.organization_id)
                if c.code in listed or (c.organization_id is not None and org in orgs):
                    target = {"candidate": c.code} if c.code else {"organization": org}
                    since = {"since": c.since.isoformat()} if c.since else {}
                    out.append(
                        {
                            "examiner": self.codes[c.examiner_id],
                            **target,
                            "kind": c.kind.value,
                            **since,
                        }
                    )
        return sorted(
            out,
            key=lambda c: (c["examiner"], c.get("candidate") or "", c.get("organization") or ""),
        )

    def _locks(
        self, sessions: list[Any], seats: dict[int, list[Any]], explicit: list[dict[str, str]]
    ) -> list[dict[str, str]]:
        """Locks of the plans whose panels are in force for these sessions, then `explicit`."""
        codes = {r.code for r in sessions}
        plan_ids = {row.plan_id for r in sessions for row in seats.get(r.id, ()) if row.plan_id}
        stored = (
            self.db.scalars(select(Plan.instance).where(Plan.id.in_(plan_ids))) if plan_ids else []
        )
        found = [lock for instance in stored for lock in instance.get("locks", ())]
        unique = {
            (lock["session"], lock["examiner"], lock["role"]): None
            for lock in [*found, *explicit]
            if lock["session"] in codes
        }
        return [{"session": s, "examiner": e, "role": role} for s, e, role in unique]


class _Occupation(NamedTuple):
    key: str
    name: str
    ratio: int


def _last_day(r: Any) -> date:
    """Last calendar date [start, end) touches (an end at midnight touches nothing)."""
    return max(r.start, r.end - timedelta(microseconds=1)).date()


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()
