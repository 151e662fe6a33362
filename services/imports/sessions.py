"""Import sessions (场次) and candidate lists (考生名单) from .xlsx (or .csv).

A workbook may hold both sheets (then both are imported in one transaction) or one of
them. Sessions are matched on 场次编号, candidates on 准考证号 (both within the
institution), so importing a file again updates instead of duplicating. Venues named by
an unknown code or name are created, with the 考点单位 organisation (or one named after
the venue); candidate organisations are created by name. A list adds candidates to a
session and never removes any. A session already held (status `held`) is never changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import (
    AssessmentSession,
    Candidate,
    Institution,
    Occupation,
    Organization,
    SessionCandidate,
    Venue,
)
from models.base import SessionStatus
from services.imports.common import ImportReport, write_all
from services.imports.headings import absent_columns, no_header
from services.imports.session_rows import (
    CANDIDATE_LAYOUT,
    SESSION_LAYOUT,
    CandidateIn,
    SessionIn,
    read_candidate,
    read_session,
)
from services.imports.sheets import Table, find_table, read_sheets
from services.messages import Problem
from services.people.checks import occupation_index
from services.schedule.changes import plain, record_change

MESSAGES = {
    "unknown_occupation": {
        "zh": "职业“{occupation}”不在职业目录中",
        "en": "occupation “{occupation}” is not in the catalogue",
    },
    "duplicate": {"zh": "重复：第{first}行已有{what}", "en": "duplicate of row {first}"},
    "unknown_session": {
        "zh": "场次 {code} 既不在数据库中，也不在本文件的场次表中",
        "en": "session {code} is neither in the database nor in this file's session sheet",
    },
    "held": {
        "zh": "场次 {code} 已举行，不能再修改",
        "en": "session {code} has been held and cannot be changed",
    },
    "disagrees": {
        "zh": "考生 {code} 与第{first}行的{what}不一致",
        "en": "candidate {code} disagrees with row {first} ({what_en})",
    },
}

LISTED = 20  # candidate codes named in a history row of a grown list


class _Catalog:
    """The institution's venues, sessions, candidates and organisations, loaded once."""

    def __init__(self, session: Session, institution: Institution) -> None:
        self.db = session
        self.institution = institution
        mine = institution.id
        self.occupations = occupation_index(list(session.scalars(select(Occupation))))
        self.venues: dict[str, Venue] = {}
        for v in session.scalars(select(Venue).where(Venue.institution_id == mine)):
            self.venues.setdefault(v.name, v)
            self.venues[v.code] = v
        self.sessions = {
            s.code: s
            for s in session.scalars(
                select(AssessmentSession)
                .where(AssessmentSession.institution_id == mine)
                .options(selectinload(AssessmentSession.candidates))
            )
        }
        self.candidates = {
            c.code: c
            for c in session.scalars(select(Candidate).where(Candidate.institution_id == mine))
        }
        self.stored = set(self.sessions)  # the codes of the sessions stored before this import
        self.grown: dict[str, list[str]] = {}  # stored session code -> candidates listed now
        self.organizations = {
            o.name: o
            for o in session.scalars(
                select(Organization).where(Organization.institution_id == mine)
            )
        }

    def organization(self, name: str) -> Organization:
        """The organisation called `name`, created when new."""
        if name not in self.organizations:
            self.organizations[name] = Organization(institution_id=self.institution.id, name=name)
            self.db.add(self.organizations[name])
        return self.organizations[name]

    def venue(self, item: SessionIn) -> Venue:
        """The venue a session row names, created when unknown."""
        found = self.venues.get(item.venue) or self.venues.get(item.venue_name or "")
        if found is None:
            name = item.venue_name or item.venue
            owner = self.organization(item.venue_organization or name)
            found = Venue(institution_id=self.institution.id, code=item.venue, name=name)
            found.organization = owner
            self.db.add(found)
            self.venues[item.venue] = self.venues[name] = found
        return found


def import_sessions(
    session: Session,
    institution: Institution,
    path: Path,
    *,
    dry_run: bool = False,
    strict: bool = False,
    kinds: tuple[str, ...] = ("sessions", "candidates"),
) -> list[ImportReport]:
    """Import the session sheet and/or candidate list found in `path`, in one transaction."""
    path = Path(path)
    sheets = read_sheets(path)
    layouts = {"sessions": SESSION_LAYOUT, "candidates": CANDIDATE_LAYOUT}
    tables = {kind: find_table(sheets, layouts[kind]) for kind in layouts if kind in kinds}
    if not any(tables.values()):
        raise no_header(path, sheets, [layouts[kind] for kind in tables])
    catalog = _Catalog(session, institution)
    parts = []
    good_sessions: list[SessionIn] = []
    if sessions := tables.get("sessions"):
        report, good_sessions = _check_sessions(catalog, sessions, path, dry_run, strict)
        parts.append((report, lambda: [_save_session(catalog, s) for s in good_sessions]))
    if candidates := tables.get("candidates"):
        codes = {s.code for s in good_sessions}
        report, good = _check_candidates(catalog, candidates, codes, path, dry_run, strict)
        parts.append((report, lambda: list(_save_candidates(catalog, good))))
    return write_all(session, institution, parts)


def _check_sessions(
    catalog: _Catalog, table: Table, path: Path, dry_run: bool, strict: bool
) -> tuple[ImportReport, list[SessionIn]]:
    report = ImportReport.of_table("sessions", path, table, dry_run, strict, SESSION_LAYOUT)
    seen: dict[str, int] = {}
    good = []
    for row in table.rows:
        item, problems = read_session(row, table)
        if item is not None:
            problems = _session_problems(catalog, item, seen)
            problems = [p.at(row.number, _column(table, p.field)) for p in problems]
        if item is not None and not problems:
            seen[item.code] = row.number
            good.append(item)
        report.problems += problems
    absent_columns(report, table)
    return report, good


def _session_problems(catalog: _Catalog, item: SessionIn, seen: dict[str, int]) -> list[Problem]:
    problems = []
    if item.occupation not in catalog.occupations:
        problems.append(
            Problem.of(MESSAGES, "unknown_occupation", "occupation", occupation=item.occupation)
        )
    if item.code in seen:
        problems.append(
            Problem.of(MESSAGES, "duplicate", "code", first=seen[item.code], what="该场次编号")
        )
    stored = catalog.sessions.get(item.code)
    if (
        stored is not None
        and stored.status == SessionStatus.HELD
        and _changes(catalog, stored, item)
    ):
        problems.append(Problem.of(MESSAGES, "held", "code", code=item.code))
    return problems


def _column(table: Table, field: str) -> str | None:
    if field == "occupation":
        return table.column("occupation_code") or table.column("occupation")
    return table.column(field)


def _values(catalog: _Catalog, item: SessionIn) -> dict[str, Any]:
    return {
        "occupation": catalog.occupations[item.occupation],
        "level": item.level,
        "start": item.start,
        "end": item.end,
        "candidate_count": item.candidate_count,
        "modules": item.modules,
        "panel_size": item.panel_size,
    }


def _changes(catalog: _Catalog, stored: AssessmentSession, item: SessionIn) -> bool:
    values = _values(catalog, item)
    venue = catalog.venues.get(item.venue)
    moved = venue is None or venue is not stored.venue
    return moved or any(v is not None and getattr(stored, k) != v for k, v in values.items())


def _save_session(catalog: _Catalog, item: SessionIn) -> str:
    stored = catalog.sessions.get(item.code)
    venue = catalog.venue(item)
    if stored is None:
        stored = AssessmentSession(institution_id=catalog.institution.id, code=item.code)
        stored.venue = venue
        for key, value in _values(catalog, item).items():
            setattr(stored, key, value)
        catalog.db.add(stored)
        catalog.sessions[item.code] = stored
        return "created"
    before = _facts(stored)
    stored.venue = venue
    for key, value in _values(catalog, item).items():
        if value is not None and getattr(stored, key) != value:
            setattr(stored, key, value)
    after = _facts(stored)
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changes:  # a published plan may staff it: the change history wakes the revalidation
        record_change(catalog.db, stored, "update", changes)
    return "updated" if changes else "unchanged"


def _facts(stored: AssessmentSession) -> dict[str, Any]:
    """What a re-imported row may change, as the change history stores it."""
    return {
        "venue": stored.venue.code if stored.venue else None,
        "occupation": stored.occupation.code if stored.occupation else None,
        **{k: plain(getattr(stored, k)) for k in ("level", "start", "end", "candidate_count",
                                                   "modules", "panel_size")},
    }  # fmt: skip


def _check_candidates(
    catalog: _Catalog, table: Table, in_file: set[str], path: Path, dry_run: bool, strict: bool
) -> tuple[ImportReport, list[CandidateIn]]:
    report = ImportReport.of_table("candidates", path, table, dry_run, strict, CANDIDATE_LAYOUT)
    seen: dict[tuple[str, str], int] = {}
    people: dict[str, CandidateIn] = {}
    good = []
    for row in table.rows:
        item, problems = read_candidate(row, table)
        if item is not None:
            problems = _candidate_problems(catalog, item, in_file, seen, people)
            problems = [p.at(row.number, table.column(p.field)) for p in problems]
        if item is not None and not problems:
            seen[(item.session, item.code)] = row.number
            people.setdefault(item.code, item)
            good.append(item)
        report.problems += problems
        if problems:
            report.name_row(row.number, row.get("name"), row.get("document_number"))
    absent_columns(report, table)
    return report, good


def _candidate_problems(
    catalog: _Catalog,
    item: CandidateIn,
    in_file: set[str],
    seen: dict[tuple[str, str], int],
    people: dict[str, CandidateIn],
) -> list[Problem]:
    problems = []
    stored = catalog.sessions.get(item.session)
    if stored is None and item.session not in in_file:
        problems.append(Problem.of(MESSAGES, "unknown_session", "session", code=item.session))
    elif stored is not None and stored.status == SessionStatus.HELD:
        problems.append(Problem.of(MESSAGES, "held", "session", code=item.session))
    if (item.session, item.code) in seen:
        first = seen[(item.session, item.code)]
        problems.append(Problem.of(MESSAGES, "duplicate", "code", first=first, what="该考生"))
    earlier = people.get(item.code)
    for name, zh in (("name", "姓名"), ("document_number", "身份证号码"), ("organization", "单位")):
        mine, theirs = getattr(item, name), getattr(earlier, name, None)
        if earlier is not None and mine and theirs and mine != theirs:
            problems.append(
                Problem.of(
                    MESSAGES,
                    "disagrees",
                    name,
                    code=item.code,
                    first=earlier.row,
                    what=zh,
                    what_en=name,
                )
            )
    return problems


def _save_candidates(catalog: _Catalog, items: list[CandidateIn]) -> Iterator[str]:
    """One outcome per candidate row: created, updated (also: newly listed) or unchanged."""
    for item in items:
        stored = catalog.candidates.get(item.code)
        outcome = "unchanged"
        if stored is None:
            stored = Candidate(
                institution_id=catalog.institution.id, code=item.code, name=item.name
            )
            catalog.db.add(stored)
            catalog.candidates[item.code] = stored
            outcome = "created"
        organization = catalog.organization(item.organization) if item.organization else None
        if _update_candidate(stored, item, organization) and outcome == "unchanged":
            outcome = "updated"
        if _list(catalog, item.session, stored) and outcome == "unchanged":
            outcome = "updated"
        yield outcome
    for code, added in catalog.grown.items():  # one history row per stored session's list
        listed = ", ".join(added[:LISTED]) + (" …" if len(added) > LISTED else "")
        change = {"candidates": [None, f"+{len(added)}: {listed}"]}
        record_change(catalog.db, catalog.sessions[code], "update", change)


def _update_candidate(stored: Candidate, item: CandidateIn, org: Organization | None) -> bool:
    changed = False
    if stored.name != item.name:
        stored.name, changed = item.name, True
    if item.document_number and stored.document_number != item.document_number:
        stored.document_number, changed = item.document_number, True
    if org is not None and stored.organization is not org:
        stored.organization, changed = org, True
    return changed


def _list(catalog: _Catalog, code: str, candidate: Candidate) -> bool:
    """Put `candidate` on session `code`'s list; True when newly listed."""
    session = catalog.sessions[code]
    listed = (
        link.candidate is candidate
        or (candidate.id is not None and link.candidate_id == candidate.id)
        for link in session.candidates
    )
    if any(listed):
        return False
    session.candidates.append(SessionCandidate(candidate=candidate))
    if code in catalog.stored:  # a stored session's list grew: H4 may now bar its panel
        catalog.grown.setdefault(code, []).append(candidate.code)
    return True
