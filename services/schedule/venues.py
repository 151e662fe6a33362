"""Venues (考点) by hand: add one, change one.

A venue belongs to an organisation (its owner), and that matters for recusal: an examiner with
a conflict against the venue's organisation never sits on its sessions (H4). The owner is typed
by name: the institution's organisation of that name, created when new (as the session import
does with 考点单位). The session import finds a venue by its code or by its name, so neither may
repeat within the institution.

Changing the owner of a venue whose sessions are staffed by a published plan is allowed (a site
changes hands); the result names those plans (`VenueSaved.notice`), and the change history row
written with the change wakes the published-plan revalidation, which re-checks H4 against the
new owner (`services.schedule.changes`). Every change is audited: `create_venue`, `edit_venue`
(old → new).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AssessmentSession, Organization, Venue, audit
from models.base import SessionStatus
from services.cells import text
from services.messages import Problem, Refused
from services.schedule.changes import diff, plans_in_force, record_change, versions_text

FIELDS = ("code", "name", "organization", "address")
LIMITS = {"code": 40, "name": 200, "organization": 200, "address": 300}  # the columns' sizes
REQUIRED = ("code", "name", "organization")
MESSAGES = {
    "missing": {"zh": "不能为空", "en": "is required"},
    "too_long": {
        "zh": "最多 {limit} 个字（现为 {length} 个）",
        "en": "at most {limit} characters (this one has {length})",
    },
    "code_taken": {
        "zh": "考点编号 {code} 已被考点“{name}”使用",
        "en": "venue code {code} is already used by “{name}”",
    },
    "name_taken": {
        "zh": "已有名为“{name}”的考点（编号 {code}）",
        "en": "a venue named “{name}” already exists (code {code})",
    },
    "owner_changed": {
        "zh": "考点 {code} 的场次由已发布的方案 {plans} 安排了考评小组：工作台的复核将按新的所属单位"
        "重新检查回避（H4），不再符合的席位会列在“已发布方案失效”中。请通过“缺员替补”替换考评人员，或重新排班并发布新方案。",
        "en": "Sessions at venue {code} are staffed by published plan {plans}: the dashboard's "
        "revalidation re-checks recusal (H4) against the new owner and lists any seat that no "
        "longer fits. Replace examiners through What if, or plan again and publish.",
    },
}


@dataclass(frozen=True)
class VenueIn:
    """A venue as typed: code, name, the owner's name, the address (optional)."""

    code: str
    name: str
    organization: str
    address: str | None


@dataclass(frozen=True)
class VenueSaved:
    """What saving did (`created`, `updated`, `unchanged`) and, when the owner changed, the
    published plans staffing the venue's sessions."""

    venue: Venue
    outcome: str
    plans: tuple[int, ...] = ()

    def notice(self, lang: str = "zh") -> str | None:
        """What the planner must know about the published plans (None: nothing)."""
        if not self.plans:
            return None
        plans = versions_text(self.plans, lang)
        problem = Problem.of(MESSAGES, "owner_changed", "venue", code=self.venue.code, plans=plans)
        return problem.reason(lang)


def read_venue(values: Mapping[str, Any]) -> tuple[VenueIn | None, list[Problem]]:
    """A venue from the form's values, or None and every problem with them."""
    read = {name: text(values.get(name)) for name in FIELDS}
    problems = [Problem.of(MESSAGES, "missing", name) for name in REQUIRED if read[name] is None]
    for name, limit in LIMITS.items():
        value = read[name]
        if value is not None and len(value) > limit:
            problems.append(Problem.of(MESSAGES, "too_long", name, limit=limit, length=len(value)))
    if problems:
        return None, problems
    code, name, owner = (str(read[k]) for k in REQUIRED)
    return VenueIn(code, name, owner, read["address"]), []


def save_venue(
    db: Session, institution_id: int, values: Mapping[str, Any], stored: Venue | None = None
) -> VenueSaved:
    """Add a venue (or change `stored`); `Refused` with every problem (nothing written)."""
    item, problems = read_venue(values)
    if item is not None:
        problems = _taken(db, institution_id, item, stored)
    if problems or item is None:
        raise Refused(problems)
    owner = _owner(db, institution_id, item.organization)
    if stored is None:
        return _create(db, institution_id, item, owner)
    return _update(db, stored, item, owner)


def _taken(db: Session, institution_id: int, item: VenueIn, stored: Venue | None) -> list[Problem]:
    """The other venues already using this code or this name."""
    others = select(Venue).where(Venue.institution_id == institution_id)
    if stored is not None:
        others = others.where(Venue.id != stored.id)
    problems = []
    if (same := db.scalar(others.where(Venue.code == item.code).limit(1))) is not None:
        problems.append(Problem.of(MESSAGES, "code_taken", "code", code=item.code, name=same.name))
    if (same := db.scalar(others.where(Venue.name == item.name).limit(1))) is not None:
        problems.append(Problem.of(MESSAGES, "name_taken", "name", code=same.code, name=item.name))
    return problems


def _owner(db: Session, institution_id: int, name: str) -> Organization:
    """The institution's organisation called `name`, created when new."""
    found = db.scalar(
        select(Organization).where(
            Organization.institution_id == institution_id, Organization.name == name
        )
    )
    if found is None:
        found = Organization(institution_id=institution_id, name=name)
        db.add(found)
        db.flush()
    return found


def _create(db: Session, institution_id: int, item: VenueIn, owner: Organization) -> VenueSaved:
    venue = Venue(institution_id=institution_id, code=item.code, name=item.name,
                  organization_id=owner.id, address=item.address)  # fmt: skip
    db.add(venue)
    added = {"code": item.code, "name": item.name, "organization_id": owner.id,
             "address": item.address}  # fmt: skip
    record_change(db, venue, "insert", {k: [None, v] for k, v in added.items() if v is not None})
    audit(db, "create_venue", venue.code, institution_id, name=venue.name,
          organization=owner.name, address=venue.address)  # fmt: skip
    return VenueSaved(venue, "created")


def _update(db: Session, venue: Venue, item: VenueIn, owner: Organization) -> VenueSaved:
    wanted = {"code": item.code, "name": item.name, "organization_id": owner.id,
              "address": item.address}  # fmt: skip
    changes = diff(venue, wanted)
    if not changes:
        return VenueSaved(venue, "unchanged")
    shown = {k: v for k, v in changes.items() if k != "organization_id"}
    if "organization_id" in changes:
        shown["organization"] = [venue.organization.name, owner.name]
    subject = venue.code
    venue.code, venue.name, venue.address = item.code, item.name, item.address
    venue.organization = owner
    record_change(db, venue, "update", changes)
    audit(db, "edit_venue", subject, venue.institution_id, changes=shown)
    plans = _staffed(db, venue) if "organization_id" in changes else ()
    return VenueSaved(venue, "updated", plans)


def _staffed(db: Session, venue: Venue) -> tuple[int, ...]:
    """Published plans staffing the venue's planned sessions."""
    return plans_in_force(
        db,
        (AssessmentSession.venue_id == venue.id)
        & (AssessmentSession.status == SessionStatus.PLANNED),
    )
