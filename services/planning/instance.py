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

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from models import (
    AssessmentSession,
    Candidate,
    Conflict,
    Institution,
    Organization,
    PanelSeat,
    Plan,
    SessionCandidate,
    Venue,
)
from models.base import SeatRole, SessionStatus
from services.planning.instance_examiners import ExaminerReader

LOOK_BACK_DAYS = 365
ONE_DAY = timedelta(days=1)


def build_instance(
    session: Session,
    institution: Institution,
    date_from: date,
    date_to: date,
    locks: Iterable[dict[str, str]] = (),
    look_back_days: int = LOOK_BACK_DAYS,
    policy: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A raw instance for the planned sessions starting from `date_from` to `date_to`, under
    `policy` (a whole policy object for this solve) or else the institution's."""
    builder = _Builder(session, institution, date_from, date_to, look_back_days)
    return builder.build(list(locks), policy)


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
        self.reader: ExaminerReader  # set by `build`: examiner codes, occupations

    def build(
        self, locks: list[dict[str, str]], policy: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        sessions = self._sessions(self.planned)
        seats = self._seats(or_(self.planned, self.past))
        held = [h for h in self._sessions(self.past) if seats.get(h.id)]
        staged = [*sessions, *held]
        last = max([self.date_to, *(_last_day(r) for r in sessions)])
        self.reader = ExaminerReader(self.db, self.inst.id, self.orgs, self.date_from, last)
        examiners = self.reader.read({r.occupation_id for r in staged})
        self.codes, self.occupations = self.reader.codes, self.reader.occupations
        lists = self._lists()
        candidates = self._candidates(lists)
        venues = self._venues({r.venue_id for r in staged})
        return {
            "format": "panel-instance/1",
            "institution": {"code": self.inst.code, "name": self.inst.name},
            "policy": dict((self.inst.policy or {}) if policy is None else policy),
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
            {"id": code, "organization": None if org is None else self.orgs.get(org)}
            for code, org in sorted(seen.items())
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
        for rows in self.reader.per_examiner(query).values():
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
        stored: Iterable[dict[str, Any]] = (
            self.db.scalars(select(Plan.instance).where(Plan.id.in_(plan_ids))) if plan_ids else []
        )
        found = [lock for instance in stored for lock in instance.get("locks", ())]
        unique = {
            (lock["session"], lock["examiner"], lock["role"]): None
            for lock in [*found, *explicit]
            if lock["session"] in codes
        }
        return [{"session": s, "examiner": e, "role": role} for s, e, role in unique]


def _last_day(r: Any) -> date:
    """Last calendar date [start, end) touches (an end at midnight touches nothing)."""
    return max(r.start, r.end - timedelta(microseconds=1)).date()
