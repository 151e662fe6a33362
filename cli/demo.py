"""`panelplan demo`: the main job end to end on the embedded SQLite default, then the UI.

Loads the bundled sample into a fresh database, plans and publishes the term (printing it),
creates one demo user per role, starts the scheduler as its own process (never inside the
web server) and serves the app until Ctrl-C.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import select

from cli.database import EXIT_REFUSED
from models import User
from models.db import make_engine, session_factory, transaction
from services.demo.run import DEMO_DATABASE, EXTRA, run_demo, sample_code
from services.institution import users
from services.institution.context import institution
from services.messages import Refused
from solver.numbers import argument, decimal, whole
from solver.options import TIME_LIMIT, WORKERS

DEMO_USERS = {"admin": "admin-demo", "planner": "planner-demo", "viewer": "viewer-demo"}
CITY_USER = ("city", "city-demo")  # the city centre, with two institutions or more
STOP_SECONDS = 20  # the scheduler's grace to finish its running jobs when the demo stops


def register(commands: Any) -> None:
    """Add `demo` to the `panelplan` command."""
    demo = commands.add_parser(
        "demo", help="load the sample into a fresh database, plan, publish, then serve the UI"
    )
    demo.add_argument("--size", choices=("S", "M"), default="S")
    demo.add_argument(
        "--institutions",
        type=int,
        choices=(1, 2, 3),
        default=1,
        help="load 2 or 3 institutions (each its own data and users) and the city centre",
    )
    demo.add_argument("--out", type=Path, default=Path("out"))
    demo.add_argument("--time-limit", type=argument(decimal, *TIME_LIMIT), default=60.0)
    demo.add_argument("--workers", type=argument(whole, *WORKERS), default=0)
    demo.add_argument("--database", metavar="URL", help="default: a fresh instance/demo.db")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--no-serve", action="store_true", help="plan and print only (no UI)")
    demo.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Plan the sample term, then (unless --no-serve) start the scheduler and serve the UI."""
    url = args.database or f"sqlite:///{DEMO_DATABASE}"
    try:
        code = run_demo(args.size, args.out, args.time_limit, args.workers, sys.stdout, url,
                        institutions=args.institutions)  # fmt: skip
    except Refused as refused:
        for line in refused.lines("zh") + refused.lines("en"):
            print(line, file=sys.stderr)
        return EXIT_REFUSED
    logins = add_demo_users(url, args.institutions)
    if code != 0:
        return code
    if args.no_serve:  # served later: say how, and with which logins
        print(f"\n启动网页 / serve it: DATABASE_URL={url} panelplan serve", flush=True)
        _print_logins(logins)
        return code
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "cli", "scheduler", "--database", url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    print(f"\n打开 / open http://{args.host}:{args.port}/", flush=True)
    _print_logins(logins)
    try:
        from waitress import serve

        from webapp import create_app
        from webapp.config import Config

        config = Config()
        config.DATABASE_URL = url
        serve(create_app(config), host=args.host, port=args.port, threads=8)
    except KeyboardInterrupt:
        pass
    finally:
        _stop(scheduler)
    return 0


def _print_logins(logins: list[tuple[str, str, str]]) -> None:
    for home, username, password in logins:
        print(f"  {username} / {password}  {home}", flush=True)


def _stop(scheduler: subprocess.Popen) -> None:
    """Stop the scheduler: it finishes the jobs it is running (the first sweep and
    revalidation run at start and take a while on a busy machine), or is killed after
    STOP_SECONDS; either way no scheduler outlives the demo."""
    scheduler.terminate()
    try:
        scheduler.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        scheduler.kill()
        scheduler.wait()


def add_demo_users(url: str, institutions: int = 1) -> list[tuple[str, str, str]]:
    """One user per role and institution with a printed password (the demo database only):
    `admin`, `planner`, `viewer` for the sample institution, `admin2`… for the second, and
    the city centre `city` when there are several; (institution, username, password) each."""
    codes = [sample_code()] + [code for code, _name in EXTRA[: institutions - 1]]
    logins = []
    engine = make_engine(url)
    try:
        with transaction(session_factory(engine), "demo") as session:
            taken = set(session.scalars(select(User.username)))
            for number, code in enumerate(codes, start=1):
                home = institution(session, code)
                suffix = "" if number == 1 else str(number)
                for role, password in DEMO_USERS.items():
                    name, secret = f"{role}{suffix}", password.replace("-", f"{suffix}-", 1)
                    if name not in taken:
                        users.create_user(session, home, name, role, secret, f"演示{name}")
                    logins.append((home.name, name, secret))
            if institutions > 1:
                name, secret = CITY_USER
                if name not in taken:
                    users.create_user(session, None, name, "city", secret, "演示市鉴定中心")
                logins.append(("市鉴定中心 / city centre", *CITY_USER))
    finally:
        engine.dispose()
    return logins
