"""Add and change one assessment session (场次) by hand.

A session typed into the form is checked exactly as a row of the session sheet is
(`services.imports.session_rows.read_session`: the required fields, the level, the date-times, an end
after the start, the counts), then against the database with the import's own messages (the
occupation must be in the catalogue, a held session is never changed). A form adds two checks
of its own: the venue must be one of the institution's venues (the import creates unknown ones
from the row's venue columns; the venues page does that here), and a new session's code must be
free. The code identifies the session (the import matches on it), so it never changes.

A held session is never changed, cancelled or restored: what was assessed stays as it was. A
session staffed by a published plan's panel in force may be changed all the same (sessions do
move): the result names those plans (`Saved.notice`), and the change history row written with
the change wakes the published-plan revalidation, which flags a plan that no longer fits on the
dashboard (`services.schedule.changes`). Every change is audited: `create_session`,
`edit_session` (old → new). Cancelling and restoring are `services.schedule.cancel`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AssessmentSession, Occupation, Venue, audit
from models.base import SessionStatus
from services.cells import text
from services.imports.session_rows import SessionIn, read_session
from services.imports.sessions import MESSAGES as IMPORT_MESSAGES
from services.imports.sheets import Row, Table
from services.messages import Problem, Refused
from services.people.checks import occupation_index
from services.schedule.changes import diff, plain, plans_in_force, record_change, versions_text

FIELDS = ("code", "venue", "occupation", "level", "start", "end", "candidate_count", "modules",
          "panel_size")  # fmt: skip
NOTICES = ("updated", "cancelled", "restored")  # outcomes that concern a published plan
MESSAGES = {
    "taken": {
        "zh": "场次编号 {code} 已被使用（{start:%Y-%m-%d %H:%M}，{venue}）",
        "en": "session code {code} is already used ({start:%Y-%m-%d %H:%M}, {venue})",
    },
    "unknown_venue": {
        "zh": "“{venue}”不是本机构的考点：请先在考点页新增该考点",
        "en": "“{venue}” is not one of the institution's venues: add it on the venues page first",
    },
    "updated": {
        "zh": "场次 {code} 由已发布的方案 {plans} 安排了考评小组：工作台的复核将按修改后的场次重新检查该方案，"
        "不再符合规则的席位会列在“已发布方案失效”中。请通过“缺员替补”替换考评人员，或重新排班并发布新方案。",
        "en": "Session {code} is staffed by published plan {plans}: the dashboard's revalidation "
        "re-checks the plan against the changed session and lists any seat that no longer fits. "
        "Replace examiners through What if, or plan again and publish.",
    },
    "cancelled": {
        "zh": "场次 {code} 由已发布的方案 {plans} 安排了考评小组：请通知该小组的考评人员场次已取消。"
        "小组仍留在记录中，恢复场次后重新生效。",
        "en": "Session {code} is staffed by published plan {plans}: tell its panel that the "
        "session is cancelled. The panel stays on record and comes back if the session is "
        "restored.",
    },
    "restored": {
        "zh": "场次 {code} 的考评小组（已发布的方案 {plans}）重新生效：工作台的复核将重新检查该方案；"
        "如有考评人员已另有安排，请通过“缺员替补”替换，或重新排班。",
        "en": "The panel of session {code} (published plan {plans}) is in force again: the "
        "dashboard's revalidation re-checks the plan; if an examiner has been placed elsewhere "
        "meanwhile, replace them through What if, or plan again.",
    },
}


@dataclass(frozen=True)
class Checked:
    """A session read from the form, with the venue and occupation it names."""

    item: SessionIn
    venue: Venue
    occupation: Occupation


@dataclass(frozen=True)
class Saved:
    """What a change did (`created`, `updated`, `unchanged`, `cancelled`, `restored`) and the
    published plans whose panels in force staff the session."""

    session: AssessmentSession
    outcome: str
    plans: tuple[int, ...] = ()

    def notice(self, lang: str = "zh") -> str | None:
        """What the planner must know about the published plans (None: nothing)."""
        if not self.plans or self.outcome not in NOTICES:
            return None
        plans = versions_text(self.plans, lang)
        problem = Problem.of(MESSAGES, self.outcome, "session", code=self.session.code, plans=plans)
        return problem.reason(lang)


def check_session(
    db: Session,
    institution_id: int,
    values: Mapping[str, Any],
    stored: AssessmentSession | None = None,
) -> Checked:
    """The session the form describes, checked as an imported row; `Refused` with every problem."""
    raw = {name: text(values.get(name)) for name in FIELDS}  # an empty field is an empty cell
    if stored is not None:
        raw["code"] = stored.code  # the session's identity
    item, problems = read_session(Row(0, raw), Table("form", {"occupation": "occupation"}))
    problems = [Problem(p.field, p.templates, p.params) for p in problems]  # no sheet row
    venue = _venue(db, institution_id, raw["venue"], problems)
    occupation = _occupation(db, raw["occupation"], stored, problems)
    if stored is None:
        problems += _taken(db, institution_id, raw["code"])
    if problems or item is None or venue is None or occupation is None:
        raise Refused(problems)
    return Checked(item, venue, occupation)


def _venue(
    db: Session, institution_id: int, key: str | None, problems: list[Problem]
) -> Venue | None:
    """The institution's venue of that code (or else that name), as the import finds it."""
    if key is None:
        return None
    mine = select(Venue).where(Venue.institution_id == institution_id)
    found = db.scalar(mine.where(Venue.code == key)) or db.scalar(
        mine.where(Venue.name == key).order_by(Venue.code).limit(1)
    )
    if found is None:
        problems.append(Problem.of(MESSAGES, "unknown_venue", "venue", venue=key))
    return found


def _occupation(
    db: Session, key: str | None, stored: AssessmentSession | None, problems: list[Problem]
) -> Occupation | None:
    """The catalogue's occupation of that code or name (the newest edition, as the import reads
    it); a session keeps its own edition while the code stays the same."""
    if key is None:
        return None
    if stored is not None and key in (stored.occupation.code, stored.occupation.name):
        return stored.occupation
    found = occupation_index(db.scalars(select(Occupation))).get(key)
    if found is None:
        problems.append(
            Problem.of(IMPORT_MESSAGES, "unknown_occupation", "occupation", occupation=key)
        )
    return found


def _taken(db: Session, institution_id: int, code: str | None) -> list[Problem]:
    if code is None:
        return []
    other = db.scalar(
        select(AssessmentSession).where(
            AssessmentSession.institution_id == institution_id, AssessmentSession.code == code
        )
    )
    if other is None:
        return []
    return [
        Problem.of(MESSAGES, "taken", "code", code=code, start=other.start, venue=other.venue.name)
    ]


def _columns(checked: Checked) -> dict[str, Any]:
    item = checked.item
    return {
        "venue_id": checked.venue.id,
        "occupation_id": checked.occupation.id,
        "level": item.level,
        "start": item.start,
        "end": item.end,
        "candidate_count": item.candidate_count,
        "modules": item.modules,
        "panel_size": item.panel_size,
    }


def _readable(venue: Venue, occupation: Occupation, values: Mapping[str, Any]) -> dict[str, Any]:
    """The session's values as planners name them (venue and occupation by code)."""
    shown = {k: plain(v) for k, v in values.items() if not k.endswith("_id")}
    return {"venue": venue.code, "occupation": occupation.code, **shown}


def create_session(db: Session, institution_id: int, values: Mapping[str, Any]) -> Saved:
    """Add the session the form describes; `Refused` with every problem (nothing written)."""
    checked = check_session(db, institution_id, values)
    columns = _columns(checked)
    row = AssessmentSession(institution_id=institution_id, code=checked.item.code, **columns)
    db.add(row)
    added = {"code": checked.item.code, **columns}
    record_change(
        db, row, "insert", {k: [None, plain(v)] for k, v in added.items() if v is not None}
    )
    audit(db, "create_session", row.code, institution_id,
          **_readable(checked.venue, checked.occupation, columns))  # fmt: skip
    return Saved(row, "created")


def update_session(db: Session, stored: AssessmentSession, values: Mapping[str, Any]) -> Saved:
    """Change a session not yet held; the published plans staffing it are named in the result."""
    refuse_held(stored)
    checked = check_session(db, stored.institution_id, values, stored)
    columns = _columns(checked)
    changes = diff(stored, columns)
    if not changes:
        return Saved(stored, "unchanged")
    before = _readable(stored.venue, stored.occupation, {k: getattr(stored, k) for k in columns})
    after = _readable(checked.venue, checked.occupation, columns)
    stored.venue, stored.occupation = checked.venue, checked.occupation
    for name in columns.keys() - {"venue_id", "occupation_id"}:
        setattr(stored, name, columns[name])
    record_change(db, stored, "update", changes)
    moved = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    audit(db, "edit_session", stored.code, stored.institution_id, changes=moved)
    planned = stored.status == SessionStatus.PLANNED  # a cancelled one is checked once restored
    return Saved(stored, "updated", staffing_plans(db, stored) if planned else ())


def held_problem(stored: AssessmentSession) -> Problem | None:
    """Why a held session cannot be changed (None when it is not held)."""
    if stored.status != SessionStatus.HELD:
        return None
    return Problem.of(IMPORT_MESSAGES, "held", "status", code=stored.code)


def refuse_held(stored: AssessmentSession) -> None:
    problem = held_problem(stored)
    if problem is not None:
        raise Refused([problem])


def staffing_plans(db: Session, stored: AssessmentSession) -> tuple[int, ...]:
    """Versions of the published plans whose panels in force staff this session."""
    return plans_in_force(db, AssessmentSession.id == stored.id)
