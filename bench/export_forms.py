"""Benchmark: Attachments 1 and 2 for the XL instance (1,000 examiners), target ≤ 5 s each.

    python -m bench.export_forms [--size XL] [--repeat 2]

Loads the generated instance (seed 0) into a fresh SQLite file, puts every examiner in
one filing batch, then times, each in its own transaction: gathering the rows
(`forms_export.batch_examiners`) and writing the workbook to disk, for Attachment 1 (one
sheet per examiner) and Attachment 2 (one row per examiner). Wall-clock seconds, best of
`--repeat`. The figures replace this benchmark's marked section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from data.generate import generate
from models import Examiner, FilingBatch, FilingEntry, Institution
from models.db import session_factory, transaction
from services.demo.loading import load_generated
from services.filing import forms as forms_export
from services.filing import forms_rows

from .database import fresh_engine, write_section
from .run import machine

TARGET_SECONDS = 5.0


def prepare(factory: Any, size: str) -> tuple[int, int]:
    """Load the instance and file all its examiners in one batch; (batch id, examiners)."""
    with transaction(factory, "bench") as session:
        home = load_generated(session, generate(size))
        ids = session.scalars(select(Examiner.id).where(Examiner.institution_id == home.id)).all()
        batch = FilingBatch(institution_id=home.id, year=date.today().year)
        batch.entries = [FilingEntry(examiner_id=i) for i in ids]
        session.add(batch)
        session.flush()
        return batch.id, len(ids)


def timed(factory: Any, batch_id: int, which: int, path: Path) -> float:
    """Seconds to gather the batch's rows and write Attachment `which` to `path`."""
    started = time.perf_counter()
    with transaction(factory, "bench") as session:
        home = session.scalars(select(Institution)).one()
        batch = forms_rows.find_batch(session, home, batch_id)
        filed = forms_rows.batch_examiners(session, batch)
        if which == 1:
            forms_export.write_attachment1(session, home, filed, path, full_ids=True)
        else:
            forms_export.write_attachment2(session, home, batch.year, filed, path, full_ids=True)
    return time.perf_counter() - started


def run(size: str, repeat: int) -> dict[str, Any]:
    """Best-of-`repeat` seconds and file sizes of both attachments."""
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        engine, drop = fresh_engine("sqlite", folder)
        try:
            factory = session_factory(engine)
            batch_id, examiners = prepare(factory, size)
            results = {}
            for which in (1, 2):
                path = folder / f"attachment{which}.xlsx"
                best = min(timed(factory, batch_id, which, path) for _ in range(repeat))
                results[which] = (best, path.stat().st_size)
        finally:
            drop()
    return {"size": size, "examiners": examiners, "results": results}


def report(outcome: dict[str, Any]) -> str:
    """The markdown section: machine, one row per attachment, the verdict."""
    lines = [
        f"Measured {date.today():%Y-%m-%d} on {machine()}; size {outcome['size']} (generator "
        f"seed 0), {outcome['examiners']} examiners in one filing batch, SQLite file; best of "
        f"the runs; load average {os.getloadavg()[0]:.1f} at the end (2 cores shared with "
        "other work). Each time includes the queries, building the workbook and saving it.",
        "",
        "| export | seconds | file size | target |",
        "|---|---|---|---|",
    ]
    names = {1: "Attachment 1 (one sheet per examiner)", 2: "Attachment 2 (one row each)"}
    for which, (seconds, size) in outcome["results"].items():
        verdict = "met" if seconds <= TARGET_SECONDS else "MISSED"
        lines.append(
            f"| {names[which]} | {seconds:.2f} | {size / 1024:.0f} KiB | ≤ {TARGET_SECONDS:.0f} s {verdict} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    """Run the benchmark, print and record it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="XL", choices=("S", "M", "L", "XL"))
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    section = report(run(args.size, args.repeat))
    print(section)
    write_section("export_forms", "Official forms export (Attachments 1 and 2)", section)


if __name__ == "__main__":
    main()
