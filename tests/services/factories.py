"""Factories for the main entities: callables with defaults, each flushes what it makes.

A plain module (not conftest) so tests import it by a name unique across tests/.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session
from stdnum.cn import ric

from models import (
    Appointment,
    AssessmentSession,
    Candidate,
    Certificate,
    Examiner,
    Institution,
    Occupation,
    Organization,
    Qualification,
    SessionCandidate,
    Venue,
)
from models.base import DocumentType, Grade, Sex


def resident_id(birth: date, sequence: int = 12, male: bool = True, region: str = "320402") -> str:
    """A well-formed 18-digit resident ID number (the check character computed)."""
    sex_digit = 1 if male else 2
    body = f"{region}{birth:%Y%m%d}{sequence % 100:02d}{sex_digit}"
    return body + ric.calc_check_digit(body + "0")


class Factory:
    """Makes rows with sensible defaults; keyword arguments override any column."""

    def __init__(self, session: Session) -> None:
        self.db = session
        self.counter = itertools.count(1)

    def _add(self, obj: Any) -> Any:
        self.db.add(obj)
        self.db.flush()
        return obj

    def institution(self, **kw: Any) -> Institution:
        n = next(self.counter)
        defaults = {"code": f"{3204000 + n}", "name": f"常州市第{n}评价机构"}
        return self._add(Institution(**(defaults | kw)))

    def organization(self, institution: Institution, name: str | None = None) -> Organization:
        n = next(self.counter)
        return self._add(Organization(institution_id=institution.id, name=name or f"单位{n}"))

    def occupation(self, **kw: Any) -> Occupation:
        n = next(self.counter)
        defaults = {"code": f"6-18-01-{n:02d}", "name": f"职业{n}", "edition": "2022"}
        return self._add(Occupation(**(defaults | kw)))

    def venue(self, institution: Institution, **kw: Any) -> Venue:
        n = next(self.counter)
        if "organization_id" not in kw:
            kw["organization_id"] = self.organization(institution).id
        defaults = {"institution_id": institution.id, "code": f"V{n}", "name": f"考点{n}"}
        return self._add(Venue(**(defaults | kw)))

    def examiner(
        self,
        institution: Institution,
        occupation: Occupation | None = None,
        term: tuple[date, date] = (date(2026, 1, 1), date(2028, 12, 31)),
        **kw: Any,
    ) -> Examiner:
        """An active examiner with an appointment, a certificate and (given) a qualification."""
        n = next(self.counter)
        birth = date(1965 + n % 15, 1 + n % 12, 1 + n % 28)
        defaults: dict[str, Any] = {
            "institution_id": institution.id,
            "code": f"E{n:04d}",
            "name": f"考评员{n}",
            "sex": Sex.MALE,
            "birth_month": birth.replace(day=1),
            "document_type": DocumentType.RESIDENT_ID,
            "document_number": resident_id(birth, n),
            "phone": f"139{n:08d}",
            "grade": Grade.SENIOR,
            "assessing_since": date(2020, 1, 1),
            "leader_eligible": True,
        }
        examiner = self._add(Examiner(**(defaults | kw)))
        self._add(Appointment(examiner_id=examiner.id, start=term[0], end=term[1]))
        grade = examiner.grade
        self._add(
            Certificate(
                examiner_id=examiner.id,
                number=f"24{institution.code}{1 if grade == Grade.SENIOR else 2}{n:04d}",
                grade=grade,
                year=2024,
                serial=n,
                issue_date=date(2024, 1, 1),
                valid_until=date(2029, 12, 31),
            )
        )
        if occupation is not None:
            self._add(
                Qualification(examiner_id=examiner.id, occupation_id=occupation.id, top_level=1)
            )
        return examiner

    def candidate(self, institution: Institution, **kw: Any) -> Candidate:
        n = next(self.counter)
        if "organization_id" not in kw:
            kw["organization_id"] = self.organization(institution).id
        defaults = {"institution_id": institution.id, "code": f"C{n:05d}", "name": f"考生{n}"}
        return self._add(Candidate(**(defaults | kw)))

    def session(
        self,
        institution: Institution,
        venue: Venue,
        occupation: Occupation,
        start: datetime = datetime(2026, 3, 2, 9, 0),
        hours: int = 4,
        candidates: list[Candidate] | None = None,
        **kw: Any,
    ) -> AssessmentSession:
        n = next(self.counter)
        defaults = {
            "institution_id": institution.id,
            "code": f"S{n:04d}",
            "venue_id": venue.id,
            "occupation_id": occupation.id,
            "level": 3,
            "start": start,
            "end": start + timedelta(hours=hours),
        }
        if not candidates:
            defaults["candidate_count"] = 10
        session = self._add(AssessmentSession(**(defaults | kw)))
        for candidate in candidates or []:
            self._add(SessionCandidate(session_id=session.id, candidate_id=candidate.id))
        return session
