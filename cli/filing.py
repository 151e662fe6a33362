"""`panelplan filing ...`: training plans and filing batches (备案, R7) from the command line.

    panelplan filing training-plan add TITLE --start D --end D [--trainees N]
    panelplan filing training-plan {file,accept,return,reopen} ID [--date D]
    panelplan filing batch create [--plan ID] [--examiner CODE ...] [--year YYYY] [--date D]
    panelplan filing batch {add,remove} ID --examiner CODE ...
    panelplan filing batch {file,accept,return,reopen} ID [--date D] [--reason TEXT]
    panelplan filing batch export ID [-o DIR] [--masked]     # Attachments 1 and 2
    panelplan filing list

Exit codes: 0 done, 2 refused (nothing written; reasons in the planner's language).
"""

from __future__ import annotations

import argparse
import os
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cli.database import add_common, run_unit
from models import FilingBatch, Institution, TrainingPlan
from services.filing import batches as filing_batches
from services.filing import forms as forms_export
from services.filing import forms_rows
from services.filing import training as filing
from services.filing.training import STATUS_NAMES
from services.institution.context import institution
from services.messages import Problem, Refused

MESSAGES = {
    "unknown_plan": {"zh": "没有编号为 {id} 的培训方案", "en": "no training plan {id}"},
}
PLAN_ACTIONS = ("file", "accept", "return", "reopen")
BATCH_ACTIONS = ("file", "accept", "return", "reopen")


def register(commands: Any) -> None:
    """Add `filing` (training-plan, batch, list) to the `panelplan` command."""
    top = commands.add_parser("filing", help="备案: training plans and filing batches (R7)")
    kinds = top.add_subparsers(dest="what", required=True, metavar="WHAT")
    _plan_commands(kinds.add_parser("training-plan", help="培训方案"))
    _batch_commands(kinds.add_parser("batch", help="考评人员备案批次"))
    listing = kinds.add_parser("list", help="every training plan and batch with its status")
    add_common(listing)
    listing.set_defaults(run=_list)


def _plan_commands(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="record a training plan (a draft)")
    add.add_argument("title")
    add.add_argument("--start", type=date.fromisoformat, required=True)
    add.add_argument("--end", type=date.fromisoformat, required=True)
    add.add_argument("--trainees", type=int)
    add.add_argument("--content")
    add.set_defaults(run=_plan_add)
    for name in PLAN_ACTIONS:
        step = actions.add_parser(name, help=f"{name} a training plan")
        step.add_argument("id", type=int)
        step.add_argument("--date", type=date.fromisoformat, help="default: today")
        step.set_defaults(run=_plan_step)
    for sub in actions.choices.values():
        add_common(sub)


def _batch_commands(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="a draft batch: listed examiners, or the plan's")
    create.add_argument("--plan", type=int, metavar="ID", help="the training plan")
    create.add_argument("--examiner", nargs="+", metavar="CODE")
    create.add_argument("--year", type=int)
    create.add_argument("--date", type=date.fromisoformat, help="default: today")
    create.set_defaults(run=_batch_create)
    for name in ("add", "remove"):
        edit = actions.add_parser(name, help=f"{name} examiners (a draft or returned batch)")
        edit.add_argument("id", type=int)
        edit.add_argument("--examiner", nargs="+", metavar="CODE", required=True)
        edit.set_defaults(run=_batch_edit)
    for name in BATCH_ACTIONS:
        step = actions.add_parser(name, help=f"{name} a batch")
        step.add_argument("id", type=int)
        step.add_argument("--date", type=date.fromisoformat, help="default: today")
        step.add_argument("--reason", help="why it was returned")
        step.set_defaults(run=_batch_step)
    export = actions.add_parser("export", help="write the batch's Attachments 1 and 2")
    export.add_argument("id", type=int)
    export.add_argument("-o", "--output", type=Path, default=Path("."), help="directory")
    export.add_argument("--masked", action="store_true", help="mask ID numbers")
    export.set_defaults(run=_batch_export)
    for sub in actions.choices.values():
        add_common(sub)


def _plan_add(args: argparse.Namespace) -> int:
    def work(session: Session) -> int:
        home = institution(session, args.institution)
        plan = filing.add_training_plan(
            session, home, args.title, args.start, args.end, args.trainees, args.content
        )
        print(f"training plan {plan.id}: {plan.title} ({_status(plan, args)})")
        return 0

    return _run(work, args)


def _plan_step(args: argparse.Namespace) -> int:
    def work(session: Session) -> int:
        plan = _plan(session, institution(session, args.institution), args.id)
        day = args.date or date.today()
        steps = {
            "file": lambda: filing.file_training_plan(session, plan, day),
            "accept": lambda: filing.accept_training_plan(session, plan),
            "return": lambda: filing.return_training_plan(session, plan),
            "reopen": lambda: filing.reopen_training_plan(session, plan),
        }
        steps[args.action]()
        print(f"training plan {plan.id}: {_status(plan, args)}")
        return 0

    return _run(work, args)


def _batch_create(args: argparse.Namespace) -> int:
    def work(session: Session) -> int:
        home = institution(session, args.institution)
        plan = _plan(session, home, args.plan) if args.plan is not None else None
        chosen = None
        if args.examiner:
            chosen = [f.examiner for f in forms_rows.chosen_examiners(session, home, args.examiner)]
        day = args.date or date.today()
        batch = filing_batches.create_batch(session, home, day, plan, chosen, args.year)
        print(f"batch {batch.id}: {len(batch.entries)} examiners ({_status(batch, args)})")
        return 0

    return _run(work, args)


def _batch_edit(args: argparse.Namespace) -> int:
    def work(session: Session) -> int:
        home = institution(session, args.institution)
        batch = forms_rows.find_batch(session, home, args.id)
        chosen = [f.examiner for f in forms_rows.chosen_examiners(session, home, args.examiner)]
        change = (
            filing_batches.add_to_batch
            if args.action == "add"
            else filing_batches.remove_from_batch
        )
        change(session, batch, chosen)
        print(f"batch {batch.id}: {len(batch.entries)} examiners ({_status(batch, args)})")
        return 0

    return _run(work, args)


def _batch_step(args: argparse.Namespace) -> int:
    def work(session: Session) -> int:
        batch = forms_rows.find_batch(session, institution(session, args.institution), args.id)
        day = args.date or date.today()
        steps = {
            "file": lambda: filing_batches.file_batch(session, batch, day),
            "accept": lambda: filing_batches.accept_batch(session, batch, day),
            "return": lambda: filing_batches.return_batch(session, batch, args.reason),
            "reopen": lambda: filing_batches.reopen_batch(session, batch),
        }
        steps[args.action]()
        print(f"batch {batch.id}: {_status(batch, args)}")
        return 0

    return _run(work, args)


def _batch_export(args: argparse.Namespace) -> int:
    def work(session: Session) -> int:
        home = institution(session, args.institution)
        batch = forms_rows.find_batch(session, home, args.id)
        filed = forms_rows.batch_examiners(session, batch)
        full = not args.masked
        args.output.mkdir(parents=True, exist_ok=True)
        first = args.output / forms_export.attachment1_name(home, f"批次{batch.id}")
        second = args.output / forms_export.attachment2_name(home, batch.year, f"批次{batch.id}")
        forms_export.write_attachment1(session, home, filed, first, full_ids=full)
        forms_export.write_attachment2(session, home, batch.year, filed, second, full_ids=full)
        print(first)
        print(second)
        return 0

    return _run(work, args)


def _list(args: argparse.Namespace) -> int:
    def work(session: Session) -> int:
        home = institution(session, args.institution)
        for plan in session.scalars(_of(TrainingPlan, home)):
            print(
                f"plan {plan.id}\t{plan.title}\t{plan.starts_on}…{plan.ends_on}\t{_status(plan, args)}"
            )
        for batch in session.scalars(_of(FilingBatch, home)):
            print(f"batch {batch.id}\t{batch.year}\t{len(batch.entries)}\t{_status(batch, args)}")
        return 0

    return _run(work, args)


def _of(model: Any, home: Institution) -> Any:
    return select(model).where(model.institution_id == home.id).order_by(model.id)


def _plan(session: Session, home: Institution, plan_id: int) -> TrainingPlan:
    plan = session.get(TrainingPlan, plan_id)
    if plan is None or plan.institution_id != home.id:
        raise Refused([Problem.of(MESSAGES, "unknown_plan", "plan", id=plan_id)])
    return plan


def _status(record: TrainingPlan | FilingBatch, args: argparse.Namespace) -> str:
    zh, en = STATUS_NAMES[record.status]
    return zh if _lang(args) == "zh" else en


def _run(work: Any, args: argparse.Namespace) -> int:
    return run_unit(work, _lang(args), args.database)


def _lang(args: argparse.Namespace) -> str:
    return args.lang or os.environ.get("PANELPLAN_LANG", "zh")
