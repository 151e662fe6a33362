"""The scheduler's marks in the database: its lease and heartbeat, watermarks of incremental jobs.

One scheduler runs per deployment, however many are started: the `scheduler` mark is a lease.
`take_lease` reads it under a row lock (PostgreSQL `FOR UPDATE`; SQLite's write transactions
are serialised) and takes it only when its holder is gone, so two schedulers starting at the
same moment cannot both win. The holder renews it with every beat (`renew`, conditional on
still holding it) and clears it when it stops. A holder is gone when it has not beaten within
ALIVE_WITHIN or, on this same host, when its process no longer exists (a scheduler killed
with `kill -9` does not block its own restart until the beat goes stale). A holder names
itself `host:pid:start` (`this_process`), the start being its start time in clock ticks
since boot (`/proc/<pid>/stat`, field 22): a pid the system has since given to another
process has another start, so that process is not taken for the scheduler.

`scheduler_alive` lets any process (the web app, `panelplan plan`) tell whether a scheduler
is running, without importing `jobs/`.
"""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.alerts import SchedulerState

HEARTBEAT = "scheduler"
ALIVE_WITHIN = timedelta(seconds=45)  # three missed beats (the beat job runs every 15 s)


def mark(db: Session, name: str) -> SchedulerState:
    """The named mark, created empty the first time."""
    state = db.get(SchedulerState, name)
    if state is None:
        state = SchedulerState(name=name)
        db.add(state)
    return state


def beat(db: Session, now: datetime, owner: str) -> None:
    """Record that the scheduler `owner` (`this_process()`) is alive at `now`."""
    state = mark(db, HEARTBEAT)
    state.at, state.owner = now, owner
    db.flush()


def renew(db: Session, now: datetime, owner: str) -> bool:
    """Beat for `owner` if it still holds the lease; False when another scheduler took it."""
    renewed = db.execute(
        update(SchedulerState)
        .where(SchedulerState.name == HEARTBEAT, SchedulerState.owner == owner)
        .values(at=now)
        .returning(SchedulerState.name)
        .execution_options(synchronize_session=False)
    ).first()
    return renewed is not None


def take_lease(db: Session, now: datetime, owner: str) -> str | None:
    """Become the scheduler unless another live one is; None when taken, else the holder."""
    if db.get(SchedulerState, HEARTBEAT) is None:
        try:
            with db.begin_nested():  # the first scheduler ever creates the row
                db.add(SchedulerState(name=HEARTBEAT))
        except IntegrityError:
            pass  # another one created it meanwhile: the row lock below decides
    query = select(SchedulerState).where(SchedulerState.name == HEARTBEAT).with_for_update()
    state = db.execute(query.execution_options(populate_existing=True)).scalar_one()
    if state.owner != owner and holder_alive(state.owner, state.at, now):
        return state.owner
    state.at, state.owner = now, owner
    db.flush()
    return None


def stop_beating(db: Session, owner: str) -> None:
    """Clear the heartbeat of a scheduler that stops cleanly (if it is still the owner)."""
    state = db.get(SchedulerState, HEARTBEAT)
    if state is not None and state.owner == owner:
        state.at = None
        db.flush()


def aware(value: datetime) -> datetime:
    """A stored UTC timestamp as an aware datetime (SQLite hands them back naive)."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def this_process() -> str:
    """This process as a lease holder names itself: host:pid:start (host:pid without /proc)."""
    pid = os.getpid()
    start = process_start(pid)
    return f"{socket.gethostname()}:{pid}" + ("" if start is None else f":{start}")


def process_start(pid: int) -> str | None:
    """When process `pid` started, in clock ticks since boot; None if unknown (no /proc)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()  # after the command name, which may hold spaces
    return fields[19] if len(fields) > 19 else None  # field 22 of proc(5): starttime


def holder_alive(owner: str | None, at: datetime | None, now: datetime) -> bool:
    """Whether the scheduler `owner` (host:pid[:start]) that beat `at` still runs."""
    if owner is None or at is None or now - aware(at) > ALIVE_WITHIN:
        return False
    host, pid, start = [*owner.split(":", 2), "", ""][:3]
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine's: only its beat can tell
    return _process_runs(int(pid), start or None)


def _process_runs(pid: int, start: str | None) -> bool:
    """Whether process `pid` exists and, when `start` is known, is the one that started then."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: it exists
    if start is None:
        return True  # a holder that did not record its start (or no /proc): trust the pid
    now_start = process_start(pid)
    return now_start is None or now_start == start


def alive_owner(db: Session, now: datetime) -> str | None:
    """The scheduler (host:pid:start) that holds the lease and still runs, if any."""
    state = db.get(SchedulerState, HEARTBEAT)
    if state is None or not holder_alive(state.owner, state.at, now):
        return None
    return state.owner


def scheduler_alive(db: Session, now: datetime) -> bool:
    """Whether a scheduler process is running (it beat within ALIVE_WITHIN of `now`)."""
    return alive_owner(db, now) is not None
