"""Benchmark: import 2,000 examiners from an Attachment 2 .xlsx (target ≤ 10 s), per backend.

    python -m bench.import_examiners [--examiners 2000] [--backends sqlite,postgresql]

Writes the workbook with `data.sheets` from a generated instance (seed 0; one row per
examiner and occupation, with the extra Attachment 1 columns), then on a fresh migrated
database per backend times, each in its own committed transaction: a dry run, the first
import (everything created, change history recorded) and a re-import (everything
unchanged). Times are wall-clock seconds including reading the workbook and the commit.
The figures replace this benchmark's marked section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from data.generate import generate_custom
from data.sheets import write_examiners
from models import Change, Examiner, Institution, Occupation
from models.db import session_factory, transaction
from services.imports.examiners import import_examiners

from .database import fresh_engine, write_section
from .run import machine

TARGET_SECONDS = 10.0


def timed_import(factory: Any, path: Path, dry_run: bool) -> tuple[float, dict[str, int], int]:
    """Seconds, outcomes and bad rows of one import in its own committed transaction."""
    started = time.perf_counter()
    with transaction(factory, "bench") as session:
        institution = session.scalars(select(Institution)).one()
        report = import_examiners(session, institution, path, dry_run=dry_run)
    return time.perf_counter() - started, dict(report.outcomes), len(report.bad_rows)


def run_backend(backend: str, raw: dict[str, Any], path: Path) -> dict[str, Any]:
    """The three timed imports on a fresh database of `backend`."""
    with tempfile.TemporaryDirectory() as directory:
        engine, drop = fresh_engine(backend, Path(directory))
        try:
            factory = session_factory(engine)
            with transaction(factory, "bench") as session:
                session.add(Institution(code=raw["institution"]["code"], name="bench"))
                session.add_all(
                    Occupation(code=o["code"], name=o["name"]) for o in raw["occupations"]
                )
            runs = {
                "dry run": timed_import(factory, path, True),
                "first import": timed_import(factory, path, False),
                "re-import": timed_import(factory, path, False),
            }
            with factory() as session:
                examiners = session.scalar(select(func.count()).select_from(Examiner))
                changes = session.scalar(select(func.count()).select_from(Change))
        finally:
            drop()
    return {"backend": backend, "runs": runs, "examiners": examiners, "changes": changes}


def report(n: int, rows: int, results: list[dict[str, Any]]) -> str:
    """The markdown section: machine, one row per backend and run, the verdict."""
    lines = [
        f"Measured {date.today():%Y-%m-%d} on {machine()}; {n} examiners, {rows} rows "
        "(one per examiner and occupation), generator seed 0; load average "
        f"{os.getloadavg()[0]:.1f} at the end (2 cores shared with other work).",
        "",
        "| backend | run | seconds | created / updated / unchanged | bad rows |",
        "|---|---|---|---|---|",
    ]
    worst = 0.0
    for r in results:
        for name, (seconds, outcomes, bad) in r["runs"].items():
            counts = " / ".join(
                str(outcomes.get(k, 0)) for k in ("created", "updated", "unchanged")
            )
            lines.append(f"| {r['backend']} | {name} | {seconds:.2f} | {counts} | {bad} |")
            worst = max(worst, seconds)
        lines.append(
            f"| {r['backend']} | stored | — | {r['examiners']} examiners, "
            f"{r['changes']} change-history rows | — |"
        )
    verdict = "met" if worst <= TARGET_SECONDS else "missed"
    lines += ["", f"Target: import of {n} examiners ≤ {TARGET_SECONDS:.0f} s — {verdict} "
              f"(worst {worst:.2f} s).", ""]  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.import_examiners")
    parser.add_argument("--examiners", type=int, default=2000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    raw = generate_custom(args.examiners, 40, 4, 0, occupations=16)
    with tempfile.TemporaryDirectory() as directory:
        path = write_examiners(Path(directory) / "examiners.xlsx", raw)
        rows = sum(len(e["qualifications"]) for e in raw["examiners"])
        results = []
        for backend in args.backends.split(","):
            print(f"{backend} ...", file=sys.stderr, flush=True)
            results.append(run_backend(backend, raw, path))
    section = report(args.examiners, rows, results)
    print(section)
    if not args.no_write:
        write_section("import_examiners", "Importing examiners from .xlsx (issue 3)", section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
