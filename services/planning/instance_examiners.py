"""The examiners' part of an instance: qualifications, appointments, certificates, absences.

Read with one SELECT per table for the whole institution (no per-examiner queries).
Certificates become `certified_until` plus, where a renewal came after a lapse, the uncovered
days as unavailable periods (`certificate_cover`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Appointment, Certificate, Examiner, Qualification, Unavailability
from models import Occupation as OccupationRow

ONE_DAY = timedelta(days=1)


class Occupation(NamedTuple):
    """An occupation as the instance names it."""

    key: str
    name: str
    ratio: int


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


class ExaminerReader:
    """Every examiner of one institution for a range, and the occupations they name."""

    def __init__(
        self, db: Session, institution_id: int, orgs: dict[int, str], date_from: date, last: date
    ) -> None:
        self.db, self.institution_id, self.orgs = db, institution_id, orgs
        self.date_from, self.last = date_from, last  # `last`: the last day any session touches
        self.codes: dict[int, str] = {}  # examiner id -> code
        self.occupations: dict[int, Occupation] = {}

    def _load_occupations(self, ids: set[int]) -> None:
        """Occupations by id, keyed by code (with the edition when two editions share it)."""
        rows = self.db.execute(
            select(
                OccupationRow.id,
                OccupationRow.code,
                OccupationRow.edition,
                OccupationRow.name,
                OccupationRow.candidates_per_examiner.label("ratio"),
            ).where(OccupationRow.id.in_(ids))
        ).all()
        codes = Counter(r.code for r in rows)
        for r in rows:
            key = r.code if codes[r.code] == 1 else f"{r.code}@{r.edition}"
            self.occupations[r.id] = Occupation(key, r.name, r.ratio)

    def read(self, occupation_ids: set[int]) -> list[dict[str, Any]]:
        """Every examiner of the institution, whatever their status (SPEC 4.1)."""
        e = Examiner
        mine = e.institution_id == self.institution_id
        rows = self.db.execute(
            select(
                e.id, e.code, e.name, e.grade, e.status, e.organization_id,
                e.assessing_since, e.leader_eligible, e.max_sessions,
            ).where(mine).order_by(e.code)
        ).all()  # fmt: skip
        self.codes = {r.id: r.code for r in rows}
        quals = self.per_examiner(
            select(Qualification.examiner_id, Qualification.occupation_id, Qualification.top_level)
        )
        self._load_occupations(
            occupation_ids | {q.occupation_id for qs in quals.values() for q in qs}
        )
        terms = self.per_examiner(
            select(Appointment.examiner_id, Appointment.start, Appointment.end)
            .where(Appointment.start <= self.last, Appointment.end >= self.date_from)
            .order_by(Appointment.start)
        )
        away = self.per_examiner(
            select(Unavailability.examiner_id, Unavailability.start, Unavailability.end)
            .where(Unavailability.start <= self.last, Unavailability.end >= self.date_from)
            .order_by(Unavailability.start)
        )
        certs = self.per_examiner(
            select(Certificate.examiner_id, Certificate.issue_date, Certificate.valid_until)
        )
        return [self._examiner(r, quals[r.id], terms[r.id], away[r.id], certs[r.id]) for r in rows]

    def per_examiner(self, query: Any) -> dict[int, list[Any]]:
        """Rows of the institution's examiners, grouped by examiner id."""
        table = query.selected_columns[0].table
        query = query.join(Examiner, table.c.examiner_id == Examiner.id).where(
            Examiner.institution_id == self.institution_id
        )
        grouped: dict[int, list[Any]] = defaultdict(list)
        for row in self.db.execute(query):
            grouped[row.examiner_id].append(row)
        return grouped

    def _examiner(
        self, r: Any, quals: list, terms: list, away: list, certs: list
    ) -> dict[str, Any]:
        until, gaps = certificate_cover(
            [(c.issue_date, c.valid_until) for c in certs], self.date_from, self.last
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


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()
