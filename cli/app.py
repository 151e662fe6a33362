"""The `panelplan` commands of the services layer (the console script adds jobs' and the web app's)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from datetime import datetime
from pathlib import Path
from typing import Any

from cli import alerts as alerts_cli
from cli import database as database_cli
from cli import discipline as discipline_cli
from cli import exports as export_cli
from cli import filing as filing_cli
from cli import imports as import_cli
from cli import plans as plan_cli
from data.generate import generate
from solver import cli as solver_cli


def main(argv: list[str] | None = None) -> int:
    """The `panelplan` command without the scheduler (`jobs.cli:main` is the console script)."""
    parser, _ = build_parser()
    return run(parser, argv)


EXIT_INTERNAL = 70  # sysexits' EX_SOFTWARE
CRASH_LOG = Path("instance") / "logs" / "panelplan-errors.log"


def build_parser() -> tuple[argparse.ArgumentParser, Any]:
    """The `panelplan` parser and its subcommands (`jobs.cli` adds the scheduler's)."""
    parser = argparse.ArgumentParser(prog="panelplan", description="考评小组排班 panel scheduling")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    solver_cli.register(commands)
    database_cli.register(commands)
    plan_cli.register(commands)
    import_cli.register(commands)
    discipline_cli.register(commands)
    export_cli.register(commands)
    filing_cli.register(commands)
    alerts_cli.register(commands)
    gen = commands.add_parser("generate", help="write a realistic instance (sizes S, M, L, XL)")
    gen.add_argument("size", choices=("S", "M", "L", "XL"))
    gen.add_argument("--seed", type=int, default=0)
    gen.add_argument("-o", "--output", type=Path)
    gen.set_defaults(run=_generate)
    return parser, commands


def run(parser: argparse.ArgumentParser, argv: list[str] | None = None) -> int:
    """Parse `argv` and run the chosen command; its exit code."""
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces the closed stream until exit
        return 0
    except Exception:  # the last net: a planner never sees a traceback (PANELPLAN_DEBUG shows it)
        if os.environ.get("PANELPLAN_DEBUG"):
            raise
        log = _record_crash()
        print(
            f"内部错误，本次操作未完成（数据库未写入），详情已记入 {log}\n"
            f"internal error: nothing was completed (the database is unchanged); details in {log}",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _record_crash() -> Path:
    """Append the current exception's traceback to the crash log; its path."""
    log = CRASH_LOG.resolve()
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as out:
        out.write(f"--- {datetime.now().isoformat(timespec='seconds')} {' '.join(sys.argv)}\n")
        out.write(traceback.format_exc())
    return log


def _generate(args: argparse.Namespace) -> int:
    text = json.dumps(generate(args.size, args.seed), ensure_ascii=False, indent=1)
    if args.output is None:
        print(text)
    else:
        args.output.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
