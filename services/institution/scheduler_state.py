"""The scheduler's marks in the database: its heartbeat, and watermarks of incremental jobs.

`scheduler_alive` lets any process (the web app, `panelplan plan`) tell whether a scheduler
is running, without importing `jobs/`: the scheduler beats every few seconds and clears its
beat when it stops.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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
    """Record that the scheduler `owner` (host:pid) is alive at `now`."""
    state = mark(db, HEARTBEAT)
    state.at, state.owner = now, owner
    db.flush()


def stop_beating(db: Session, owner: str) -> None:
    """Clear the heartbeat of a scheduler that stops cleanly (if it is still the owner)."""
    state = db.get(SchedulerState, HEARTBEAT)
    if state is not None and state.owner == owner:
        state.at = None
        db.flush()


def aware(value: datetime) -> datetime:
    """A stored UTC timestamp as an aware datetime (SQLite hands them back naive)."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def alive_owner(db: Session, now: datetime) -> str | None:
    """The scheduler (host:pid) that beat within ALIVE_WITHIN of `now`, if any."""
    state = db.get(SchedulerState, HEARTBEAT)
    if state is None or state.at is None or now - aware(state.at) > ALIVE_WITHIN:
        return None
    return state.owner


def scheduler_alive(db: Session, now: datetime) -> bool:
    """Whether a scheduler process is running (it beat within ALIVE_WITHIN of `now`)."""
    return alive_owner(db, now) is not None
