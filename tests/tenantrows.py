"""Every row one institution owns, for the tenancy tests: what another institution's work must
leave as it was (a plain module)."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models import Base


def rows_of(db: Session, institution_id: int) -> dict[str, list[tuple[str, ...]]]:
    """Every row that belongs to the institution, table by table: rows with its
    `institution_id`, and rows of tables without one that point at such a row (an examiner's
    certificates, a plan's seats, a batch's entries), parents first."""
    owned: dict[str, set[int]] = {}
    found: dict[str, list[tuple[str, ...]]] = {}
    for table in Base.metadata.sorted_tables:
        if table.name == "institutions":
            where = table.c.id == institution_id
        elif "institution_id" in table.c:
            where = table.c.institution_id == institution_id
        else:
            links = [
                column.in_(owned[key.column.table.name])
                for column in table.c
                for key in column.foreign_keys
                if key.column.table.name in owned
            ]
            if not links:
                continue
            where = or_(*links)
        rows = db.execute(select(table).where(where)).all()
        if "id" in table.c:
            owned[table.name] = {row.id for row in rows}
        found[table.name] = sorted(tuple(str(value) for value in row) for row in rows)
    return found
