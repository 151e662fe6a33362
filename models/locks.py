"""Transaction-scoped locks that serialise one kind of write across processes.

On PostgreSQL, `hold(session, name, key)` takes an advisory lock (`pg_advisory_xact_lock`)
held until the session's transaction commits or rolls back: a second transaction asking
for the same lock waits for the first, and then reads what it committed (read committed
gives every statement a fresh snapshot). On SQLite nothing is needed: every unit of work
that may write begins `IMMEDIATE` (see `models.db`), so writers already run one at a time.
"""

from __future__ import annotations

import zlib

from sqlalchemy import text
from sqlalchemy.orm import Session

# One lock space per kind of write (the first key of the two-key advisory lock).
SPACES = {"publish": 1, "sign_in": 2}


def hold(session: Session, name: str, key: str | int) -> None:
    """Wait for and hold the lock `name` on `key` until the session's transaction ends."""
    if session.get_bind().dialect.name != "postgresql":
        return
    # crc32 of the key's text, shifted into PostgreSQL's signed 32-bit integer range.
    number = zlib.crc32(str(key).encode()) - 2**31
    session.execute(
        text("SELECT pg_advisory_xact_lock(:space, :key)"),
        {"space": SPACES[name], "key": number},
    )
