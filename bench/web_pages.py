"""Page latency of the web app at XL: p50/p95 over 200 requests per page (issue 6 target).

    python -m bench.web_pages [--requests 200] [--concurrency 2] [--no-write] [--only timeline,calendar]

Loads the XL term (1000 examiners, 2500 sessions) into a fresh SQLite file, stores a
roster-staffed draft (as `bench.export_sheets` does: full of violations, a stress case for
the edit page), solves the term (40 s, 2 workers) and publishes that plan; serves the app
with `panelplan serve` (waitress) in its own process, signs in as an admin (who may open
every page), and sends each page's requests from a thread pool in this process (the local
load generator: another process, so client and server do not share one interpreter lock;
as many threads as the machine's 2 cores). Each page gets one warm-up GET first, reported
apart ("first"): the first view of a plan loads it into the server's cache. Downloads (file
exports, benchmarked in `bench.export_*`) and pages that change data are left out. A page
whose first requests are far over the target is cut short, and said so, rather than
holding the benchmark for minutes.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, delete, select

from data.generate import generate
from models import AssessmentSession, Examiner, Institution, PanelSeat, Plan
from models.db import session_factory, transaction
from services.demo.loading import load_generated
from services.institution.users import create_user
from services.planning.instance import build_instance
from services.planning.plans import loaded, store_result
from services.planning.publishing import publish
from solver.solve import Options, solve

from .build_instance import term
from .database import fresh_engine, write_section
from .export_sheets import store_plan
from .run import machine

TARGET_MS = 200.0
CUT_AFTER = 20  # requests: a page whose p95 is then over CUT_FACTOR x target is cut short
CUT_FACTOR = 5
PASSWORD = "bench-pass-1"


@dataclass(frozen=True)
class Setup:
    """The XL database the pages are measured on, and real ids in it."""

    url: str
    draft: int  # a roster-staffed draft that fails the checker (a stress case)
    published: int  # a solved plan, published
    examiner: str
    session_id: int
    session_code: str
    leader: str  # who leads that session in the published plan


def prepare(directory: Path, solve_seconds: float = 40) -> Setup:
    """The XL term loaded, a roster-staffed draft stored, the term solved and published."""
    engine, _drop = fresh_engine("sqlite", directory)
    raw = generate("XL", 0)
    with transaction(session_factory(engine), "bench") as db:
        home = load_generated(db, raw)
        create_user(db, home, "admin", "admin", PASSWORD)
    draft = store_plan(engine, term(raw))
    published = solve_and_publish(engine, term(raw), solve_seconds)
    with session_factory(engine)() as db:
        examiner = db.scalars(select(Examiner.code).order_by(Examiner.code)).first() or ""
        first = db.scalars(select(AssessmentSession).order_by(AssessmentSession.id)).first()
        assert first is not None
        plan = db.scalars(select(Plan).where(Plan.version == published)).one()
        leader = next(a["leader"] for a in plan.result["assignments"] if a["session"] == first.code)
        setup = Setup(str(engine.url), draft, published, examiner, first.id, first.code, leader)
    engine.dispose()
    return setup


def solve_and_publish(engine: Engine, span: tuple[date, date], seconds: float) -> int:
    """Solve the term (the roster's seats taken out of force first) and publish the plan."""
    with transaction(session_factory(engine), "bench") as db:
        home = db.scalars(select(Institution)).one()
        db.execute(delete(PanelSeat))
        raw = build_instance(db, home, *span)
        options = Options(time_limit=seconds, workers=2)
        result = solve(loaded(raw)[0], options)
        version = store_result(db, home, raw, result, options, *span, note="bench").version
    with transaction(session_factory(engine), "bench") as db:
        publish(db, db.scalars(select(Institution)).one(), version)
    return version


def pages(s: Setup) -> list[str]:
    """Every read-only page a planner opens, with real ids."""
    v = s.published
    return [
        "/dashboard",
        "/examiners",
        "/examiners?q=王",
        f"/examiners/{s.examiner}",
        "/records/sessions",
        f"/records/sessions/{s.session_id}",
        "/records/venues",
        "/records/occupations",
        "/records/conflicts",
        "/records/warnings",
        "/records/revocations",
        "/records/reviews",
        "/records/appointments",
        "/records/policy",
        "/records/users",
        "/plans",
        "/plans/new",
        f"/plans/{v}",
        f"/plans/{v}?q={s.examiner}",
        f"/plans/{v}/sessions/{s.session_code}",
        f"/plans/{v}/loads",
        f"/plans/{v}/timeline",
        f"/plans/{v}/timeline?by=venue",
        f"/plans/{v}/timeline?month=all&venue=V01",
        f"/plans/{s.draft}/timeline",
        f"/plans/{v}/calendar",
        f"/plans/{v}/edit",
        f"/plans/{v}/edit?session={s.session_code}&seat=leader",
        f"/plans/{s.draft}/edit",
        f"/plans/{v}/diff/{s.draft}",
        "/whatif",
        f"/whatif?examiner={s.leader}&session={s.session_code}",
        "/downloads",
        "/api/examiners",
        f"/api/plans/{v}",
        "/api/sessions?from=2026-03-02&to=2026-03-08",
    ]


def sign_in(base: str) -> urllib.request.OpenerDirector:
    """An opener holding an admin's session cookie."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token, "no CSRF token on the login page"
    form = {"username": "admin", "password": PASSWORD, "csrf_token": token.group(1)}
    opener.open(f"{base}/login", data=urllib.parse.urlencode(form).encode()).read()
    return opener


def measure(opener: urllib.request.OpenerDirector, url: str, count: int, threads: int) -> dict:
    """Latencies (ms) of `count` GETs of `url` from `threads` threads; cut short when hopeless."""

    def one(_: int) -> tuple[float, int]:
        start = time.perf_counter()
        try:
            with opener.open(url) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        return (time.perf_counter() - start) * 1000, status

    warm_up = one(0)[0]  # compiles the templates; the first view of a plan loads it (cached)
    with ThreadPoolExecutor(threads) as pool:
        first = list(pool.map(one, range(CUT_AFTER)))
        times = [t for t, _ in first]
        cut = _p95(times) > CUT_FACTOR * TARGET_MS
        rest = [] if cut else list(pool.map(one, range(count - CUT_AFTER)))
    results = first + rest
    return {
        "first": warm_up,
        "n": len(results),
        "p50": statistics.median(t for t, _ in results),
        "p95": _p95([t for t, _ in results]),
        "errors": sum(1 for _, s in results if s != 200),
        "cut": cut,
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/login", timeout=2).read()
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the server at {base} did not answer")


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def report(rows: list[tuple[str, dict]], requests: int, threads: int) -> str:
    """The markdown section."""
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on {machine()}; size XL (generator seed 0), "
        f"SQLite file, a solved plan published (and a roster-staffed draft); `panelplan serve` (waitress, 8 threads) in its own "
        f"process; {requests} GETs per page from {threads} client threads, signed in as an admin, "
        "after one warm-up GET per page (its time is the 'first' column: the first view of a plan "
        "loads it into the process's cache).",
        "",
        "| page | first ms | requests | p50 ms | p95 ms | errors | ≤ 200 ms p95 |",
        "|---|---|---|---|---|---|---|",
    ]
    for page, r in rows:
        met = "yes" if r["p95"] <= TARGET_MS and not r["cut"] else "**no**"
        note = f" (cut after {r['n']})" if r["cut"] else ""
        lines.append(
            f"| `{page}` | {r['first']:.0f} | {r['n']}{note} | {r['p50']:.0f} | {r['p95']:.0f} | {r['errors']} | {met} |"
        )
    failing = [p for p, r in rows if r["p95"] > TARGET_MS or r["cut"]]
    lines += [
        "",
        f"Target: every page p95 ≤ 200 ms at XL — {'met' if not failing else 'not met: ' + ', '.join(f'`{p}`' for p in failing)}.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.web_pages")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=2)  # as many as this machine has cores
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument(
        "--only", default="", help="only the pages containing one of these (comma-separated)"
    )
    args = parser.parse_args(argv)
    wanted = [w for w in args.only.split(",") if w]
    with tempfile.TemporaryDirectory() as scratch:
        setup = prepare(Path(scratch))
        port = _free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cli",
                "serve",
                "--database",
                setup.url,
                "--port",
                str(port),
            ],
            stdout=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base)
            opener = sign_in(base)
            rows = []
            for page in pages(setup):
                if wanted and not any(w in page for w in wanted):
                    continue
                target = base + urllib.parse.quote(page, safe="/?&=")
                rows.append((page, measure(opener, target, args.requests, args.concurrency)))
                print(page, rows[-1][1], flush=True)
        finally:
            server.terminate()
            server.wait(timeout=30)
    text = report(rows, args.requests, args.concurrency)
    print(text)
    if not args.no_write:
        write_section("web_pages", "Web pages at XL (issue 6)", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
