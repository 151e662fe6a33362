"""The solver beside the direct formulation, on every shape of term: docs/benchmarks.md.

    python -m bench.matrix [--sizes S,M,L] [--shapes all] [--extra spread/L,...]
                           [--shared DIR] [--xl] [--workers 2] [--limit 60]

Each case (a shape of `data.shapes` at a size, or an instance file, e.g. the independent
generator's terms in ../shared/instances) runs in its own process: first `solver.solve`,
then the direct formulation (`bench.direct`) with the same time limit and workers, so both
figures come from the same minute on the same machine. Recorded per engine: the status,
when the whole vector was proven (or the gap left), and the best plan seen by 10, 30 and
60 s; per case the ratio of the times to proof and whether the solver's plan was ever worse
than the baseline's at those moments. The table is written between the markers in
docs/benchmarks.md; the worst case of each column is stated under it.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from data.shapes import SHAPES, generate_shape
from solver.check import verify
from solver.load import load_instance
from solver.objective import TERMS
from solver.schema import Instance
from solver.solve import Options, Progress, solve

from .direct import solve_direct
from .run import DOC, machine, write

START, END = "<!-- matrix:start -->", "<!-- matrix:end -->"
MOMENTS = (10.0, 30.0, 60.0)
XL_LIMIT = 300.0


def instance_of(case: str) -> Instance:
    """`shape/SIZE` from the generator (seed 0), or a path to an instance file."""
    if "/" in case and not Path(case).exists():
        shape, size = case.split("/")
        raw = generate_shape(shape, size, 0)
    else:
        raw = json.loads(Path(case).read_text(encoding="utf-8"))
    instance, _ = load_instance(raw)
    return instance


def ours(instance: Instance, limit: float, workers: int) -> dict[str, Any]:
    """The solver, with its progress: when each plan appeared."""
    events: list[Progress] = []
    started = time.monotonic()
    result = solve(instance, Options(time_limit=limit, workers=workers), events.append)
    seconds = time.monotonic() - started
    trail = [(p.elapsed, list(p.objective.as_tuple())) for p in events]
    return {
        "status": result.status,
        "seconds": round(seconds, 2),
        "proven": round(seconds, 2) if result.status == "OPTIMAL" else None,
        "objective": list(result.objective.as_tuple()),
        "bound": list(result.bound.as_tuple()),
        "trail": trail,
        "violations": len(verify(instance, result)) if result.assignments else None,
    }


def direct(instance: Instance, limit: float, workers: int) -> dict[str, Any]:
    """The baseline, with the same limit and workers."""
    out = solve_direct(instance, limit, workers)
    return {
        "status": out.status,
        "seconds": out.seconds,
        "proven": out.seconds if out.status == "OPTIMAL" else None,
        "objective": [out.objective.get(t, 0) for t in TERMS],
        "bound": [out.bound.get(t, 0) for t in TERMS],
        "trail": out.trail,
    }


def one(case: str, limit: float, workers: int, baseline: bool) -> dict[str, Any]:
    """Measure one case in this process."""
    instance = instance_of(case)
    row: dict[str, Any] = {
        "case": case,
        "examiners": len(instance.examiners),
        "sessions": len(instance.sessions),
        "venues": len(instance.venues),
        "limit": limit,
        "ours": ours(instance, limit, workers),
    }
    row["ours"]["peak_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    if baseline:
        row["direct"] = direct(instance, limit, workers)
    return row


def at(trail: list, moment: float) -> list[int] | None:
    """The best plan's vector seen by `moment` seconds."""
    seen = [vector for elapsed, vector in trail if elapsed <= moment]
    return min(seen) if seen else None


def gap(r: dict[str, Any]) -> str:
    if r["status"] == "OPTIMAL":
        return "0"
    for value, bound, level in zip(r["objective"], r["bound"], TERMS, strict=True):
        if value != bound:
            return f"{100 * (value - bound) / max(value, 1):.2f} % ({level})"
    return "—"


def worse_moments(row: dict[str, Any]) -> list[str]:
    """The moments at which the baseline held a better plan than the solver."""
    if "direct" not in row:
        return []
    out = []
    for moment in MOMENTS:
        if moment > row["limit"]:
            continue
        mine, theirs = at(row["ours"]["trail"], moment), at(row["direct"]["trail"], moment)
        if theirs is not None and (mine is None or theirs < mine):
            out.append(f"{moment:.0f} s")
    return out


def line(row: dict[str, Any]) -> str:
    o, d = row["ours"], row.get("direct")
    proven = f"{o['proven']} s" if o["proven"] is not None else f"— ({gap(o)})"
    if d is None:
        theirs, ratio = "not run", "—"
    else:
        theirs = f"{d['proven']} s" if d["proven"] is not None else f"— ({gap(d)})"
        ratio = "—"
        if o["proven"] is not None:
            ratio = f"{(d['proven'] or row['limit']) / max(o['proven'], 0.01):.1f}×"
            ratio = ratio if d["proven"] is not None else f"> {ratio}"
    worse = ", ".join(worse_moments(row)) or "never"
    overshoot = max(0.0, o["seconds"] - row["limit"])
    return (
        f"| {row['case']} | {row['examiners']} / {row['sessions']} / {row['venues']} | "
        f"{row['limit']:.0f} s | {o['status']} | {proven} | {tuple(o['objective'])} | "
        f"{theirs} | {ratio} | {worse} | {overshoot:.2f} s | {o['peak_mib']} | "
        f"{o['violations'] or 0} |"
    )


def table(rows: list[dict[str, Any]], workers: int) -> str:
    head = (
        f"Measured {time.strftime('%Y-%m-%d')} on {machine()}; `--workers {workers}`, seed 0.\n\n"
        "| case | examiners / sessions / venues | limit | status | proven at | objective | "
        "direct proven at | direct ÷ ours | direct better at | over limit | peak MiB | "
        "violations |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    )
    return head + "\n".join(line(r) for r in rows) + "\n"


def cases(args: argparse.Namespace) -> list[tuple[str, float, bool]]:
    """(case, limit, run the baseline) for every case asked for."""
    shapes = list(SHAPES) if args.shapes == "all" else args.shapes.split(",")
    baseline = not args.no_direct
    out = [(f"{s}/{z}", args.limit, baseline) for z in args.sizes.split(",") for s in shapes]
    out += [(case, args.limit, baseline) for case in filter(None, args.extra.split(","))]
    if args.xl:
        out.append(("spread/XL", XL_LIMIT, False))  # the direct model does not fit in time
    if args.shared:
        files = sorted(Path(args.shared).glob("*.json"))
        out += [(str(f), args.limit, baseline) for f in files]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.matrix")
    parser.add_argument("--sizes", default="S,M,L")
    parser.add_argument("--shapes", default="all")
    parser.add_argument("--shared", help="a folder of instance files to add")
    parser.add_argument("--xl", action="store_true", help="also XL on the spread shape")
    parser.add_argument("--extra", default="", help="more shape/SIZE cases, comma-separated")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=float, default=60.0)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--no-direct", action="store_true")
    parser.add_argument("--json", help="also keep the raw rows in this file")
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(one(args.one, args.limit, args.workers, not args.no_direct)))
        return 0
    rows = []
    for case, limit, baseline in cases(args):
        print(f"running {case} ...", file=sys.stderr, flush=True)
        command = [sys.executable, "-m", "bench.matrix", "--one", case, "--limit", str(limit)]
        command += ["--workers", str(args.workers)] + ([] if baseline else ["--no-direct"])
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(line(rows[-1]), file=sys.stderr, flush=True)
        if args.json:
            Path(args.json).write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    write(table(rows, args.workers), START, END)
    print(f"wrote {DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
