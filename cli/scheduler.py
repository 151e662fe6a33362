"""`panelplan scheduler [--once]`: run the one scheduler process (`jobs.scheduler.serve`)."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from jobs.scheduler import serve
from models.db import database_url


def register(commands: Any) -> None:
    """Add `scheduler` to the `panelplan` command."""
    scheduler = commands.add_parser(
        "scheduler",
        help="run the one scheduler process: compliance sweep, plan revalidation, solve jobs",
    )
    scheduler.add_argument(
        "--database",
        metavar="URL",
        help="database URL (default: $DATABASE_URL or instance/panelplan.db)",
    )
    scheduler.add_argument(
        "--once", action="store_true", help="run every due job once and exit (cron, tests)"
    )
    scheduler.set_defaults(run=_scheduler)


def _scheduler(args: argparse.Namespace) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # APScheduler logs every run at INFO; the solve dispatcher runs every 2 s, so keep only
    # its warnings (missed runs, failed jobs) and our own jobs' messages.
    logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)
    return serve(args.database or database_url(), once=args.once)
