"""Import an occupation catalogue (职业目录) from .xlsx or .csv.

Columns: 职业编码, 职业（工种）名称, optionally 大典版本 (default 2022) and
每名考评员对应考生数 (default 5 for new rows; an empty cell keeps a stored ratio). Rows are
matched on code and edition, so importing the same file again updates and never
duplicates. A row repeating an earlier one word for word is harmless; one giving the same
code and edition another name or ratio is a bad row.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from models import Institution
from services.imports.common import ImportReport, Writer, import_table
from services.imports.sheets import Column, Layout, Row, Table
from services.institution.occupations import Catalogue, OccupationIn, read_occupation
from services.messages import Problem

MESSAGES = {
    "disagrees": {
        "zh": "与第{first}行（同一职业编码和版本）不一致：那里是“{value}”",
        "en": "disagrees with row {first} (same code and edition), which says “{value}”",
    },
}
Seen = dict[tuple[str, str], tuple[OccupationIn, int]]  # (code, edition) -> row and its number
OCCUPATION_LAYOUT = Layout(
    columns=(
        Column("seq", ("序号", "no.")),
        Column("occupation_code", ("职业编码", "职业代码", "职业（工种）编码", "编码", "代码", "code", "occupationcode")),
        Column("occupation_name", ("职业（工种）名称", "职业名称", "工种名称", "职业（工种）", "职业", "名称", "name", "occupation")),
        Column("edition", ("大典版本", "大典版次", "版本", "版次", "edition")),
        Column("candidates_per_examiner", ("每名考评员对应考生数", "考评员与考生配比", "考生数/考评员", "配比", "candidatesperexaminer", "ratio")),
    ),
    required=(("occupation_code",), ("occupation_name",)),
)  # fmt: skip


def import_occupations(
    session: Session,
    institution: Institution,
    path: Path,
    *,
    dry_run: bool = False,
    strict: bool = False,
) -> ImportReport:
    """Import (or with `dry_run`, try) the occupation catalogue at `path`; report bad rows."""

    def check(table: Table, report: ImportReport) -> Writer:
        good = _check(table, report)
        catalogue = Catalogue(session)
        return lambda: [catalogue.save(item) for item in good]

    return import_table(
        session, institution, path, "occupations", OCCUPATION_LAYOUT, check,
        dry_run=dry_run, strict=strict,
    )  # fmt: skip


def _check(table: Table, report: ImportReport) -> list[OccupationIn]:
    """The good rows, one per code and edition; every problem recorded in `report`."""
    seen: Seen = {}
    for row in table.rows:
        item, problems = _read(row)
        if item is not None:
            problems = _repeats(item, seen)
        if item is not None and not problems:
            _keep(item, row.number, seen)
        report.problems += [p.at(row.number, table.column(p.field)) for p in problems]
    return [item for item, _ in seen.values()]


def _keep(item: OccupationIn, number: int, seen: Seen) -> None:
    """Remember the first row of a code and edition (a later one may add its ratio)."""
    key = (item.code, item.edition)
    earlier, first = seen.get(key, (None, number))
    if earlier is None or earlier.candidates_per_examiner is None:
        seen[key] = (item, first)


def _read(row: Row) -> tuple[OccupationIn | None, list[Problem]]:
    return read_occupation(
        row.get("occupation_code"),
        row.get("occupation_name"),
        row.get("edition"),
        row.get("candidates_per_examiner"),
    )


def _repeats(item: OccupationIn, seen: Seen) -> list[Problem]:
    earlier, first = seen.get((item.code, item.edition), (None, 0))
    if earlier is None:
        return []
    problems = []
    if earlier.name != item.name:
        problems.append(
            Problem.of(MESSAGES, "disagrees", "occupation_name", first=first, value=earlier.name)
        )
    mine, theirs = item.candidates_per_examiner, earlier.candidates_per_examiner
    if mine is not None and theirs is not None and mine != theirs:
        problems.append(
            Problem.of(MESSAGES, "disagrees", "candidates_per_examiner", first=first, value=theirs)
        )
    return problems
