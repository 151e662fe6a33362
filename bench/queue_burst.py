"""A term-start burst on the message broker: many institutions queue solves at once.

    python -m bench.queue_burst [--institutions 6] [--jobs 2] [--size M] [--time-limit 20]
                                [--processes 1 2] [--no-write]

For each count of worker processes: a fresh PostgreSQL schema holding the institutions
(generated terms of `--size`), every institution requests `--jobs` term solves at the same
moment, then the scheduler and that many `panelplan worker` processes (one solve each, one
CP-SAT thread per solve) run them through RabbitMQ. Reported: the burst's makespan and
throughput, and per institution the queue wait (request → claim by a worker) at p50 and p95.
Needs PostgreSQL and RabbitMQ as the tests do; writes its section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, select

from data.generate import generate
from models import Institution, JobStatus, SolveJob
from models.db import session_factory, transaction
from services.demo.loading import load_generated
from services.planning.solve_jobs import request_plan
from solver.options import Options

from .database import fresh_engine, write_section
from .run import machine

BROKER = os.environ.get("PANELPLAN_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
TERM = (date(2026, 3, 2), date(2026, 5, 31))
PANELPLAN = str(Path(sys.executable).with_name("panelplan"))
ENDED = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.INTERRUPTED)


@dataclass(frozen=True)
class Run:
    """One burst: worker processes, makespan (s), jobs done, waits (s) per institution code."""

    processes: int
    makespan: float
    done: int
    failed: int
    waits: dict[str, list[float]]


def _url(engine: Engine) -> str:
    """The URL a child process connects with (the benchmark's schema in its search path)."""
    with engine.connect() as connection:
        schema = connection.exec_driver_sql("show search_path").scalar()
    return f"{engine.url.render_as_string(hide_password=False)}?options=-csearch_path%3D{schema}"


def burst(args: argparse.Namespace, processes: int, directory: Path) -> Run:
    """Load the institutions, queue the burst, run it with `processes` workers; the figures."""
    engine, drop = fresh_engine("postgresql", directory)
    factory = session_factory(engine)
    try:
        with transaction(factory, "bench") as db:
            for n in range(args.institutions):
                raw = generate(args.size, seed=n + 1)
                load_generated(db, raw, code=f"32040{n + 10:02d}")
        env = dict(
            os.environ,
            DATABASE_URL=_url(engine),
            PANELPLAN_BROKER_URL=BROKER,
            PANELPLAN_BROKER_QUEUE=f"panelplan.bench.{uuid.uuid4().hex[:10]}",
        )
        started = time.monotonic()
        _request_all(factory, args)
        children = [_start(env, "scheduler")]
        worker = ("worker", "--workers", "1", "--processes", "1")
        children += [_start(env, *worker) for _ in range(processes)]
        try:
            _until_ended(factory, timeout=args.timeout)
        finally:
            for child in children:
                child.terminate()
            for child in children:
                child.wait()
        makespan = time.monotonic() - started
        return _figures(factory, processes, makespan)
    finally:
        drop()


def _request_all(factory, args: argparse.Namespace) -> None:
    with transaction(factory, "planner") as db:
        institutions = list(db.scalars(select(Institution).order_by(Institution.id)))
        for _ in range(args.jobs):  # round by round, as a term start arrives
            for institution in institutions:
                options = Options(time_limit=args.time_limit, workers=1)
                request_plan(db, institution, *TERM, options)


def _start(env: dict[str, str], *argv: str) -> subprocess.Popen:
    return subprocess.Popen(
        [PANELPLAN, *argv], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _until_ended(factory, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with factory() as db:
            statuses = list(db.scalars(select(SolveJob.status)))
        if all(status in ENDED for status in statuses):
            return
        time.sleep(1)
    raise SystemExit(f"the burst did not end within {timeout} s")


def _figures(factory, processes: int, makespan: float) -> Run:
    waits: dict[str, list[float]] = {}
    done = failed = 0
    with factory() as db:
        rows = db.execute(select(SolveJob, Institution.code).join(Institution)).all()
        for job, code in rows:
            done += job.status == JobStatus.SUCCEEDED
            failed += job.status != JobStatus.SUCCEEDED
            if job.started_at is not None:
                wait = (job.started_at - job.created_at).total_seconds()
                waits.setdefault(code, []).append(wait)
    return Run(processes, makespan, done, failed, waits)


def percentile(values: list[float], share: float) -> float:
    """The `share` quantile of `values` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def section(args: argparse.Namespace, runs: list[Run]) -> str:
    """The markdown of the results."""
    lines = [
        f"`python -m bench.queue_burst --institutions {args.institutions} --jobs {args.jobs} "
        f"--size {args.size} --time-limit {args.time_limit}`, {time.strftime('%Y-%m-%d')} on "
        f"{machine()}; load average {args.load:.1f} before the run (2 cores: above 1 means "
        "other work shared the machine and the figures are only indicative).",
        "",
        "| worker processes | jobs ok / failed | makespan s | jobs per hour | wait p50 s | "
        "wait p95 s | worst institution p95 s |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        every = [w for waits in run.waits.values() for w in waits]
        worst = max(percentile(w, 0.95) for w in run.waits.values())
        lines.append(
            f"| {run.processes} | {run.done} / {run.failed} | {run.makespan:.0f} | "
            f"{3600 * run.done / run.makespan:.0f} | {statistics.median(every):.0f} | "
            f"{percentile(every, 0.95):.0f} | {worst:.0f} |"
        )
    lines += ["", "Queue wait per institution, p50 / p95 s:", ""]
    lines.append("| worker processes | " + " | ".join(sorted(runs[0].waits)) + " |")
    lines.append("|---:|" + "---:|" * len(runs[0].waits))
    for run in runs:
        cells = [
            f"{statistics.median(w):.0f} / {percentile(w, 0.95):.0f}"
            for _code, w in sorted(run.waits.items())
        ]
        lines.append(f"| {run.processes} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the burst with each count of worker processes and report."""
    parser = argparse.ArgumentParser(prog="python -m bench.queue_burst")
    parser.add_argument("--institutions", type=int, default=6)
    parser.add_argument("--jobs", type=int, default=2, help="term solves per institution")
    parser.add_argument("--size", default="M", choices=("S", "M", "L", "XL"))
    parser.add_argument("--time-limit", type=float, default=20)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    args.load = os.getloadavg()[0]
    runs = []
    with tempfile.TemporaryDirectory() as directory:
        for processes in args.processes:
            runs.append(burst(args, processes, Path(directory)))
            print(section(args, runs), flush=True)
    if not args.no_write:
        write_section("queue_burst", "Term-start burst on the message broker (issue 16)",
                      section(args, runs))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
