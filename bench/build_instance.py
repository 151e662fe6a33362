"""Time building the XL instance from the database, on SQLite and PostgreSQL.

    python -m bench.build_instance [--size XL] [--repeat 3] [--no-write]

Loads the generated instance (seed 0) into a fresh database per backend (a temporary
SQLite file; a new schema on the PostgreSQL server of the tests, dropped afterwards),
then times `services.planning.instance.build_instance` over the whole term: once as loaded, and
once more with a published plan in force for every session (baseline and locks read),
and for the term's second half, whose history then holds the first half's panels.
Target (issue 3): XL (1000 examiners, 2500 sessions) built in at most 3 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select

from data.eligibility import Roster
from data.generate import generate
from models import AssessmentSession, Examiner, Institution, PanelSeat, Plan
from models.base import PlanStatus, SeatRole
from models.db import session_factory, transaction
from services.demo.loading import load_generated
from services.planning.instance import build_instance
from solver.load import load_instance

from .database import fresh_engine, write_section
from .run import DOC, machine

TARGET_SECONDS = 3.0
LOCKS = 50


def term(raw: dict[str, Any]) -> tuple[date, date]:
    """First and last start date of the generated term."""
    starts = [s["start"][:10] for s in raw["sessions"]]
    return date.fromisoformat(min(starts)), date.fromisoformat(max(starts))


def timed_builds(engine: Engine, span: tuple[date, date], repeat: int) -> dict[str, Any]:
    """Build `repeat` times, each in its own session (no identity-map reuse)."""
    factory = session_factory(engine)
    seconds, raw = [], {}
    for _ in range(repeat):
        with transaction(factory, "bench") as db:
            inst = db.scalars(select(Institution)).one()
            started = time.perf_counter()
            raw = build_instance(db, inst, *span)
            seconds.append(time.perf_counter() - started)
    started = time.perf_counter()
    load_instance(raw)
    return {
        "first": seconds[0],
        "median": statistics.median(seconds),
        "validate": time.perf_counter() - started,
        "sessions": len(raw["sessions"]),
        "examiners": len(raw["examiners"]),
        "candidates": len(raw["candidates"]),
        "history": len(raw["history"]),
        "baseline": len(raw["baseline"]),
        "locks": len(raw["locks"]),
    }


def publish_panels(engine: Engine, built: dict[str, Any]) -> None:
    """Put a published plan in force for every session: eligible panels (H3, H4) and locks.

    The panels need not obey H5-H7: building reads them, it does not check them.
    """
    roster = Roster(built)
    panels = {s["id"]: roster.pool(s)[:3] for s in built["sessions"]}
    locks = [
        {"session": sid, "examiner": pool[0], "role": "member"}
        for sid, pool in list(panels.items())[:LOCKS]
    ]
    with transaction(session_factory(engine), "bench") as db:
        inst = db.scalars(select(Institution)).one()
        plan = Plan(
            institution_id=inst.id, version=1, status=PlanStatus.PUBLISHED,
            date_from=date(2000, 1, 1), date_to=date(2000, 1, 1),
            instance=built | {"locks": locks}, result={"assignments": []},
            solver_status="FEASIBLE", solver_version="bench",
        )  # fmt: skip
        db.add(plan)
        db.flush()
        sessions = dict(db.execute(select(AssessmentSession.code, AssessmentSession.id)).all())
        examiners = dict(db.execute(select(Examiner.code, Examiner.id)).all())
        rows = [
            {
                "session_id": sessions[sid],
                "examiner_id": examiners[eid],
                "role": SeatRole.LEADER if k == 0 else SeatRole.MEMBER,
                "plan_id": plan.id,
            }
            for sid, pool in panels.items()
            for k, eid in enumerate(pool)
        ]
        db.execute(insert(PanelSeat), rows)


def run_backend(backend: str, raw: dict[str, Any], repeat: int) -> dict[str, Any]:
    """Load, build as loaded, publish panels, build again; always clean up."""
    with tempfile.TemporaryDirectory() as directory:
        engine, cleanup = fresh_engine(backend, Path(directory))
        try:
            started = time.perf_counter()
            with transaction(session_factory(engine), "bench") as db:
                load_generated(db, raw)
            loaded = time.perf_counter() - started
            span = term(raw)
            scenarios = [("as loaded", timed_builds(engine, span, repeat))]
            with transaction(session_factory(engine), "bench") as db:
                built = build_instance(db, db.scalars(select(Institution)).one(), *span)
            publish_panels(engine, built)
            scenarios.append(("plan in force", timed_builds(engine, span, repeat)))
            # Re-planning the second half: the first half's published panels become history.
            middle = span[0] + (span[1] - span[0]) / 2
            second = timed_builds(engine, (middle, span[1]), repeat)
            scenarios.append(("second half, first half as history", second))
        finally:
            cleanup()
    return {"backend": backend, "load": loaded, "scenarios": scenarios}


def report(size: str, repeat: int, results: list[dict[str, Any]]) -> str:
    """The markdown section: setting, one row per backend and scenario, the verdict."""
    lines = [
        f"Measured {date.today()} on {machine()}; generator seed 0, size {size}; "
        f"each build in its own transaction, {repeat} runs (first and median shown); "
        f"load average {os.getloadavg()[0]:.1f} at the end (2 cores shared with other work).",
        "",
        "| backend | scenario | sessions / examiners / candidates | history / baseline / locks "
        "| build first | build median | validate (`load_instance`) | load data |",
        "|---|---|---|---|---|---|---|---|",
    ]
    worst = 0.0
    for r in results:
        for label, m in r["scenarios"]:
            worst = max(worst, m["first"], m["median"])
            lines.append(
                f"| {r['backend']} | {label} "
                f"| {m['sessions']} / {m['examiners']} / {m['candidates']} "
                f"| {m['history']} / {m['baseline']} / {m['locks']} "
                f"| {m['first']:.2f} s | {m['median']:.2f} s | {m['validate']:.2f} s "
                f"| {r['load']:.1f} s |"
            )
    verdict = "met" if worst <= TARGET_SECONDS else "**missed**"
    lines += [
        "",
        f"Target: build ≤ {TARGET_SECONDS:.0f} s at XL — {verdict} (worst {worst:.2f} s).",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.build_instance")
    parser.add_argument("--size", default="XL", choices=("S", "M", "L", "XL"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    raw = generate(args.size, 0)
    results = []
    for backend in args.backends.split(","):
        print(f"{backend} ...", file=sys.stderr, flush=True)
        results.append(run_backend(backend, raw, args.repeat))
    section = report(args.size, args.repeat, results)
    print(section)
    if not args.no_write:
        write_section("build_instance", "Building an instance from the database (issue 3)", section)
        print(f"wrote {DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
