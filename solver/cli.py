"""`panelplan solve`, `panelplan check` and `panelplan schema` (SPEC 4).

Exit codes: solve 0 with a plan (OPTIMAL, FEASIBLE), 1 without (INFEASIBLE,
UNKNOWN), 2 for INVALID_INPUT; check 0 when every rule holds, 1 on any
violation, 2 when a file cannot be read. The result file is always written.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from pydantic import ValidationError

from .check import verify
from .json_schema import write_schemas
from .jsontext import BadJson, decode
from .load import InvalidInput, read_instance
from .messages import LANGS
from .numbers import argument, decimal, whole
from .options import SEED, TIME_LIMIT, WORKERS
from .schema import Diagnostic, Instance, Result
from .solve import SOLVER_VERSION, Control, Options, Progress, solve

EXIT = {"OPTIMAL": 0, "FEASIBLE": 0, "INFEASIBLE": 1, "UNKNOWN": 1, "INVALID_INPUT": 2}


def register(commands: argparse._SubParsersAction) -> None:
    """Add the solver's subcommands to a `panelplan` argument parser."""
    p = commands.add_parser("solve", help="staff every session of an instance")
    p.add_argument("instance", type=Path)
    p.add_argument("-o", "--output", type=Path, help="result file (default: standard output)")
    p.add_argument(
        "--time-limit",
        type=argument(decimal, *TIME_LIMIT),
        default=None,
        help="seconds (deterministic units with --deterministic)",
    )
    p.add_argument(
        "--workers", type=argument(whole, *WORKERS), default=0, help="search workers (0: all)"
    )
    p.add_argument(
        "--seed",
        type=argument(whole, *SEED),
        default=0,
        help="tie-breaking draw among equally good plans",
    )
    p.add_argument(
        "--deterministic",
        action="store_true",
        help="one worker, deterministic time: same seed, same plan",
    )
    p.add_argument("--quiet", action="store_true", help="no progress lines on standard error")
    _lang(p)
    p.set_defaults(run=run_solve)
    c = commands.add_parser("check", help="verify a result against every hard rule")
    c.add_argument("instance", type=Path)
    c.add_argument("result", type=Path)
    _lang(c)
    c.set_defaults(run=run_check)
    s = commands.add_parser("schema", help="write the JSON Schemas of both formats")
    s.add_argument("--out", type=Path, default=Path("schemas"))
    s.set_defaults(run=run_schema)


def run_schema(args: argparse.Namespace) -> int:
    """Write both JSON Schemas into `args.out`."""
    for path in write_schemas(args.out):
        print(path)
    return 0


def _lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=LANGS, default=os.environ.get("PANELPLAN_LANG", "zh"))


def run_solve(args: argparse.Namespace) -> int:
    """Solve, report progress on stderr, write the result; the exit code follows the status."""
    try:
        instance, warnings = read_instance(args.instance, args.lang)
    except InvalidInput as exc:
        result = Result(
            status="INVALID_INPUT",
            diagnostics=exc.problems,
            warnings=exc.warnings,
            solver_version=SOLVER_VERSION,
        )
        _print_lines(exc.problems)
        return _write(result, args.output)
    options = Options(args.time_limit, args.workers, args.seed, args.deterministic, args.lang)
    control = Control()
    previous = signal.signal(signal.SIGINT, lambda *_: control.stop())
    try:
        result = solve(instance, options, None if args.quiet else _progress, control, warnings)
    finally:
        signal.signal(signal.SIGINT, previous)
    _print_lines(result.diagnostics)
    print(_summary(result), file=sys.stderr)
    return _write(result, args.output)


def _progress(p: Progress) -> None:
    o, b = p.objective, p.bound
    print(
        f"{p.elapsed:8.2f}s  {p.level:<14} objective {o.as_tuple()}  bound {b.as_tuple()}",
        file=sys.stderr,
        flush=True,
    )


def _summary(r: Result) -> str:
    return f"{r.status}  objective {r.objective.as_tuple()}  bound {r.bound.as_tuple()}  {r.solve_seconds:.2f}s"


def _write(result: Result, output: Path | None) -> int:
    text = result.model_dump_json(indent=1)
    if output is None:
        print(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
    return EXIT[result.status]


def run_check(args: argparse.Namespace) -> int:
    """Print every violation with its rule; 1 if any, 0 if none, 2 if unreadable."""
    try:
        instance, _ = read_instance(args.instance, args.lang)
        result = _read_result(args.result)
    except InvalidInput as exc:
        _print_lines(exc.problems)
        return 2
    if result.status not in ("OPTIMAL", "FEASIBLE") and not result.assignments:
        print(
            f"{result.status}: no plan to check"
            if args.lang == "en"
            else f"{result.status}：结果中没有方案"
        )
        return 1
    problems = verify(instance, result, args.lang)
    for line in (p.line() for p in problems):
        print(line)
    ok = not problems
    print(_verdict(ok, instance, result, args.lang))
    return 0 if ok else 1


def _verdict(ok: bool, instance: Instance, result: Result, lang: str) -> str:
    sessions = len(instance.sessions)
    if lang == "en":
        return f"OK: {sessions} sessions, every rule holds" if ok else "violations found"
    return f"通过：{sessions} 个场次，全部规则满足" if ok else "发现违规"


def _read_result(path: Path) -> Result:
    try:
        return Result.model_validate(decode(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, BadJson, ValidationError) as exc:
        raise InvalidInput(
            [Diagnostic(rule="INPUT", field=str(path), message=str(exc).splitlines()[0])]
        ) from None


def _print_lines(diagnostics: list[Diagnostic]) -> None:
    for d in diagnostics:
        print(d.line(), file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """`python -m solver` entry point: the solver commands on their own."""
    parser = argparse.ArgumentParser(prog="panelplan")
    register(parser.add_subparsers(required=True))
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
