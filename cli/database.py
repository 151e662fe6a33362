"""Database plumbing for commands: open the configured database, run one unit of work,
print refusals in the planner's language; and `panelplan init-db`."""

from __future__ import annotations

import argparse
import getpass
import io
import os
import sys
from collections.abc import Callable
from contextlib import redirect_stdout, suppress
from typing import Any

from sqlalchemy import Engine, make_url, select
from sqlalchemy.exc import ArgumentError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from models import Institution
from models.db import database_url, make_engine, session_factory, transaction
from models.migrate import schema_state, upgrade
from services.institution import context, occupations, users
from services.messages import Problem, Refused
from services.people.certificates import INSTITUTION_CODE

EXIT_REFUSED = 2
MESSAGES = {
    "schema_empty": {
        "zh": "数据库尚未初始化，请先运行 panelplan init-db",
        "en": "the database is not set up yet; run panelplan init-db first",
    },
    "schema_outdated": {
        "zh": "数据库结构不是最新版本，请运行 panelplan init-db 升级（数据会保留）",
        "en": "the database schema is out of date; run panelplan init-db to upgrade it (data is kept)",
    },
    "file_error": {
        "zh": "无法读写文件 {file}：{reason}",
        "en": "cannot read or write {file}: {reason}",
    },
}


def open_database(url: str | None = None) -> sessionmaker[Session]:
    """A session factory on the configured database (`DATABASE_URL` or the SQLite default)."""
    return session_factory(make_engine(url or database_url()))


def run_unit(
    work: Callable[[Session], int],
    lang: str = "zh",
    url: str | None = None,
    actor: str | None = None,
) -> int:
    """Run `work` in one transaction; print refusals (nothing written) and return 2 for them."""
    factory = open_database(url)
    try:
        _require_current_schema(factory.kw["bind"])
        # What the command prints is held back until the unit of work has committed: output
        # cut short (`| head`) must never roll back an import that says it was imported.
        shown = io.StringIO()
        with redirect_stdout(shown), transaction(factory, actor or getpass.getuser()) as session:
            code = work(session)
        sys.stdout.write(shown.getvalue())
        return code
    except Refused as refused:
        for line in refused.lines(lang):
            print(line, file=sys.stderr)
        return EXIT_REFUSED
    except BrokenPipeError:  # output piped into `head`: handled by the command line, not a file
        raise
    except OSError as error:  # a file to read or write: named, nothing written to the database
        problem = Problem.of(
            MESSAGES,
            "file_error",
            "file",
            file=error.filename or "",
            reason=error.strerror or error,
        )
        print(problem.text(lang), file=sys.stderr)
        return EXIT_REFUSED
    finally:
        engine = factory.kw["bind"]
        engine.dispose()


def unreachable(error: BaseException, url: str | None) -> str | None:
    """The message for a database that cannot be reached or named (exit 2), else None:
    a connection refused or timed out, an unknown host, a bad URL, a file that cannot open."""
    reason = None
    if isinstance(error, OperationalError | InterfaceError) and error.statement is None:
        reason = str(error.orig or error).strip().splitlines()[0]  # failed while connecting
    elif isinstance(error, ArgumentError):  # includes an unknown dialect (NoSuchModuleError)
        reason = str(error).splitlines()[0]
    if reason is None:
        return None
    shown = url or database_url()
    with suppress(ArgumentError):
        shown = make_url(shown).render_as_string(hide_password=True)
    return (
        f"无法连接数据库 {shown}：{reason}（请检查 DATABASE_URL 或 --database）\n"
        f"cannot connect to {shown}: {reason} (check DATABASE_URL or --database)"
    )


def _require_current_schema(engine: Engine) -> None:
    """Refuse to work on a database that `init-db` has not created or brought up to date."""
    state = schema_state(engine)
    if state != "current":
        raise Refused([Problem.of(MESSAGES, f"schema_{state}", "database")])


def add_common(parser: argparse.ArgumentParser) -> None:
    """Options every database command takes: --database, --institution, --lang."""
    parser.add_argument(
        "--database",
        metavar="URL",
        help="database URL (default: $DATABASE_URL or instance/panelplan.db)",
    )
    parser.add_argument(
        "--institution",
        metavar="CODE",
        help="institution code (needed only when the database holds several)",
    )
    parser.add_argument("--lang", choices=("zh", "en"), default=None, help="message language")


def register(commands: Any) -> None:
    """Add `init-db` to the `panelplan` command."""
    init = commands.add_parser("init-db", help="create or upgrade the database (migrations)")
    add_common(init)
    init.add_argument(
        "--code", metavar="CODE", help="register the institution with this 7- or 8-digit code"
    )
    init.add_argument("--name", metavar="NAME", help="the institution's name (with --code)")
    init.add_argument(
        "--no-catalogue",
        action="store_true",
        help="do not load the bundled catalogue of common occupations into an empty table",
    )
    init.set_defaults(run=_init_db)
    user = commands.add_parser(
        "create-user",
        help="create a user: admin, planner or viewer of an institution, or the city centre",
    )
    add_common(user)
    user.add_argument("username")
    user.add_argument(
        "--role",
        required=True,
        choices=("admin", "planner", "viewer", "city"),
        help="city: the city centre (市鉴定中心), of no institution, reads every filing",
    )
    user.add_argument("--name", help="display name (default: the username)")
    user.add_argument(
        "--deployment-admin",
        action="store_true",
        help="may also change what every institution shares (the occupation catalogue)",
    )
    user.set_defaults(run=_create_user)
    password = commands.add_parser(
        "set-password", help="give a user a new password (their open sessions end)"
    )
    add_common(password)
    password.add_argument("username")
    password.set_defaults(run=_set_password)
    grant = commands.add_parser(
        "deployment-admin", help="let a user change the shared occupation catalogue (or not)"
    )
    add_common(grant)
    grant.add_argument("username")
    grant.add_argument("--revoke", action="store_true", help="take the permission away")
    grant.set_defaults(run=_deployment_admin)


def _init_db(args: argparse.Namespace) -> int:
    url = args.database or database_url()
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    print(f"database ready: {url}")
    if not args.no_catalogue and run_unit(_seed_catalogue, _lang(args), url):
        return EXIT_REFUSED
    if not args.code:
        return 0
    if not INSTITUTION_CODE.fullmatch(args.code):
        print(
            f"机构代码 {args.code} 应为 7 或 8 位数字 / institution code must be 7 or 8 digits",
            file=sys.stderr,
        )
        return EXIT_REFUSED

    def register_institution(session: Session) -> int:
        found = session.scalar(select(Institution).where(Institution.code == args.code))
        if found is None:
            session.add(Institution(code=args.code, name=args.name or args.code))
            print(f"institution {args.code} registered")
        elif args.name and found.name != args.name:
            found.name = args.name
        return 0

    return run_unit(register_institution, url=url)


def _seed_catalogue(session: Session) -> int:
    added = occupations.seed_if_empty(session)
    if added:
        print(f"职业目录已载入 {added} 个常见职业 / occupation catalogue seeded ({added})")
    return 0


def _create_user(args: argparse.Namespace) -> int:
    # The password comes from $PANELPLAN_PASSWORD (scripts) or a prompt (never an argument,
    # which would show in the process list and shell history).
    password = os.environ.get("PANELPLAN_PASSWORD") or getpass.getpass("密码 / password: ")

    def add(session: Session) -> int:
        city = args.role == "city"
        institution = (
            None
            if city and not args.institution
            else context.institution(session, args.institution)
        )
        user = users.create_user(
            session, institution, args.username, args.role, password, args.name
        )
        if args.deployment_admin:
            users.set_deployment_admin(session, user)
        print(f"user {args.username} ({args.role}) added")
        return 0

    return run_unit(add, lang=_lang(args), url=args.database)


def _set_password(args: argparse.Namespace) -> int:
    password = os.environ.get("PANELPLAN_PASSWORD") or getpass.getpass("新密码 / new password: ")

    def change(session: Session) -> int:
        users.set_password(session, users.find_user(session, args.username), password)
        print(f"password of {args.username} changed; their sessions have ended")
        return 0

    return run_unit(change, lang=_lang(args), url=args.database)


def _deployment_admin(args: argparse.Namespace) -> int:
    def grant(session: Session) -> int:
        users.set_deployment_admin(
            session, users.find_user(session, args.username), not args.revoke
        )
        verb = "may no longer" if args.revoke else "may now"
        print(f"{args.username} {verb} change the shared occupation catalogue")
        return 0

    return run_unit(grant, lang=_lang(args), url=args.database)


def _lang(args: argparse.Namespace) -> str:
    return args.lang or os.environ.get("PANELPLAN_LANG", "zh")
