"""The `panelplan` console script: the parser of every subcommand, and running one.

Each command lives in its own module of this package and adds itself (`register`); the
solver's own `solve`, `check` and `schema` come from `solver.cli`, which stands alone.
A command imports only its own module (`COMMANDS`): `panelplan solve` starts with the
solver alone, not with the database, the exports and the web app behind the other commands.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import traceback
from datetime import datetime
from pathlib import Path
from typing import Any

# The module that registers each command, in the order `--help` lists them ("" is this one).
COMMANDS = {
    "solve": "solver.cli",
    "check": "solver.cli",
    "schema": "solver.cli",
    "init-db": "cli.database",
    "create-user": "cli.database",
    "set-password": "cli.database",
    "deployment-admin": "cli.database",
    "publish": "cli.plans",
    "what-if": "cli.plans",
    "import": "cli.imports",
    "warn": "cli.discipline",
    "review": "cli.discipline",
    "invalid-results": "cli.discipline",
    "export": "cli.exports",
    "filing": "cli.filing",
    "alerts": "cli.alerts",
    "confirm": "cli.alerts",
    "notices": "cli.notices",
    "generate": "",
    "scheduler": "cli.scheduler",
    "worker": "cli.scheduler",
    "plan": "cli.solving",
    "jobs": "cli.solving",
    "cancel": "cli.solving",
    "serve": "cli.serve",
    "demo": "cli.demo",
}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `panelplan` console script."""
    words = sys.argv[1:] if argv is None else argv
    command = next((w for w in words if not w.startswith("-")), None)
    parser, _ = build_parser(COMMANDS.get(command or ""))
    return run(parser, argv)


EXIT_INTERNAL = 70  # sysexits' EX_SOFTWARE
CRASH_LOG = Path("instance") / "logs" / "panelplan-errors.log"


def build_parser(only: str | None = None) -> tuple[argparse.ArgumentParser, Any]:
    """The `panelplan` parser: every subcommand, or those of the module `only` (quicker)."""
    parser = argparse.ArgumentParser(prog="panelplan", description="考评小组排班 panel scheduling")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    for module in dict.fromkeys(COMMANDS.values()):
        if only is None or module == only:
            if module:
                importlib.import_module(module).register(commands)
            else:
                _register_generate(commands)
    return parser, commands


def _register_generate(commands: Any) -> None:
    from data.shapes import SHAPES  # only `generate` needs the generator

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


def run(parser: argparse.ArgumentParser, argv: list[str] | None = None) -> int:
    """Parse `argv` and run the chosen command; its exit code."""
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces the closed stream until exit
        return 0
    except Exception as error:  # the last net: a planner never sees a traceback
        unreachable = _unreachable(error, args)
        if unreachable is not None:  # a configuration to fix, not a crash
            print(unreachable, file=sys.stderr)
            return EXIT_REFUSED
        if os.environ.get("PANELPLAN_DEBUG"):  # PANELPLAN_DEBUG shows the traceback
            raise
        log = _record_crash()
        print(
            f"内部错误，本次操作未完成（数据库未写入），详情已记入 {log}\n"
            f"internal error: nothing was completed (the database is unchanged); details in {log}",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


EXIT_REFUSED = 2  # a configuration to fix (as cli.database.EXIT_REFUSED)


def _unreachable(error: Exception, args: argparse.Namespace) -> str | None:
    """What to fix when a database command could not reach its database; None otherwise."""
    if "sqlalchemy" not in sys.modules:  # the command touched no database
        return None
    from cli import database  # loaded only by the commands that use it

    return database.unreachable(error, getattr(args, "database", None))


def _record_crash() -> Path:
    """Append the current exception's traceback to the crash log; its path."""
    log = CRASH_LOG.resolve()
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as out:
        out.write(f"--- {datetime.now().isoformat(timespec='seconds')} {' '.join(sys.argv)}\n")
        out.write(traceback.format_exc())
    return log


def _generate(args: argparse.Namespace) -> int:
    from data.shapes import generate_shape  # see _register_generate

    raw = generate_shape(args.shape, args.size, args.seed)
    text = json.dumps(raw, ensure_ascii=False, indent=1)
    if args.output is None:
        print(text)
    else:
        args.output.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
