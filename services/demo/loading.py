"""Load a generated `panel-instance/1` (`data.generate`) into the examiner database.

For the demo, tests and benchmarks: every list of the instance becomes rows (institution,
organisations, occupations, venues, examiners with their Attachment 1 details,
qualifications, appointments, certificates, unavailability, candidates, planned sessions
with their candidate lists, conflicts) and the instance's `history` becomes HELD sessions
with their panels in force. Rows go in with bulk INSERTs (a few statements per table, not
one flush per object), so the per-row change history (R1) is not written; one audit event
records the load instead. Instance ids become the rows' codes.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from models import (
    Appointment,
    AssessmentSession,
    Candidate,
    Certificate,
    CertificateSerial,
    Conflict,
    Examiner,
    Institution,
    Occupation,
    Organization,
    PanelSeat,
    Qualification,
    SessionCandidate,
    Unavailability,
    Venue,
    audit,
)
from models.base import ConflictKind, ExaminerStatus, Grade, SeatRole, SessionStatus
from services.demo.people import attachment_fields, candidate_name, certificate_dates
from services.people.certificates import format_number

APPOINTMENT_TERMS = {
    "duties": "按国家职业技能标准和评价规范实施考评，如实记录考评过程和结果",
    "rights": "按规定获得考评津贴补助，参加考评人员培训",
    "obligations": "遵守考评纪律，执行回避制度，保守试题秘密",
    "discipline": "拒不服从安排或违规违纪、徇私舞弊者给予警告；情节严重或两次警告者取消考评资格",
}
ALLOWANCE = {"senior": 300, "examiner": 200}  # yuan per session served


def load_generated(session: Session, raw: dict[str, Any], code: str | None = None) -> Institution:
    """Insert a generated instance as one institution's data; return the institution."""
    return _Loader(session, raw, code).run()


class _Loader:
    """One load: the raw instance and the database ids of what has been inserted so far."""

    def __init__(self, session: Session, raw: dict[str, Any], code: str | None) -> None:
        self.db, self.raw = session, raw
        info = raw.get("institution") or {}
        self.code = code or info.get("code") or "3204005"
        self.name = info.get("name") or self.code
        self.orgs: dict[str, int] = {}
        self.occupations: dict[str, int] = {}
        self.venues: dict[str, int] = {}
        self.examiners: dict[str, int] = {}
        self.candidates: dict[str, int] = {}
        self.sessions: dict[str, int] = {}

    def run(self) -> Institution:
        institution = Institution(code=self.code, name=self.name, policy=self.raw.get("policy", {}))
        self.db.add(institution)
        self.db.flush()
        self.institution = institution
        self._organizations()
        self._occupations()
        self.venues = self._insert(
            Venue,
            [
                {
                    "institution_id": institution.id,
                    "code": v["id"],
                    "name": v.get("name") or v["id"],
                    "organization_id": self.orgs[v["organization"]],
                }
                for v in self.raw["venues"]
            ],
        )
        self._examiners()
        self._candidates()
        self._sessions()
        self._conflicts(min(_day(s["start"]) for s in self.raw["sessions"]))
        self._history()
        audit(self.db, "load_generated", f"{len(self.examiners)} examiners", institution.id)
        self.db.flush()
        return institution

    def _insert(self, model: Any, rows: list[dict[str, Any]], key: str = "code") -> dict[str, int]:
        """Bulk-insert rows; return {row[key]: id} (ids in the order given)."""
        if not rows:
            return {}
        ids = self.db.scalars(
            insert(model).returning(model.id, sort_by_parameter_order=True), rows
        ).all()
        return {row[key]: ident for row, ident in zip(rows, ids, strict=True)}

    def _rows(self, model: Any, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.db.execute(insert(model), rows)

    def _organizations(self) -> None:
        raw = self.raw
        names = [v["organization"] for v in raw["venues"]]
        names += [e.get("organization") for e in raw["examiners"]]
        names += [c.get("organization") for c in raw.get("candidates", ())]
        names += [c.get("organization") for c in raw.get("conflicts", ())]
        unique = sorted({n for n in names if n})
        rows = [{"institution_id": self.institution.id, "name": n} for n in unique]
        self.orgs = self._insert(Organization, rows, key="name")

    def _occupations(self) -> None:
        """Occupations are shared by institutions: reuse the 2022 edition's rows."""
        codes = [o["code"] for o in self.raw["occupations"]]
        found = self.db.execute(
            select(Occupation.code, Occupation.id).where(
                Occupation.code.in_(codes), Occupation.edition == "2022"
            )
        ).all()
        self.occupations = {code: ident for code, ident in found}
        new = [
            {
                "code": o["code"],
                "name": o.get("name") or o["code"],
                "edition": "2022",
                "candidates_per_examiner": o.get("candidates_per_examiner", 5),
            }
            for o in self.raw["occupations"]
            if o["code"] not in self.occupations
        ]
        self.occupations |= self._insert(Occupation, new)

    def _examiners(self) -> None:
        raw = self.raw
        start = min(_day(s["start"]) for s in raw["sessions"])
        end = max(_day(s["end"]) for s in raw["sessions"])
        names = {o["code"]: o.get("name") or o["code"] for o in raw["occupations"]}
        taken: set[str] = set()
        rows = []
        for e in raw["examiners"]:
            rng = random.Random(f"examiner:{self.code}:{e['id']}")
            rows.append(
                {
                    "institution_id": self.institution.id,
                    "code": e["id"],
                    "name": e.get("name") or e["id"],
                    "organization_id": self.orgs.get(e.get("organization") or ""),
                    "grade": Grade(e["grade"]),
                    "status": ExaminerStatus(e.get("status", "active")),
                    "assessing_since": _date(e.get("assessing_since")),
                    "leader_eligible": bool(e.get("leader_eligible")),
                    "max_sessions": e.get("max_sessions"),
                    **attachment_fields(rng, e, names, taken),
                }
            )
        self.examiners = self._insert(Examiner, rows)
        self._examiner_details(start, end)

    def _examiner_details(self, start: date, end: date) -> None:
        quals, terms, absences = [], [], []
        for e in self.raw["examiners"]:
            eid = self.examiners[e["id"]]
            for q in e.get("qualifications", ()):
                occupation = self.occupations[q["occupation"]]
                quals.append(
                    {"examiner_id": eid, "occupation_id": occupation, "top_level": q["top_level"]}
                )
            for a in e.get("appointments", ()):
                terms.append(
                    {
                        "examiner_id": eid,
                        "start": _date(a["start"]),
                        "end": _date(a["end"]),
                        "allowance_per_session": ALLOWANCE[e["grade"]],
                        **APPOINTMENT_TERMS,
                    }
                )
            for u in e.get("unavailable", ()):
                absences.append(
                    {"examiner_id": eid, "start": _date(u["start"]), "end": _date(u["end"])}
                )
        self._rows(Qualification, quals)
        self._rows(Appointment, terms)
        self._rows(Unavailability, [a | {"reason": "请假"} for a in absences])
        self._certificates(start, end)

    def _certificates(self, start: date, end: date) -> None:
        """One certificate each: valid until `certified_until`, else past the horizon."""
        serials: dict[tuple[int, Grade], int] = {}
        rows = []
        for e in self.raw["examiners"]:
            rng = random.Random(f"certificate:{self.code}:{e['id']}")
            issued, valid = certificate_dates(rng, _date(e.get("certified_until")), start, end)
            grade = Grade(e["grade"])
            serial = serials[issued.year, grade] = serials.get((issued.year, grade), 0) + 1
            rows.append(
                {
                    "examiner_id": self.examiners[e["id"]],
                    "number": format_number(issued.year, self.code, grade, serial),
                    "grade": grade,
                    "year": issued.year,
                    "serial": serial,
                    "issue_date": issued,
                    "valid_until": valid,
                }
            )
        self._rows(Certificate, rows)
        last = [
            {"institution_id": self.institution.id, "year": y, "grade": g, "last_serial": n}
            for (y, g), n in sorted(serials.items())
        ]
        self._rows(CertificateSerial, last)

    def _candidates(self) -> None:
        rng = random.Random(f"candidates:{self.code}")
        rows = [
            {
                "institution_id": self.institution.id,
                "code": c["id"],
                "name": candidate_name(rng),
                "organization_id": self.orgs.get(c.get("organization") or ""),
            }
            for c in self.raw.get("candidates", ())
        ]
        self.candidates = self._insert(Candidate, rows)

    def _session_row(self, s: dict[str, Any], status: SessionStatus) -> dict[str, Any]:
        return {
            "institution_id": self.institution.id,
            "code": s["id"],
            "venue_id": self.venues[s["venue"]],
            "occupation_id": self.occupations[s["occupation"]],
            "level": s["level"],
            "start": datetime.fromisoformat(s["start"]),
            "end": datetime.fromisoformat(s["end"]),
            "modules": s.get("modules"),
            "panel_size": s.get("panel_size"),
            "candidate_count": s.get("candidate_count") if s.get("candidates") is None else None,
            "status": status,
        }

    def _sessions(self) -> None:
        sessions = self.raw["sessions"]
        rows = [self._session_row(s, SessionStatus.PLANNED) for s in sessions]
        self.sessions = self._insert(AssessmentSession, rows)
        lists = [
            {"session_id": self.sessions[s["id"]], "candidate_id": self.candidates[c]}
            for s in sessions
            for c in dict.fromkeys(s.get("candidates") or ())
        ]
        self._rows(SessionCandidate, lists)

    def _conflicts(self, start: date) -> None:
        """Conflicts were declared some time after they began, and before the term."""
        rows = []
        for k, c in enumerate(self.raw.get("conflicts", ())):
            since = _date(c.get("since"))
            rng = random.Random(f"conflict:{self.code}:{k}")
            declared = start - timedelta(days=rng.randint(7, 400))
            if since is not None:
                declared = min(max(declared, since), start - timedelta(days=1))
            rows.append(
                {
                    "examiner_id": self.examiners[c["examiner"]],
                    "candidate_id": self.candidates.get(c.get("candidate") or ""),
                    "organization_id": (
                        self.orgs[c["organization"]] if c.get("organization") else None
                    ),
                    "kind": ConflictKind(c["kind"]),
                    "since": since,
                    "declared_on": declared,
                }
            )
        self._rows(Conflict, rows)

    def _history(self) -> None:
        """History entries become HELD sessions whose panels are in force (`PanelSeat`)."""
        history = self.raw.get("history", ())
        rows = [self._session_row(h["session"], SessionStatus.HELD) for h in history]
        held = self._insert(AssessmentSession, rows)
        seats = [
            {
                "session_id": held[h["session"]["id"]],
                "examiner_id": self.examiners[m],
                "role": SeatRole.LEADER if m == h.get("leader") else SeatRole.MEMBER,
            }
            for h in history
            for m in dict.fromkeys(h.get("members", ()))
        ]
        self._rows(PanelSeat, seats)
        self.sessions |= held


def _day(value: str) -> date:
    return date.fromisoformat(value[:10])


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)
