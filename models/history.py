"""Change history (R1): who changed what, when, old → new.

`track_changes(factory)` hooks a session factory so that every flush records one `Change`
row per inserted, updated or deleted examiner, appointment, qualification, certificate,
conflict, unavailability, warning, revocation, plan or occupation. The rows go in with the same
transaction as the change, so a rolled-back import leaves no history either. The actor
is `session.info["actor"]` (set by `models.db.acting_as`).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import DateTime, ForeignKey, String, Table, event, insert, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from .base import Base, utcnow

UNTRACKED_FIELDS = frozenset({"created_at", "updated_at"})
# A plan's instance and result are stored once on the plan and never edited; copying them
# (megabytes at XL) into every history row would add nothing but size.
UNTRACKED_BY_TABLE = {"plans": frozenset({"instance", "result"})}


class Change(Base):
    """One recorded change to a tracked row."""

    __tablename__ = "changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str | None] = mapped_column(String(80))
    entity: Mapped[str] = mapped_column(String(40))  # table name
    entity_id: Mapped[int] = mapped_column()
    examiner_id: Mapped[int | None] = mapped_column(ForeignKey("examiners.id"), index=True)
    action: Mapped[str] = mapped_column(String(10))  # insert / update / delete
    changes: Mapped[dict[str, Any]] = mapped_column()  # field: [old, new]


def tracked_tables() -> frozenset[str]:
    """Tables whose rows keep a change history."""
    return frozenset(
        {
            "examiners",
            "appointments",
            "qualifications",
            "certificates",
            "conflicts",
            "unavailability",
            "warnings",
            "revocations",
            "plans",
            "occupations",
        }
    )


def track_changes(factory: sessionmaker[Session]) -> None:
    """Record the history of tracked rows on every flush of sessions from `factory`."""
    event.listen(factory, "after_flush", _record)


def _record(session: Session, _context: object) -> None:
    tables = tracked_tables()
    rows = []
    for action, objects in (
        ("insert", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objects:
            table = getattr(obj, "__tablename__", None)
            if table not in tables:
                continue
            changes = _diff(obj, action)
            if changes or action != "update":
                rows.append(_row(session, obj, table, action, changes))
    if rows:
        # Core insert on the flush's connection: the ORM must not see these rows mid-flush.
        session.connection().execute(insert(cast(Table, Change.__table__)), rows)


def _row(session: Session, obj: Any, table: str, action: str, changes: dict) -> dict[str, Any]:
    examiner_id = obj.id if table == "examiners" else getattr(obj, "examiner_id", None)
    return {
        "at": utcnow(),
        "actor": session.info.get("actor"),
        "entity": table,
        "entity_id": obj.id,
        "examiner_id": examiner_id,
        "action": action,
        "changes": changes,
    }


def _diff(obj: Any, action: str) -> dict[str, list[Any]]:
    state = inspect(obj)
    skip = UNTRACKED_FIELDS | UNTRACKED_BY_TABLE.get(obj.__tablename__, frozenset())
    changes: dict[str, list[Any]] = {}
    for column in state.mapper.column_attrs:
        name = column.key
        if name in skip or (name == "id" and action != "delete"):
            continue
        history = state.attrs[name].history
        if action == "delete":
            changes[name] = [_plain(state.attrs[name].value), None]
        elif action == "insert":
            value = state.attrs[name].value
            if value is not None:
                changes[name] = [None, _plain(value)]
        elif history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if _plain(old) != _plain(new):
                changes[name] = [_plain(old), _plain(new)]
    return changes


def _plain(value: Any) -> Any:
    """A JSON-ready form of a column value."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


class AuditEvent(Base):
    """An action worth auditing beyond row changes: an import, a publish, a revocation decision."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str | None] = mapped_column(String(80))
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))  # e.g. import_examiners, publish_plan
    subject: Mapped[str | None] = mapped_column(String(200))  # e.g. a file name, "plan v3"
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


def audit(
    session: Session,
    action: str,
    subject: str | None = None,
    institution_id: int | None = None,
    **details: Any,
) -> AuditEvent:
    """Record that the session's actor did `action` (flushed with the unit of work)."""
    event_row = AuditEvent(
        actor=session.info.get("actor"),
        institution_id=institution_id,
        action=action,
        subject=subject,
        details={k: _plain(v) for k, v in details.items()},
    )
    session.add(event_row)
    return event_row
