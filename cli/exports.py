"""`panelplan export KIND ...`: every official form and assignment sheet as a file.

Each kind registers itself from the module that gathers its rows (`register_exports(kinds)`).
"""

from __future__ import annotations

from typing import Any

from services.discipline import invalid_rows as invalid_export
from services.filing import forms as forms_export
from services.planning import allowance_rows as allowance_export
from services.planning import sheet_rows as plan_export


def register(commands: Any) -> None:
    """Add `export` and its kinds to the `panelplan` command."""
    export = commands.add_parser("export", help="write official forms and assignment sheets")
    kinds = export.add_subparsers(dest="kind", required=True, metavar="KIND")
    exporters: tuple[Any, ...] = (
        forms_export,
        plan_export,
        allowance_export,
        invalid_export,
    )  # each export module adds itself here
    for module in exporters:
        module.register_exports(kinds)
