"""`panelplan publish` and `panelplan what-if`: planning from the database; the helpers
`panelplan plan` (`cli.solving`, a solve job) shares with them.

Exit codes follow `panelplan solve`: 0 when a plan was stored (OPTIMAL, FEASIBLE), 1 when
the solver found none (INFEASIBLE, UNKNOWN: the attempt is still stored as a draft), 2 when
the request is refused (nothing written), or when `--publish` is refused (the draft is kept).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from cli.database import add_common, run_unit
from services.institution.context import institution
from services.planning.plans import status_name
from services.planning.publishing import publish
from services.whatif.rerun import WhatIf, what_if
from services.whatif.withdrawals import Withdrawal
from solver.cli import EXIT
from solver.numbers import argument, decimal, whole
from solver.options import SEED, TIME_LIMIT, WORKERS
from solver.solve import Control, Options, Progress

SHOWN_SESSIONS = 15  # rows of the short table; the full plan is in the web app and exports


def register(commands: Any) -> None:
    """Add `publish` and `what-if` to the `panelplan` command (`plan` is `cli.solving`'s)."""
    pub = commands.add_parser("publish", help="publish a checked draft plan version")
    add_common(pub)
    pub.add_argument("version", type=int)
    pub.set_defaults(run=_publish)
    rerun = commands.add_parser("what-if", help="record a withdrawal and rerun the published plan")
    add_common(rerun)
    rerun.add_argument("--withdraw", metavar="EXAMINER_CODE", required=True)
    rerun.add_argument("--session", metavar="CODE", help="the session withdrawn from")
    rerun.add_argument("--from", dest="date_from", type=date.fromisoformat)
    rerun.add_argument("--to", dest="date_to", type=date.fromisoformat)
    rerun.add_argument("--reason", help="why (recorded with the unavailability)")
    solve_options(rerun)
    rerun.set_defaults(run=_what_if)


def solve_options(parser: argparse.ArgumentParser) -> None:
    """The search options of `plan` and `what-if`: time limit, workers, seed, quiet."""
    # Unreadable numbers are refused here; readable ones out of range (zero seconds, -1
    # workers) by the service, which says so with every other reason (solver.options).
    parser.add_argument(
        "--time-limit", type=argument(decimal, *_wide(TIME_LIMIT)), help="seconds (whole solve)"
    )
    parser.add_argument(
        "--workers", type=argument(whole, *_wide(WORKERS)), default=0, help="search workers"
    )
    parser.add_argument("--seed", type=argument(whole, *_wide(SEED)), default=0, help="tie-break")
    parser.add_argument("--deterministic", action="store_true", help="same seed, same plan")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")


def _wide(bounds: tuple[Any, Any]) -> tuple[Any, Any]:
    return -bounds[1], bounds[1]


def lang_of(args: argparse.Namespace) -> str:
    """The message language: --lang, else $PANELPLAN_LANG, else Chinese."""
    return args.lang or os.environ.get("PANELPLAN_LANG", "zh")


def options_from(args: argparse.Namespace) -> Options:
    """The solver options the command line asks for."""
    return Options(args.time_limit, args.workers, args.seed, args.deterministic, lang_of(args))


def _unit(
    args: argparse.Namespace, work: Callable[[Session, list[Callable[[], None]]], int]
) -> int:
    """Run `work` in one transaction, then its printing: output cut short (a closed pipe)
    must not roll back a stored or published plan."""
    report: list[Callable[[], None]] = []
    code = run_unit(lambda db: work(db, report), lang_of(args), args.database)
    for show in report:
        show()
    return code


@contextmanager
def _interruptible() -> Iterator[Control]:
    """Ctrl-C stops the search and keeps the best plan so far (as `panelplan solve` does)."""
    control = Control()
    previous = signal.signal(signal.SIGINT, lambda *_: control.stop())
    try:
        yield control
    finally:
        signal.signal(signal.SIGINT, previous)


def _progress(args: argparse.Namespace) -> Callable[[Progress], None] | None:
    if args.quiet:
        return None
    closed: list[bool] = []

    def show(p: Progress) -> None:
        if closed:
            return
        o = p.objective.as_tuple()
        try:
            print(f"{p.elapsed:8.2f}s  {p.level:<14} objective {o}", file=sys.stderr, flush=True)
        except BrokenPipeError:  # the reader went away: keep solving, stop telling
            closed.append(True)

    return show


def print_refusal(lines: list[str]) -> None:
    """Refusal lines, on stderr."""
    for line in lines:
        print(line, file=sys.stderr)


def _publish(args: argparse.Namespace) -> int:
    def work(db: Session, report: list[Callable[[], None]]) -> int:
        plan = publish(db, institution(db, args.institution), args.version)
        report.append(lambda: print_plan(plan, lang_of(args), table=False))
        return 0

    return _unit(args, work)


def _what_if(args: argparse.Namespace) -> int:
    lang = lang_of(args)
    withdrawal = Withdrawal(args.withdraw, args.session, args.date_from, args.date_to, args.reason)

    def work(db: Session, report: list[Callable[[], None]]) -> int:
        with _interruptible() as control:
            outcome = what_if(
                db, institution(db, args.institution), [withdrawal], options_from(args),
                progress=_progress(args), control=control,
            )  # fmt: skip
        report.append(lambda: print_plan(outcome.plan, lang, table=False))
        report.append(lambda: print_differences(outcome, lang))
        return EXIT[outcome.plan.solver_status]

    return _unit(args, work)


def print_plan(plan: Any, lang: str, table: bool = True) -> None:
    """The version, status, solver status, objective and (optionally) a short table."""
    result = plan.result
    o = result.get("objective", {})
    vector = tuple(o.get(k, 0) for k in ("unfilled", "changes", "load_squares", "leader_squares"))
    head = "方案" if lang == "zh" else "plan"
    print(
        f"{head} v{plan.version}  {status_name(plan.status, lang)}  {plan.solver_status}  "
        f"{plan.date_from} ~ {plan.date_to}  objective {vector}  {result.get('solve_seconds', 0):.1f}s"
    )
    for d in result.get("diagnostics", []):
        print(f"  {d['rule']} {d.get('session') or ''} {d['message']}")
    if not table:
        return
    names = {e["id"]: e.get("name") or e["id"] for e in plan.instance.get("examiners", ())}
    assignments = result.get("assignments", [])
    for a in assignments[:SHOWN_SESSIONS]:
        others = "、".join(names.get(m, m) for m in a["members"] if m != a["leader"])
        leader = names.get(a["leader"] or "", "—")
        print(f"  {a['session']}  {'组长' if lang == 'zh' else 'leader'} {leader}  {others}")
    if len(assignments) > SHOWN_SESSIONS:
        more = len(assignments) - SHOWN_SESSIONS
        print(f"  …（另有 {more} 个场次）" if lang == "zh" else f"  … ({more} more sessions)")


def print_differences(outcome: WhatIf, lang: str) -> None:
    """Dropped locks, then per session who leaves, who joins and leader changes."""
    zh = lang == "zh"
    for lock in outcome.dropped_locks:
        what = "解除锁定" if zh else "lock dropped"
        print(f"  {what}: {lock['session']} {lock['examiner']} {lock['role']}")
    base = outcome.published.version
    print(
        f"与已发布方案 v{base} 相比变动 {outcome.changes} 人次"
        if zh
        else f"{outcome.changes} change(s) against published plan v{base}"
    )
    for d in outcome.differences:
        parts = []
        if d.leaves:
            parts.append(("退出 " if zh else "leaves ") + "、".join(d.leaves))
        if d.joins:
            parts.append(("加入 " if zh else "joins ") + "、".join(d.joins))
        if d.leader_before != d.leader_after:
            parts.append(("组长 " if zh else "leader ") + f"{d.leader_before} → {d.leader_after}")
        print(f"  {d.session}  " + "；".join(parts))
