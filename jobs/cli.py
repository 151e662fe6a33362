"""The `panelplan` console script: every command of `cli.app`, plus `panelplan scheduler`.

`services/` may not import `jobs/`, so the entry point lives here and adds the scheduler's
command to the parser `cli.app.build_parser()` builds.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from cli import app as services_cli
from models.db import database_url

from . import plan_cli
from .scheduler import serve


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


def register_all(commands: Any) -> None:
    """Add every command of `jobs/` (scheduler, plan, jobs, cancel)."""
    register(commands)
    plan_cli.register(commands)


def main(argv: list[str] | None = None) -> int:
    """The commands of `services` and `jobs` (the console script is `webapp.cli:main`)."""
    parser, commands = services_cli.build_parser()
    register_all(commands)
    return services_cli.run(parser, argv)


if __name__ == "__main__":
    sys.exit(main())
