"""Run every benchmark case (one subprocess each) and record the figures in docs/benchmarks.md.

    python -m bench.run [--cases S,M,L,XL,whatif-L,infeasible-L] [--workers 2]

The results table is written between the markers in docs/benchmarks.md; the
analysis around it is prose kept by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from datetime import date
from importlib.metadata import version
from pathlib import Path
from typing import Any

from .case import LIMITS

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"


def machine() -> str:
    """CPU model, cores, memory, Python and OR-Tools versions."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    mem = next(
        (
            int(line.split()[1]) // 1024 // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem} GiB RAM; Python {platform.python_version()}, "
        f"OR-Tools {version('ortools')}"
    )


def run_case(case: str, workers: int) -> dict[str, Any]:
    """One case in its own process (its own peak memory)."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.case", case, "--workers", str(workers)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def gap(r: dict[str, Any]) -> str:
    """Relative gap on the first level not proven, or 0 when optimal."""
    if r["status"] == "OPTIMAL":
        return "0"
    for level in ("unfilled", "changes", "load_squares", "leader_squares"):
        value, bound = r["objective"][level], r["bound"][level]
        if value != bound:
            return f"{100 * (value - bound) / max(value, 1):.3f} % ({level})"
    return "—"


def row(r: dict[str, Any]) -> str:
    o = r["objective"]
    vector = f"({o['unfilled']}, {o['changes']}, {o['load_squares']}, {o['leader_squares']})"
    b = r["bound"]
    bound = f"({b['unfilled']}, {b['changes']}, {b['load_squares']}, {b['leader_squares']})"
    proven = ", ".join(f"{k} {v} s" for k, v in r["proven"].items()) or "—"
    notes = []
    if "culprit" in r:
        notes.append(f"culprit {r['culprit']} named: {r['culprit_named']}")
    if r["violations"]:
        notes.append(f"{r['violations']} violations")
    return (
        f"| {r['case']} | {r['examiners']} / {r['sessions']} | {r['limit']:.0f} s | {r['status']} | "
        f"{r['first_plan'] if r['first_plan'] is not None else '—'} | {proven} | {r['seconds']} s | "
        f"{vector} | {bound} | {gap(r)} | {o['changes']} | {r['peak_mib']} | {'; '.join(notes)} |"
    )


def table(results: list[dict[str, Any]], workers: int) -> str:
    head = (
        f"Measured {date.today()} on {machine()}; `--workers {workers}`, seed 0, generator seed 0.\n\n"
        "| case | examiners / sessions | limit | status | first plan (s) | levels proven at | total | "
        "objective | bound | gap | changes | peak MiB | notes |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    )
    return head + "\n".join(row(r) for r in results) + "\n"


def write(text: str, start: str = START, end: str = END) -> None:
    """Put `text` between the markers `start` and `end` of docs/benchmarks.md (added if absent)."""
    doc = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    if start not in doc:
        doc += f"\n{start}\n{end}\n"
    before, rest = doc.split(start, 1)
    _, after = rest.split(end, 1)
    DOC.write_text(f"{before}{start}\n{text}{end}{after}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run")
    parser.add_argument("--cases", default=",".join(LIMITS))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    results = []
    for case in args.cases.split(","):
        print(f"running {case} ...", file=sys.stderr, flush=True)
        results.append(run_case(case, args.workers))
        print(row(results[-1]), file=sys.stderr, flush=True)
    write(table(results, args.workers))
    print(f"wrote {DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
