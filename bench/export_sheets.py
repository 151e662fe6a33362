"""Time each assignment-side export at XL (2500 sessions, 1000 examiners) on SQLite.

    python -m bench.export_sheets [--size XL] [--repeat 2] [--no-write]

Setup (not timed): the generated XL term (seed 0) is loaded into a fresh SQLite file; a
plan is stored cheaply, without solving: each session gets a seeded draw of eligible examiners
from its pool (`data.eligibility.Roster`, H3/H4 only), stored with `services.planning.plans.store_result`
as a FEASIBLE draft, and its seats are put in force directly (publishing would run the
checker, which such panels need not pass). The first half of the term is then marked held
and conflicts are registered after the fact (`services.discipline.conflicts.register_conflict`) so the
invalid-result report has rows. Each export is timed from its own transaction: rows from the
database, the workbook (or calendars) built and written to a temporary directory.
Target (issue 4): each export ≤ 5 s at XL.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import LXML
from openpyxl import __version__ as OPENPYXL
from sqlalchemy import Engine, insert, select, update

from data.eligibility import Roster
from data.generate import generate
from models import (
    AssessmentSession,
    Candidate,
    Examiner,
    Institution,
    PanelSeat,
    PlanSeat,
    SessionCandidate,
)
from models.base import ConflictKind, SessionStatus
from models.db import session_factory, transaction
from services.demo.loading import load_generated
from services.discipline.conflicts import register_conflict
from services.discipline.invalid_rows import invalid_rows
from services.exports.allowance import allowance_workbook
from services.exports.assignments import plan_workbook, schedules
from services.exports.calendar import examiner_calendar
from services.exports.dispatch import dispatch_workbook
from services.exports.examiner_sheets import examiner_workbook
from services.exports.invalid import invalid_workbook
from services.planning.allowance_rows import served_seats
from services.planning.instance import build_instance
from services.planning.plans import find_plan, store_result
from services.planning.sheet_rows import plan_header, plan_rows
from solver.schema import Assignment, Result
from solver.solve import Options

from .build_instance import term
from .database import fresh_engine, write_section
from .run import DOC, machine

TARGET_SECONDS = 5.0
CONFLICTS = 40  # registered after the fact, each voiding the results of held sessions


def store_plan(engine: Engine, span: tuple[date, date]) -> int:
    """Store a roster-staffed plan, put its seats in force; its version."""
    with transaction(session_factory(engine), "bench") as db:
        inst = db.scalars(select(Institution)).one()
        raw = build_instance(db, inst, *span)
        roster = Roster(raw)
        # A seeded draw from each pool spreads the seats over most examiners, as a fair plan does.
        panels = [
            (s["id"], random.Random(s["id"]).sample(pool, min(roster.size(s), len(pool))))
            for s in raw["sessions"]
            if (pool := roster.pool(s))
        ]
        result = Result(
            status="FEASIBLE",
            solver_version="bench (roster pools)",
            assignments=[Assignment(session=s, leader=p[0], members=tuple(p)) for s, p in panels],
        )
        plan = store_result(db, inst, raw, result, Options(), *span, note="bench")
        seats = db.execute(
            select(PlanSeat.session_id, PlanSeat.examiner_id, PlanSeat.role).where(
                PlanSeat.plan_id == plan.id
            )
        ).all()
        rows = [
            {"session_id": s, "examiner_id": e, "role": r, "plan_id": plan.id} for s, e, r in seats
        ]
        db.execute(insert(PanelSeat), rows)
        return plan.version


def hold_first_half(engine: Engine, span: tuple[date, date]) -> None:
    """Mark the first half of the term held and register conflicts after the fact."""
    middle = span[0] + (span[1] - span[0]) / 2
    with transaction(session_factory(engine), "bench") as db:
        inst = db.scalars(select(Institution)).one()
        db.execute(
            update(AssessmentSession)
            .where(AssessmentSession.start < middle, AssessmentSession.institution_id == inst.id)
            .values(status=SessionStatus.HELD)
        )
        # Conflicts with candidates listed on held sessions their examiner sat on.
        pairs = db.execute(
            select(Examiner, Candidate)
            .join(PanelSeat, PanelSeat.examiner_id == Examiner.id)
            .join(SessionCandidate, SessionCandidate.session_id == PanelSeat.session_id)
            .join(Candidate, Candidate.id == SessionCandidate.candidate_id)
            .join(AssessmentSession, AssessmentSession.id == PanelSeat.session_id)
            .where(AssessmentSession.status == SessionStatus.HELD)
            .order_by(PanelSeat.id)
            .limit(CONFLICTS)
        ).all()
        for examiner, candidate in pairs:
            register_conflict(db, examiner, ConflictKind.RELATIVE, span[1], candidate=candidate)


def exports(version: int, span: tuple[date, date], out: Path) -> dict[str, Callable[[Any], int]]:
    """Each export as a function of a session: rows, build, write; returns a count."""

    def loaded(db: Any) -> tuple[Any, list[Any]]:
        inst = db.scalars(select(Institution)).one()
        plan = find_plan(db, inst, version)
        return plan_header(db, inst, plan), plan_rows(db, inst, plan)

    def plan_sheet(db: Any) -> int:
        header, rows = loaded(db)
        plan_workbook(header, rows).save(out / "plan.xlsx")
        return len(rows)

    def dispatch(db: Any) -> int:
        header, rows = loaded(db)
        dispatch_workbook(header, rows).save(out / "dispatch.xlsx")
        return len(rows)

    def examiner_sheets(db: Any) -> int:
        header, rows = loaded(db)
        plans = schedules(rows)
        examiner_workbook(header, plans).save(out / "examiners.xlsx")
        return len(plans)

    def calendars(db: Any) -> int:
        header, rows = loaded(db)
        plans = schedules(rows)
        for s in plans:
            (out / f"{s.person.code}.ics").write_bytes(
                examiner_calendar(header, s.person, s.sessions)
            )
        return len(plans)

    def allowance(db: Any) -> int:
        inst = db.scalars(select(Institution)).one()
        seats = served_seats(db, inst, *span, include_planned=True)
        allowance_workbook(inst.name, *span, seats).save(out / "allowance.xlsx")
        return len(seats)

    def invalid(db: Any) -> int:
        inst = db.scalars(select(Institution)).one()
        rows = invalid_rows(db, inst)
        invalid_workbook(inst.name, span[1], rows).save(out / "invalid.xlsx")
        return len(rows)

    return {
        "plan sheet (rows = sessions)": plan_sheet,
        "dispatch sheets (sessions, a page each)": dispatch,
        "examiner sheets (examiners, a page each)": examiner_sheets,
        "examiner calendars (.ics files)": calendars,
        "allowance, whole term incl. planned (seats)": allowance,
        "invalid results (rows)": invalid,
    }


def run(size: str, repeat: int) -> tuple[list[tuple[str, int, list[float]]], dict[str, Any]]:
    """Load, store a plan, hold half, then time each export `repeat` times."""
    raw = generate(size, 0)
    span = term(raw)
    with tempfile.TemporaryDirectory() as directory:
        engine, cleanup = fresh_engine("sqlite", Path(directory))
        try:
            with transaction(session_factory(engine), "bench") as db:
                load_generated(db, raw)
            version = store_plan(engine, span)
            hold_first_half(engine, span)
            timings = []
            for label, work in exports(version, span, Path(directory)).items():
                seconds, count = [], 0
                for _ in range(repeat):
                    with transaction(session_factory(engine), "bench") as db:
                        started = time.perf_counter()
                        count = work(db)
                        seconds.append(time.perf_counter() - started)
                timings.append((label, count, seconds))
                print(f"  {label}: {count}, {seconds}", file=sys.stderr, flush=True)
        finally:
            cleanup()
    setting = {"sessions": len(raw["sessions"]), "examiners": len(raw["examiners"])}
    return timings, setting


def report(size: str, repeat: int, timings: list[Any], setting: dict[str, Any]) -> str:
    """The markdown section: setting, one row per export, the verdict."""
    lines = [
        f"Measured {date.today()} on {machine()}; SQLite file; generator seed 0, size {size} "
        f"({setting['sessions']} sessions, {setting['examiners']} examiners); a roster-staffed "
        f"plan stored with `store_result` and put in force, the first half of the term held, "
        f"{CONFLICTS} conflicts registered after the fact; openpyxl {OPENPYXL} "
        f"({'with' if LXML else 'without'} lxml). "
        f"Each export in its own transaction (query + build + write), {repeat} runs; load "
        f"average {os.getloadavg()[0]:.1f} at the end (2 cores shared with other work).",
        "",
        "| export | count | first | median |",
        "|---|---|---|---|",
    ]
    worst = 0.0
    for label, count, seconds in timings:
        worst = max(worst, *seconds)
        lines.append(
            f"| {label} | {count} | {seconds[0]:.2f} s | {statistics.median(seconds):.2f} s |"
        )
    verdict = "met" if worst <= TARGET_SECONDS else "**missed**"
    lines += [
        "",
        f"Target: each export ≤ {TARGET_SECONDS:.0f} s at XL — {verdict} (worst {worst:.2f} s).",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.export_sheets")
    parser.add_argument("--size", default="XL", choices=("S", "M", "L", "XL"))
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    timings, setting = run(args.size, args.repeat)
    section = report(args.size, args.repeat, timings, setting)
    print(section)
    if not args.no_write:
        write_section(
            "export_sheets",
            "Assignment sheets, calendars, allowance, invalid results (issue 4)",
            section,
        )
        print(f"wrote {DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
