"""`panelplan import examiners|sessions|candidates|occupations FILE [--dry-run] [--strict]`.

Prints a summary line per sheet and each bad row (row, column, reason) on its own line,
in the chosen language. Exit status: 0 every row imported, 1 some rows skipped, 2 refused
(strict mode with a bad row, or an unreadable file): nothing written.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from cli.database import add_common, run_unit
from services.imports.common import ImportReport
from services.imports.examiners import import_examiners
from services.imports.occupations import import_occupations
from services.imports.sessions import import_sessions
from services.institution.context import institution
from services.messages import LANGS

KINDS = {
    "examiners": "考评人员（附件2 汇总表格式 .xlsx/.csv） examiners in the Attachment 2 layout",
    "sessions": "场次（及同一工作簿中的考生名单） sessions, and a candidate sheet in the same workbook",
    "candidates": "考生名单 candidate lists",
    "occupations": "职业目录（职业编码、名称、大典版本、配比） the occupation catalogue",
}


def register(commands: Any) -> None:
    """Add `import` with its kinds to the `panelplan` command."""
    command = commands.add_parser(
        "import", help="import examiners, sessions, candidate lists or occupations"
    )
    kinds = command.add_subparsers(required=True, metavar="KIND")
    for kind, text in KINDS.items():
        parser = kinds.add_parser(kind, help=text)
        parser.add_argument("file", type=Path, metavar="FILE", help=".xlsx or .csv file")
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row and report; write nothing"
        )
        parser.add_argument(
            "--strict", action="store_true", help="refuse the whole file when any row is bad"
        )
        add_common(parser)
        parser.set_defaults(run=_runner(kind))


def language(choice: str | None) -> str:
    """The message language: --lang, else $PANELPLAN_LANG, else Chinese."""
    lang = choice or os.environ.get("PANELPLAN_LANG") or "zh"
    return lang if lang in LANGS else "zh"


def _runner(kind: str) -> Any:
    return lambda args: _run(kind, args)


def _run(kind: str, args: argparse.Namespace) -> int:
    lang = language(args.lang)

    def work(session: Session) -> int:
        where = institution(session, args.institution)
        options = {"dry_run": args.dry_run, "strict": args.strict}
        if kind == "examiners":
            reports = [import_examiners(session, where, args.file, **options)]
        elif kind == "occupations":
            reports = [import_occupations(session, where, args.file, **options)]
        else:
            kinds = ("sessions", "candidates") if kind == "sessions" else ("candidates",)
            reports = import_sessions(session, where, args.file, kinds=kinds, **options)
        return _show(reports, lang)

    return run_unit(work, lang=lang, url=args.database)


def _show(reports: list[ImportReport], lang: str) -> int:
    for report in reports:
        print(report.summary(lang))
        for line in report.lines(lang):
            print(f"  {line}")
    return max(report.exit_code for report in reports)
