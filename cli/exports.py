"""`panelplan export KIND ...`: every official form and assignment sheet as a file.

The rows come from each feature (`services.filing.forms`, `services.planning.sheet_rows`,
`services.planning.allowance_rows`, `services.discipline.invalid_rows`), the workbooks from
the pure builders in `services.exports`; the web app's downloads call the same functions.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy.orm import Session

from services.discipline.invalid_rows import invalid_file, invalid_rows
from services.exports.allowance import allowance_workbook
from services.exports.assignments import plan_workbook, schedules
from services.exports.calendar import examiner_calendar
from services.exports.dispatch import dispatch_workbook
from services.exports.examiner_sheets import examiner_workbook
from services.exports.invalid import invalid_workbook
from services.exports.layout import output_path
from services.exports.plan_rows import PanelRow, PlanHeader
from services.filing.forms import (
    attachment1_name,
    attachment2_name,
    write_attachment1,
    write_attachment2,
)
from services.filing.forms_rows import batch_examiners, chosen_examiners, find_batch, year_roster
from services.institution.context import institution
from services.planning.allowance_rows import allowance_file, served_seats
from services.planning.plans import find_plan
from services.planning.sheet_rows import (
    calendar_file,
    chosen,
    dispatch_file,
    examiner_files,
    examiners_named,
    plan_file,
    plan_header,
    plan_rows,
)

from .database import add_common, run_unit


def register(commands: Any) -> None:
    """Add `export` and its kinds to the `panelplan` command."""
    export = commands.add_parser("export", help="write official forms and assignment sheets")
    kinds = export.add_subparsers(dest="kind", required=True, metavar="KIND")
    _forms(kinds)
    _sheets(kinds)
    _allowance_kind(kinds)
    _invalid_kind(kinds)


def lang(args: argparse.Namespace) -> str:
    """The language of messages: --lang, else $PANELPLAN_LANG, else Chinese."""
    return args.lang or os.environ.get("PANELPLAN_LANG", "zh")


def _forms(kinds: Any) -> None:
    """Add `attachment1` and `attachment2` to `panelplan export`."""
    one = kinds.add_parser("attachment1", help="附件1 考评人员信息表 (one sheet per examiner)")
    add_common(one)
    which = one.add_mutually_exclusive_group(required=True)
    which.add_argument("--batch", type=int, metavar="ID", help="the examiners of a filing batch")
    which.add_argument("--examiner", nargs="+", metavar="CODE", help="these examiners")
    _output_options(one)
    one.set_defaults(run=_attachment1)
    two = kinds.add_parser("attachment2", help="附件2 考评人员汇总表")
    add_common(two)
    which = two.add_mutually_exclusive_group(required=True)
    which.add_argument("--batch", type=int, metavar="ID", help="the examiners of a filing batch")
    which.add_argument("--year", type=int, metavar="YYYY", help="every examiner valid that year")
    _output_options(two)
    two.set_defaults(run=_attachment2)


def _output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", type=Path, help="file or directory (default: here)")
    parser.add_argument(
        "--masked", action="store_true", help="mask ID numbers (copies that leave the office)"
    )


def _attachment1(args: argparse.Namespace) -> int:
    def work(session: Session) -> int:
        home = institution(session, args.institution)
        if args.batch is not None:
            filed, label = (
                batch_examiners(session, find_batch(session, home, args.batch)),
                f"批次{args.batch}",
            )
        else:
            filed, label = chosen_examiners(session, home, args.examiner), args.examiner[0]
        path = output_path(args.output, attachment1_name(home, label))
        write_attachment1(session, home, filed, path, full_ids=not args.masked)
        print(path)
        return 0

    return run_unit(work, lang(args), args.database)


def _attachment2(args: argparse.Namespace) -> int:
    def work(session: Session) -> int:
        home = institution(session, args.institution)
        if args.batch is not None:
            batch = find_batch(session, home, args.batch)
            filed, year, label = batch_examiners(session, batch), batch.year, f"批次{batch.id}"
        else:
            filed, year, label = year_roster(session, home, args.year), args.year, ""
        path = output_path(args.output, attachment2_name(home, year, label))
        write_attachment2(session, home, year, filed, path, full_ids=not args.masked)
        print(path)
        return 0

    return run_unit(work, lang(args), args.database)


def _sheets(kinds: Any) -> None:
    """Add `plan`, `dispatch` and `examiner` to `panelplan export`."""
    plan = _kind(kinds, "plan", "the whole plan: one row per session (考评小组安排表)", _plan)
    plan.add_argument("-o", "--output", type=Path, metavar="PATH")
    dispatch = _kind(kinds, "dispatch", "one dispatch sheet (派遣单) per session", _dispatch)
    dispatch.add_argument("--session", nargs="+", metavar="CODE", help="only these sessions")
    dispatch.add_argument("-o", "--output", type=Path, metavar="PATH")
    mine = _kind(kinds, "examiner", "one sheet and one .ics calendar per examiner", _examiner)
    mine.add_argument("--examiner", nargs="+", metavar="CODE", help="only these examiners")
    mine.add_argument("-o", "--output", type=Path, metavar="DIR")


def _kind(kinds: Any, name: str, text: str, run: Callable[[argparse.Namespace], int]) -> Any:
    parser = kinds.add_parser(name, help=text)
    add_common(parser)
    parser.add_argument("version", type=int, help="plan version (draft or published)")
    parser.set_defaults(run=run)
    return parser


def save(wb: Workbook, path: Path) -> Path:
    """Write a workbook (creating its directory) and say where."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    print(f"已写出 / wrote {path}")
    return path


def _loaded(db: Session, args: argparse.Namespace) -> tuple[PlanHeader, list[PanelRow]]:
    inst = institution(db, args.institution)
    plan = find_plan(db, inst, args.version)
    return plan_header(db, inst, plan), plan_rows(db, inst, plan)


def _plan(args: argparse.Namespace) -> int:
    def work(db: Session) -> int:
        header, rows = _loaded(db, args)
        default = plan_file(header)
        save(plan_workbook(header, rows), output_path(args.output, default))
        return 0

    return run_unit(work, lang(args), args.database)


def _dispatch(args: argparse.Namespace) -> int:
    def work(db: Session) -> int:
        header, rows = _loaded(db, args)
        rows = chosen(rows, args.session, header.version)
        default = dispatch_file(header)
        save(dispatch_workbook(header, rows), output_path(args.output, default))
        return 0

    return run_unit(work, lang(args), args.database)


def _examiner(args: argparse.Namespace) -> int:
    def work(db: Session) -> int:
        header, rows = _loaded(db, args)
        inst = institution(db, args.institution)
        named = examiners_named(db, inst, args.examiner) if args.examiner else None
        plans = schedules(rows, named)
        workbook, bundle = examiner_files(header)
        folder = args.output or Path(bundle)
        save(examiner_workbook(header, plans), folder / workbook)
        for s in plans:
            (folder / calendar_file(header, s.person)).write_bytes(
                examiner_calendar(header, s.person, s.sessions)
            )
        print(f"{len(plans)} 个日历文件 / calendar files in {folder}")
        return 0

    return run_unit(work, lang(args), args.database)


def _allowance_kind(kinds: Any) -> None:
    """Add `allowance` to `panelplan export`."""
    parser = kinds.add_parser("allowance", help="allowance statement per examiner (津贴补助)")
    add_common(parser)
    parser.add_argument("--from", dest="date_from", type=date.fromisoformat, required=True)
    parser.add_argument("--to", dest="date_to", type=date.fromisoformat, required=True)
    parser.add_argument(
        "--include-planned",
        action="store_true",
        help="also count published panels of sessions not yet held (marked expected)",
    )
    parser.add_argument("-o", "--output", type=Path, metavar="PATH")
    parser.set_defaults(run=_allowance)


def _allowance(args: argparse.Namespace) -> int:
    def work(db: Session) -> int:
        inst = institution(db, args.institution)
        seats = served_seats(db, inst, args.date_from, args.date_to, args.include_planned)
        wb = allowance_workbook(inst.name, args.date_from, args.date_to, seats)
        save(wb, output_path(args.output, allowance_file(inst, args.date_from, args.date_to)))
        return 0

    return run_unit(work, lang(args), args.database)


def _invalid_kind(kinds: Any) -> None:
    """Add `invalid` to `panelplan export`."""
    parser = kinds.add_parser("invalid", help="candidates whose result is void (R5, 成绩无效)")
    add_common(parser)
    parser.add_argument("-o", "--output", type=Path, metavar="PATH")
    parser.set_defaults(run=_invalid)


def _invalid(args: argparse.Namespace) -> int:
    def work(db: Session) -> int:
        inst = institution(db, args.institution)
        today = date.today()
        wb = invalid_workbook(inst.name, today, invalid_rows(db, inst))
        save(wb, output_path(args.output, invalid_file(inst, today)))
        return 0

    return run_unit(work, lang(args), args.database)
