"""solver/ is the pure core (STYLE: the shape of the house): it never imports the web,
database, spreadsheet, scheduler or data-generation layers."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOLVER = ROOT / "solver"
FORBIDDEN = {
    "flask",
    "sqlalchemy",
    "openpyxl",
    "apscheduler",
    "models",
    "webapp",
    "services",
    "jobs",
    "data",
}
MODULES = sorted(SOLVER.rglob("*.py"))


def imported(path: Path) -> set[str]:
    """Top-level names of every absolute import in a module (relative imports stay inside)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_every_solver_module_is_scanned():
    relative = {p.relative_to(SOLVER).as_posix() for p in MODULES}
    assert {"solve.py", "check.py", "cli.py", "rules/h7_consecutive.py"} <= relative


@pytest.mark.parametrize("path", MODULES, ids=[p.relative_to(ROOT).as_posix() for p in MODULES])
def test_solver_module_imports_no_outer_layer(path):
    assert imported(path) & FORBIDDEN == set()


def test_scan_sees_imports_anywhere_in_a_module(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\nfrom . import x\ndef f():\n    import flask.views\n    from data.generate import g\n",
        encoding="utf-8",
    )
    assert imported(sample) == {"os", "flask", "data"}


def test_import_linter_contract_is_kept():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    assert lint_imports.exists(), "import-linter is a dev dependency (pyproject)"
    done = subprocess.run(
        [str(lint_imports)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "KEPT" in done.stdout and "0 broken" in done.stdout
