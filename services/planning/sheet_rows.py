"""Rows for the assignment sheets and calendars from a stored plan (`cli.exports` and the
web downloads write them).

A plan's data is its stored `result` (panels, leader first; unfilled seats) joined with the
database for names, phones, organisations, venues, occupations and candidate counts. Any
version can be exported, draft or published; every sheet says which. ID numbers are masked
here, so no full number reaches a plan, dispatch or examiner sheet.

    panelplan export plan VERSION [-o PATH]
    panelplan export dispatch VERSION [--session CODE ...] [-o PATH]
    panelplan export examiner VERSION [--examiner CODE ...] [-o DIR]   (xlsx + one .ics each)
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import AssessmentSession, Examiner, Institution, Occupation, Organization, Plan, Venue
from models import SessionCandidate as Listed
from services.exports.layout import file_name, mask_id, mask_phone
from services.exports.plan_rows import PanelRow, Person, PlanHeader
from services.messages import Problem, Refused
from services.planning.plans import status_name

MESSAGES = {
    "unknown_session": {
        "zh": "方案 v{version} 中没有场次 {code}",
        "en": "plan v{version} has no session {code}",
    },
    "unknown_examiner": {
        "zh": "没有编号为 {code} 的考评人员",
        "en": "no examiner with code {code}",
    },
}


def plan_header(db: Session, inst: Institution, plan: Plan) -> PlanHeader:
    """What every sheet of `plan` says about it."""
    return PlanHeader(
        institution_code=inst.code,
        institution_name=inst.name,
        version=plan.version,
        status=plan.status.value,
        status_zh=status_name(plan.status),
        date_from=plan.date_from,
        date_to=plan.date_to,
        stamp=plan.published_at or plan.created_at,
    )


def plan_rows(
    db: Session, inst: Institution, plan: Plan, whole_phones: bool = True
) -> list[PanelRow]:
    """Every session of the plan with its panel, by start and code (phones masked unless
    `whole_phones`: `services.institution.privacy`)."""
    panels = {
        a["session"]: (a.get("leader"), a["members"]) for a in plan.result.get("assignments", ())
    }
    unfilled = {u["session"]: u["seats"] for u in plan.result.get("unfilled", ())}
    codes = {s["id"] for s in plan.instance.get("sessions", ())} | set(panels)
    return panel_rows(db, inst, panels, unfilled, codes, whole_phones)


def panel_rows(
    db: Session,
    inst: Institution,
    panels: Mapping[str, tuple[str | None, Sequence[str]]],
    unfilled: Mapping[str, int],
    codes: Collection[str],
    whole_phones: bool = True,
) -> list[PanelRow]:
    """Sessions `codes` with their panels ((leader, members) by session; empty seats), by
    start and code (one query per table)."""
    wanted = {m for code in codes for m in panels.get(code, (None, ()))[1]}
    people = _people(db, inst, wanted, whole_phones)
    rows = []
    for s, venue, occupation, listed in _sessions(db, inst, set(codes)):
        leader, members = panels.get(s.code, (None, ()))
        order = sorted(dict.fromkeys(members), key=lambda m: m != leader)
        rows.append(
            PanelRow(
                code=s.code, start=s.start, end=s.end, venue=venue.name,
                venue_address=venue.address or "", occupation_code=occupation.code,
                occupation_name=occupation.name, level=s.level,
                candidates=listed or s.candidate_count, leader=people.get(leader or ""),
                members=tuple(people[m] for m in order if m in people),
                unfilled=unfilled.get(s.code, 0),
            )
        )  # fmt: skip
    return rows


def _sessions(db: Session, inst: Institution, codes: set[str]) -> list[Any]:
    # Counted per session (primary-key lookups): a week's page counts only its sessions.
    listed = (
        select(func.count())
        .where(Listed.session_id == AssessmentSession.id)
        .correlate(AssessmentSession)
        .scalar_subquery()
    )
    query = (
        select(AssessmentSession, Venue, Occupation, listed)
        .join(Venue, Venue.id == AssessmentSession.venue_id)
        .join(Occupation, Occupation.id == AssessmentSession.occupation_id)
        .where(AssessmentSession.institution_id == inst.id, AssessmentSession.code.in_(codes))
        .order_by(AssessmentSession.start, AssessmentSession.code)
    )
    return list(db.execute(query).all()) if codes else []


def _people(
    db: Session, inst: Institution, codes: set[str], whole_phones: bool = True
) -> dict[str, Person]:
    """The examiners with these codes: contacts (phones masked unless `whole_phones`) and
    masked ID numbers."""
    query = (
        select(Examiner.code, Examiner.name, Examiner.phone, Examiner.document_number,
               Organization.name)
        .outerjoin(Organization, Organization.id == Examiner.organization_id)
        .where(Examiner.institution_id == inst.id, Examiner.code.in_(codes))
    )  # fmt: skip
    phone_shown = (lambda p: p or "") if whole_phones else mask_phone
    return {
        code: Person(code, name, phone_shown(phone), organization or "", mask_id(number))
        for code, name, phone, number, organization in db.execute(query)
    }


def chosen(rows: list[PanelRow], codes: list[str] | None, version: int) -> list[PanelRow]:
    """The rows of the sessions named (all when none are); unknown codes are refused."""
    if not codes:
        return rows
    known = {r.code for r in rows}
    missing = [c for c in dict.fromkeys(codes) if c not in known]
    if missing:
        problems = [Problem.of(MESSAGES, "unknown_session", "session", version=version, code=c)
                    for c in missing]  # fmt: skip
        raise Refused(problems)
    wanted = set(codes)
    return [r for r in rows if r.code in wanted]


def examiners_named(db: Session, inst: Institution, codes: list[str]) -> list[Person]:
    """The examiners with these codes, in the order given; unknown codes are refused."""
    found = _people(db, inst, set(codes))
    missing = [c for c in dict.fromkeys(codes) if c not in found]
    if missing:
        raise Refused(
            [Problem.of(MESSAGES, "unknown_examiner", "examiner", code=c) for c in missing]
        )
    return [found[c] for c in dict.fromkeys(codes)]


def plan_file(header: PlanHeader) -> str:
    """The plan sheet's file name (考评小组安排表)."""
    return file_name(f"{header.institution_name}考评小组安排表_v{header.version}")


def dispatch_file(header: PlanHeader) -> str:
    """The dispatch sheets' file name (派遣单)."""
    return file_name(f"{header.institution_name}考评人员派遣单_v{header.version}")


def examiner_files(header: PlanHeader) -> tuple[str, str]:
    """The examiner workbook's file name and the name of the folder (or zip) with calendars."""
    institution, version = header.institution_name, header.version
    return file_name(f"{institution}考评人员任务表_v{version}"), file_name(
        f"{institution}考评人员任务安排_v{version}", ""
    )


def calendar_file(header: PlanHeader, person: Person) -> str:
    """One examiner's .ics file name, with the institution (an examiner serves several)."""
    return file_name(f"{header.institution_name}_{person.code}_{person.name}", ".ics")
