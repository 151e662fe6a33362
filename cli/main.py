"""The `panelplan` console script: the parser of every subcommand, and running one.

Each command lives in its own module of this package and adds itself (`register`); the
solver's own `solve`, `check` and `schema` come from `solver.cli`, which stands alone.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from datetime import datetime
from pathlib import Path
from typing import Any

from data.shapes import SHAPES, generate_shape
from solver import cli as solver_cli

from . import (
    alerts,
    database,
    demo,
    discipline,
    exports,
    filing,
    imports,
    plans,
    scheduler,
    serve,
    solving,
)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `panelplan` console script."""
    parser, _ = build_parser()
    return run(parser, argv)


EXIT_INTERNAL = 70  # sysexits' EX_SOFTWARE
CRASH_LOG = Path("instance") / "logs" / "panelplan-errors.log"


def build_parser() -> tuple[argparse.ArgumentParser, Any]:
    """The full `panelplan` parser: every subcommand, in the order `--help` lists them."""
    parser = argparse.ArgumentParser(prog="panelplan", description="考评小组排班 panel scheduling")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    solver_cli.register(commands)
    database.register(commands)
    plans.register(commands)
    imports.register(commands)
    discipline.register(commands)
    exports.register(commands)
    filing.register(commands)
    alerts.register(commands)
    gen = commands.add_parser("generate", help="write a realistic instance (sizes S, M, L, XL)")
    gen.add_argument("size", choices=("S", "M", "L", "XL"))
    gen.add_argument("--seed", type=int, default=0)
    gen.add_argument(
        "--shape",
        choices=sorted(SHAPES),
        default="spread",
        help="the kind of institution (data/shapes.py; default spread)",
    )
    gen.add_argument("-o", "--output", type=Path)
    gen.set_defaults(run=_generate)
    scheduler.register(commands)
    solving.register(commands)
    serve.register(commands)
    demo.register(commands)
    return parser, commands


def run(parser: argparse.ArgumentParser, argv: list[str] | None = None) -> int:
    """Parse `argv` and run the chosen command; its exit code."""
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces the closed stream until exit
        return 0
    except Exception as error:  # the last net: a planner never sees a traceback
        unreachable = database.unreachable(error, getattr(args, "database", None))
        if unreachable is not None:  # a configuration to fix, not a crash
            print(unreachable, file=sys.stderr)
            return database.EXIT_REFUSED
        if os.environ.get("PANELPLAN_DEBUG"):  # PANELPLAN_DEBUG shows the traceback
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
    raw = generate_shape(args.shape, args.size, args.seed)
    text = json.dumps(raw, ensure_ascii=False, indent=1)
    if args.output is None:
        print(text)
    else:
        args.output.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
