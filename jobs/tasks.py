"""The scheduler's own job functions: module-level, no arguments, one unit of work each.

They open the database named by `DATABASE_URL` (the scheduler process sets it from
`--database`), so nothing but a textual reference and a trigger is stored in the job store.
Each calls a service with the date of the institutions' calendar day (Asia/Shanghai) and
commits; a failure rolls its unit back and propagates, for APScheduler to log.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import Institution
from models.base import LOCAL, utcnow
from models.db import database_url, make_engine, session_factory, transaction
from services.alerts import compliance
from services.alerts.notify import SmtpSettings, send_pending
from services.institution.scheduler_state import renew, take_lease, this_process
from services.notices.links import link_maker
from services.notices.mail import send_due
from services.planning import revalidation

log = logging.getLogger(__name__)
ACTOR = "scheduler"  # the change history's actor for what the jobs write
_factories: dict[str, sessionmaker[Session]] = {}


def factory(url: str | None = None) -> sessionmaker[Session]:
    """A session factory on `url` (default `DATABASE_URL`), one engine per URL per process."""
    url = url or database_url()
    if url not in _factories:
        _factories[url] = session_factory(make_engine(url))
    return _factories[url]


def dispose() -> None:
    """Close the engines the jobs opened (at scheduler shutdown)."""
    for made in _factories.values():
        made.kw["bind"].dispose()
    _factories.clear()


@contextmanager
def unit() -> Iterator[Session]:
    """One job run's unit of work: committed at the end, rolled back if it raises."""
    with transaction(factory(), ACTOR) as db:
        yield db


def owner() -> str:
    """This scheduler process, as the heartbeat names it: host:pid:start."""
    return this_process()


def local_day(now: datetime) -> date:
    """The institutions' calendar day at `now`."""
    return now.astimezone(LOCAL).date()


def take_over() -> str | None:
    """Take the scheduler lease; the live scheduler that holds it instead, if any."""
    with unit() as db:
        return take_lease(db, utcnow(), owner())


class LeaseLost(RuntimeError):
    """Another scheduler holds the lease: this one must stop (`panelplan scheduler` does)."""


def heartbeat() -> None:
    """Renew this scheduler's lease (taking it if free); LeaseLost if another one holds it."""
    with unit() as db:
        now = utcnow()
        holder = None if renew(db, now, owner()) else take_lease(db, now, owner())
    if holder is not None:
        raise LeaseLost(f"the scheduler lease is held by {holder}")


def daily_sweep() -> int:
    """Run the compliance sweep of every institution for today; the alerts opened."""
    now = utcnow()
    with unit() as db:
        institutions = db.scalars(select(Institution).order_by(Institution.id)).all()
        opened = sum(len(compliance.sweep(db, i, local_day(now), now)) for i in institutions)
    log.info("compliance sweep: %d new alert(s)", opened)
    notify(now)
    return opened


def revalidate_plans() -> int:
    """Re-check the published plans if examiner data changed; the alerts opened."""
    now = utcnow()
    with unit() as db:
        opened = len(revalidation.revalidate(db, local_day(now), now))
    if opened:
        log.info("plan revalidation: %d plan(s) no longer pass", opened)
    notify(now)
    return opened


def notify(now: datetime) -> int:
    """Mail the new alerts when SMTP is configured (a failure is logged, never raised)."""
    settings = SmtpSettings.from_env()
    if settings is None:
        return 0
    with unit() as db:
        return send_pending(db, settings, now)


def send_notices() -> int:
    """Mail the examiners' pending notices when SMTP, the secret and the public address are set.

    The personal links are signed with `PANELPLAN_SECRET_KEY` (the web app's secret) and start
    with `PANELPLAN_PUBLIC_URL`; without either nothing is sent (the call list still works).
    """
    settings = SmtpSettings.from_env(recipients_needed=False)
    secret, base = os.environ.get("PANELPLAN_SECRET_KEY"), os.environ.get("PANELPLAN_PUBLIC_URL")
    if settings is None or not secret or not base:
        return 0
    with unit() as db:
        sent, failed = send_due(db, settings, link_maker(secret, base), utcnow())
    if sent or failed:
        log.info("notices to examiners: %d sent, %d failed", sent, failed)
    return sent
