"""`panelplan plan`, `panelplan jobs` and `panelplan cancel`: solve jobs from the command line.

`plan` records a solve request (refused at once, nothing queued, when it could never be
solved), then waits for it, printing progress from the job row; `--no-wait` prints the
job id and returns. The scheduler runs the job; without a running scheduler `plan` runs it
itself in a worker process and says so (`cli.follow`). Exit codes: 0 a plan was stored
(OPTIMAL, FEASIBLE; also a cancelled job that kept its best plan), 1 the solver found no
plan (stored as a draft) or the job was cancelled before any, 2 refused (nothing queued; with
`--publish`, the draft is kept), 3 the job failed or was interrupted (nothing stored).
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from cli.database import EXIT_REFUSED, add_common, open_database, run_unit
from cli.plans import lang_of, options_from, print_plan, print_refusal, solve_options
from models import JobStatus, Plan, SolveJob
from models.db import database_url
from services.institution.context import institution
from services.messages import Refused
from services.planning.publishing import publish
from services.planning.solve_jobs import cancel, describe, list_jobs, request_plan
from solver.cli import EXIT

from .follow import Say, follow

EXIT_FAILED = 3
EXIT_LEFT = 130  # the planner stopped waiting (Ctrl-C twice); the job goes on


def register(commands: Any) -> None:
    """Add `plan`, `jobs` and `cancel` to the `panelplan` command."""
    plan = commands.add_parser(
        "plan", help="request a solve of a date range (the scheduler runs it), wait for the draft"
    )
    add_common(plan)
    plan.add_argument("--from", dest="date_from", type=date.fromisoformat, required=True)
    plan.add_argument("--to", dest="date_to", type=date.fromisoformat, required=True)
    solve_options(plan)
    plan.add_argument(
        "--policy", type=policy_file, metavar="FILE",
        help="JSON object of policy settings for this solve only (stricter than the institution's)",
    )  # fmt: skip
    wait = plan.add_mutually_exclusive_group()
    wait.add_argument("--publish", action="store_true", help="publish the plan if it passes")
    wait.add_argument("--no-wait", action="store_true", help="print the job id and return")
    plan.set_defaults(run=_plan)
    jobs = commands.add_parser("jobs", help="list solve jobs: queued and running (--all: every)")
    add_common(jobs)
    jobs.add_argument("--all", action="store_true", help="ended jobs too (latest 50)")
    jobs.set_defaults(run=_jobs)
    stop = commands.add_parser(
        "cancel", help="cancel a solve job (a running one keeps its best plan)"
    )
    add_common(stop)
    stop.add_argument("job_id", type=int)
    stop.set_defaults(run=_cancel)


def policy_file(path: str) -> dict[str, Any]:
    """The policy settings in the JSON file `path` (argparse names the file when it fails)."""
    try:
        settings = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise argparse.ArgumentTypeError(f"{path}: {error}") from None
    if not isinstance(settings, dict):
        raise argparse.ArgumentTypeError(f"{path}: 应为 JSON 对象 / not a JSON object")
    return settings


def _plan(args: argparse.Namespace) -> int:
    lang, url = lang_of(args), args.database or database_url()
    say = Say(lang)
    queued: list[int] = []

    def request(db: Session) -> int:
        inst = institution(db, args.institution)
        options = options_from(args)
        job = request_plan(db, inst, args.date_from, args.date_to, options, args.policy)
        queued.append(job.id)
        return 0

    if code := run_unit(request, lang, url):
        return code
    say("queued", id=queued[0])
    if args.no_wait:
        print(queued[0])
        return 0
    factory = open_database(url)
    try:
        job = follow(factory, url, queued[0], say, args.quiet)
    finally:
        factory.kw["bind"].dispose()
    return EXIT_LEFT if job is None else _outcome(args, job, say)


def _outcome(args: argparse.Namespace, job: SolveJob, say: Say) -> int:
    """Publish (if asked) and print the stored plan, or say why there is none."""
    lang = lang_of(args)
    if job.plan_id is None:
        say.line(describe(job, lang))
        for line in (job.error or {}).get(lang, []):
            say.line(line)
        return 1 if job.status == JobStatus.CANCELLED else EXIT_FAILED
    shown: list[Plan] = []
    refusal: list[str] = []

    def finish(db: Session) -> int:
        plan = db.get_one(Plan, job.plan_id)
        code = EXIT[plan.solver_status]
        if args.publish and code == 0:
            try:
                plan = publish(db, institution(db, args.institution), plan.version)
            except Refused as refused:
                refusal.extend(refused.lines(lang))
                code = EXIT_REFUSED
        shown.append(plan)
        return code

    code = run_unit(finish, lang, args.database)
    print_refusal(refusal)  # after the unit: a closed pipe never rolls back a publication
    if shown:
        print_plan(shown[0], lang)
    return code


def _jobs(args: argparse.Namespace) -> int:
    lang = lang_of(args)

    def show(db: Session) -> int:
        found = list_jobs(db, institution(db, args.institution), everything=args.all)
        for job in found:
            print(describe(job, lang))
        if not found:
            print(
                "没有排队或进行中的求解任务" if lang == "zh" else "no queued or running solve job"
            )
        return 0

    return run_unit(show, lang, args.database)


def _cancel(args: argparse.Namespace) -> int:
    lang = lang_of(args)

    def stop(db: Session) -> int:
        print(describe(cancel(db, args.job_id, institution(db, args.institution)), lang))
        return 0

    return run_unit(stop, lang, args.database)
