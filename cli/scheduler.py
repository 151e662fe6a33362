"""`panelplan scheduler [--once|--standby]` and `panelplan worker`: the background processes.

The scheduler (`jobs.scheduler.serve`) is the one process per deployment that runs the
periodic work and dispatches solve jobs; a solve worker (`jobs.queue_worker.serve`) takes
solve jobs from the message broker (`$PANELPLAN_BROKER_URL`), as many as there are machines.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import Any

from jobs.broker import BROKER_VARIABLE, broker_url
from jobs.queue_worker import serve as serve_worker
from jobs.scheduler import serve
from models.db import database_url


def register(commands: Any) -> None:
    """Add `scheduler` and `worker` to the `panelplan` command."""
    scheduler = commands.add_parser(
        "scheduler",
        help="run the one scheduler process: compliance sweep, plan revalidation, solve jobs",
    )
    _database(scheduler)
    how = scheduler.add_mutually_exclusive_group()
    how.add_argument(
        "--once", action="store_true", help="run every due job once and exit (cron, tests)"
    )
    how.add_argument(
        "--standby",
        action="store_true",
        help="while another scheduler runs, wait and take over when it stops (instead of exit 2)",
    )
    scheduler.set_defaults(run=_scheduler)
    worker = commands.add_parser(
        "worker", help=f"run one solve worker on the message broker (${BROKER_VARIABLE})"
    )
    _database(worker)
    worker.add_argument("--broker", metavar="URL", help=f"broker URL (default: ${BROKER_VARIABLE})")
    worker.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        metavar="N",
        help="CP-SAT threads per solve (default: every core, one solve at a time)",
    )
    worker.add_argument(
        "--processes", type=int, metavar="N", help="solves at once (default: cores / --workers)"
    )
    worker.set_defaults(run=_worker)


def _database(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database",
        metavar="URL",
        help="database URL (default: $DATABASE_URL or instance/panelplan.db)",
    )


def _logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # APScheduler logs every run at INFO; the solve dispatcher runs every 2 s, so keep only
    # its warnings (missed runs, failed jobs) and our own jobs' messages.
    logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)


def _scheduler(args: argparse.Namespace) -> int:
    _logging()
    return serve(args.database or database_url(), once=args.once, standby=args.standby)


def _worker(args: argparse.Namespace) -> int:
    broker = args.broker or broker_url()
    if broker is None:
        print(
            f"未配置消息代理（${BROKER_VARIABLE}）/ no broker: set ${BROKER_VARIABLE} or --broker",
            file=sys.stderr,
        )
        return 2
    _logging()
    return serve_worker(args.database or database_url(), broker, args.workers, args.processes)
