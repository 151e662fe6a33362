"""`panelplan alerts [--all] [--ack ID] [--resolve ID]` and `panelplan confirm EXAMINER_CODE`.

Exit codes: 0 done, 2 refused (an unknown alert or examiner; nothing written).
"""

from __future__ import annotations

import argparse
import os
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from cli.database import add_common, run_unit
from models.base import LOCAL, utcnow
from services.alerts import compliance
from services.alerts import store as alerts
from services.institution.context import institution


def register(commands: Any) -> None:
    """Add `alerts` and `confirm` to the `panelplan` command."""
    listing = commands.add_parser("alerts", help="list what the scheduled jobs found")
    add_common(listing)
    listing.add_argument("--all", action="store_true", help="resolved alerts too")
    listing.add_argument("--ack", type=int, action="append", default=[], metavar="ID")
    listing.add_argument("--resolve", type=int, action="append", default=[], metavar="ID")
    listing.set_defaults(run=_alerts)
    confirm = commands.add_parser(
        "confirm", help="record that an examiner's contact and qualification data was checked"
    )
    add_common(confirm)
    confirm.add_argument("examiner", metavar="EXAMINER_CODE")
    confirm.add_argument("--date", type=date.fromisoformat, default=None, help="default: today")
    confirm.set_defaults(run=_confirm)


def _alerts(args: argparse.Namespace) -> int:
    lang = _lang(args)

    def work(db: Session) -> int:
        inst, now = institution(db, args.institution), utcnow()
        for alert_id in args.ack:
            alerts.acknowledge(db, inst, alert_id, now)
        for alert_id in args.resolve:
            alerts.resolve(db, inst, alert_id, now)
        for alert in alerts.list_alerts(db, inst, include_resolved=args.all):
            line = alerts.describe(alert, lang)
            print(f"#{line.id} [{line.state}] {alert.last_seen:%Y-%m-%d} {line.text}")
            for detail in line.details:
                print(f"    {detail}")
        return 0

    return run_unit(work, lang, args.database)


def _confirm(args: argparse.Namespace) -> int:
    lang = _lang(args)

    def work(db: Session) -> int:
        inst = institution(db, args.institution)
        today = args.date or utcnow().astimezone(LOCAL).date()
        examiner = compliance.confirm_examiner(db, inst, args.examiner, today)
        print(f"{examiner.name}（{examiner.code}）信息已确认 / data confirmed on {today}")
        return 0

    return run_unit(work, lang, args.database)


def _lang(args: argparse.Namespace) -> str:
    return args.lang or os.environ.get("PANELPLAN_LANG", "zh")
