"""What the session and venue forms share: the change history of a schedule row, and the
published plans whose panels in force staff given sessions.

Sessions and venues are not among the tables the change history tracks by itself
(`models.history.tracked_tables`), yet a published plan depends on them: a session moved to
another day or venue, or a venue owned by another organisation (H4), may no longer fit the
panel chosen for it. So a change made through a form writes its own `Change` row (who, when,
old → new); that row is also what wakes the published-plan revalidation
(`services.planning.revalidation`), which re-checks the plans in force on its next run and raises a
`plan_invalid` alert on the dashboard when one no longer passes.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from models import AssessmentSession, Change, PanelSeat, Plan
from models.base import PlanStatus

Diff = dict[str, list[Any]]


def plain(value: Any) -> Any:
    """A JSON-ready form of a column value (as the change history stores them)."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def diff(row: Any, wanted: Mapping[str, Any]) -> Diff:
    """The fields of `row` that `wanted` changes: name -> [old, new] (plain values)."""
    return {
        name: [plain(getattr(row, name)), plain(value)]
        for name, value in wanted.items()
        if plain(getattr(row, name)) != plain(value)
    }


def record_change(db: Session, row: Any, action: str, changes: Diff) -> None:
    """Add the change history row of `row` (flushed first when new: it needs its id)."""
    if row.id is None:
        db.flush()
    db.add(
        Change(
            actor=db.info.get("actor"),
            entity=row.__tablename__,
            entity_id=row.id,
            action=action,
            changes=changes,
        )
    )


def plans_in_force(db: Session, where: ColumnElement[bool]) -> tuple[int, ...]:
    """Versions of the published plans whose panels in force staff the sessions `where`
    selects."""
    sessions = select(AssessmentSession.id).where(where)
    versions = db.scalars(
        select(Plan.version)
        .join(PanelSeat, PanelSeat.plan_id == Plan.id)
        .where(Plan.status == PlanStatus.PUBLISHED, PanelSeat.session_id.in_(sessions))
        .distinct()
        .order_by(Plan.version)
    )
    return tuple(versions)


def versions_text(versions: Iterable[int], lang: str) -> str:
    """`v3、v4` (zh) or `v3, v4` (en)."""
    return ("、" if lang == "zh" else ", ").join(f"v{v}" for v in versions)
