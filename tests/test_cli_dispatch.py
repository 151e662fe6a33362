"""`panelplan CMD` imports only the module of CMD (cli.main.COMMANDS): the table must name
every command, each with the module that registers it, or a command would vanish."""

from __future__ import annotations

import subprocess
import sys

from cli.main import COMMANDS, build_parser


def _names(only: str | None) -> list[str]:
    return list(build_parser(only)[1].choices)


def test_the_table_names_every_command_with_its_module() -> None:
    assert _names(None) == list(COMMANDS)
    for module in set(COMMANDS.values()):
        assert _names(module) == [c for c, m in COMMANDS.items() if m == module]


def test_solve_imports_neither_the_database_nor_the_web_app() -> None:
    code = (
        "import sys\n"
        "from cli.main import main\n"
        "try:\n"
        "    main(['solve', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = [m for m in ('sqlalchemy', 'flask', 'openpyxl', 'services', 'models')"
        " if m in sys.modules]\n"
        "print(','.join(loaded), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "usage: panelplan solve" in done.stdout
    assert done.stderr.strip() == ""
