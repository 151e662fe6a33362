"""Page latency of the web app at XL: p50/p95 over 200 requests per page (issue 6 target).

    python -m bench.web_pages [--requests 200] [--concurrency 2] [--no-write]

Loads the XL term (1000 examiners, 2500 sessions) into a fresh SQLite file with a
roster-staffed plan in force (as `bench.export_sheets` does), serves the app with
`panelplan serve` (waitress) in its own process, signs in as an admin (who may open every
page), and sends each page's requests from a thread pool in this process (the local load
generator; in another process, so client and server do not share one interpreter lock). Downloads (file exports, benchmarked in `bench.export_*`) and
pages that change data are left out. A page whose first requests are far over the target
is cut short, and said so, rather than holding the benchmark for minutes.
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
from pathlib import Path

from sqlalchemy import select

from data.generate import generate
from models import AssessmentSession, Examiner
from models.db import session_factory, transaction
from services.loading import load_generated
from services.users import create_user

from .build_instance import term
from .database import fresh_engine, write_section
from .export_sheets import store_plan
from .run import machine

TARGET_MS = 200.0
CUT_AFTER = 20  # requests: a page whose p95 is then over CUT_FACTOR x target is cut short
CUT_FACTOR = 5
PASSWORD = "bench-pass-1"


def prepare(directory: Path) -> tuple[str, int, str, str]:
    """The XL database with a plan in force; its URL, plan version, an examiner and a session."""
    engine, _drop = fresh_engine("sqlite", directory)
    raw = generate("XL", 0)
    with transaction(session_factory(engine), "bench") as db:
        home = load_generated(db, raw)
        create_user(db, home, "admin", "admin", PASSWORD)
    version = store_plan(engine, term(raw))
    with session_factory(engine)() as db:
        examiner = db.scalars(select(Examiner.code).order_by(Examiner.code)).first() or ""
        session_id = db.scalars(select(AssessmentSession.id).order_by(AssessmentSession.id)).first()
        session_code = db.scalars(
            select(AssessmentSession.code).order_by(AssessmentSession.id)
        ).first()
    url = str(engine.url)
    engine.dispose()
    return url, version, examiner, f"{session_id}|{session_code}"


def pages(version: int, examiner: str, session: str) -> list[str]:
    """Every read-only page a planner opens, with real ids."""
    session_id, session_code = session.split("|")
    return [
        "/dashboard",
        "/examiners",
        "/examiners?q=王",
        f"/examiners/{examiner}",
        "/records/sessions",
        f"/records/sessions/{session_id}",
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
        f"/plans/{version}",
        f"/plans/{version}?q={examiner}",
        f"/plans/{version}/sessions/{session_code}",
        f"/plans/{version}/loads",
        f"/plans/{version}/edit",
        f"/plans/{version}/edit?session={session_code}&seat=leader",
        f"/plans/{version}/diff/{version}",
        "/whatif",
        "/downloads",
        "/api/examiners",
        f"/api/plans/{version}",
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
        f"SQLite file, a roster-staffed plan in force; `panelplan serve` (waitress, 8 threads) in its own "
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
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        url, version, examiner, session = prepare(Path(scratch))
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "webapp.cli", "serve", "--database", url, "--port", str(port)],
            stdout=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base)
            opener = sign_in(base)
            rows = []
            for page in pages(version, examiner, session):
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
