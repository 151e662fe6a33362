"""What every import shares: the report it returns and its all-or-nothing write.

An import first reads and checks every row (nothing written), then writes the valid rows
inside one SAVEPOINT: a failure half-way rolls the savepoint back, so nothing of the
import is left even when the caller goes on using its session. A dry run writes the same
way and then rolls back, so its counts are exactly what the real import would do. A strict
import writes nothing when any row is bad.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from models import Institution, audit
from services.imports.sheets import Layout, Table, read_table
from services.messages import Problem, Refused

MESSAGES = {
    "database": {
        "zh": "数据库拒绝了本次导入（{error}），未写入任何数据",
        "en": "the database refused the import ({error}); nothing was written",
    },
}
KIND_NAMES = {
    "examiners": ("考评人员", "examiners"),
    "sessions": ("场次", "sessions"),
    "candidates": ("考生", "candidates"),
    "occupations": ("职业目录", "occupations"),
}
EXIT_OK, EXIT_SKIPPED, EXIT_REFUSED = 0, 1, 2


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do), and every bad row."""

    kind: str  # examiners / sessions / candidates
    source: str  # the file name
    dry_run: bool = False
    strict: bool = False
    rows: int = 0  # data rows read
    outcomes: Counter[str] = field(default_factory=Counter)  # created / updated / unchanged
    problems: list[Problem] = field(default_factory=list)
    written: bool = False
    refused: bool = False  # a strict import met a bad row: nothing is written

    @classmethod
    def of_table(
        cls, kind: str, path: Path, table: Table, dry_run: bool, strict: bool
    ) -> ImportReport:
        """An empty report on `table`, read from the file at `path`."""
        return cls(kind, path.name, dry_run, strict, rows=len(table.rows))

    @property
    def bad_rows(self) -> list[int]:
        """Row numbers with at least one problem."""
        return sorted({p.row for p in self.problems if p.row is not None})

    @property
    def exit_code(self) -> int:
        """0 all rows imported, 1 some rows skipped, 2 refused (nothing written)."""
        if self.refused or (self.problems and not self.bad_rows):
            return EXIT_REFUSED
        return EXIT_SKIPPED if self.problems else EXIT_OK

    def lines(self, lang: str = "zh") -> list[str]:
        """One line per problem, by row, in `lang`."""
        ordered = sorted(self.problems, key=lambda p: p.row or 0)  # stable: columns in check order
        return [p.text(lang) for p in ordered]

    def summary(self, lang: str = "zh") -> str:
        """One line: what was (or would be) created, updated, left unchanged, skipped."""
        zh, en = KIND_NAMES[self.kind]
        c, u, s = (self.outcomes[k] for k in ("created", "updated", "unchanged"))
        bad = len(self.bad_rows)
        if lang == "zh":
            verb = (
                "试导入（未写入）"
                if self.dry_run
                else ("已拒绝，未写入" if self.refused else "导入")
            )
            return f"{self.source}：{zh}{verb}，共 {self.rows} 行；新增 {c}，更新 {u}，未变 {s}；问题行 {bad}"
        verb = "dry run (nothing written)" if self.dry_run else (
            "refused, nothing written" if self.refused else "imported"
        )  # fmt: skip
        return f"{self.source}: {en} {verb}, {self.rows} rows; created {c}, updated {u}, unchanged {s}; bad rows {bad}"


Writer = Callable[[], Iterable[str]]  # writes the good rows: one outcome per unit


def import_table(
    session: Session,
    institution: Institution,
    path: Path,
    kind: str,
    layout: Layout,
    check: Callable[[Table, ImportReport], Writer],
    *,
    dry_run: bool,
    strict: bool,
) -> ImportReport:
    """Check `layout`'s table at `path` with `check`, then write its good rows all or nothing.

    `check` records the bad rows in the report and returns the writer of the good ones.
    """
    path = Path(path)
    table = read_table(path, layout)
    report = ImportReport.of_table(kind, path, table, dry_run, strict)
    return write_all(session, institution, [(report, check(table, report))])[0]


def write_all(
    session: Session,
    institution: Institution,
    parts: Sequence[tuple[ImportReport, Writer]],
) -> list[ImportReport]:
    """Run each part's writer (one outcome per unit) in one savepoint: all of it or nothing.

    A strict import with a bad row in any part writes nothing at all.
    """
    reports = [report for report, _ in parts]
    if any(r.strict and r.problems for r in reports):
        for report in reports:
            report.refused = True
        return reports
    savepoint = session.begin_nested()
    try:
        for report, write in parts:
            report.outcomes.update(write())
            session.flush()
    except SQLAlchemyError as error:
        savepoint.rollback()
        problem = Problem.of(MESSAGES, "database", "file", error=type(error).__name__)
        raise Refused([problem]) from error
    except BaseException:
        savepoint.rollback()
        raise
    if reports[0].dry_run:
        savepoint.rollback()
        return reports
    for report in reports:
        _audit(session, institution, report)
        report.written = True
    session.flush()
    savepoint.commit()
    return reports


def _audit(session: Session, institution: Institution, report: ImportReport) -> None:
    audit(
        session,
        f"import_{report.kind}",
        report.source,
        institution.id,
        rows=report.rows,
        created=report.outcomes["created"],
        updated=report.outcomes["updated"],
        unchanged=report.outcomes["unchanged"],
        bad_rows=report.bad_rows,
    )


def placed(problems: Iterable[Problem], row: int, column: str | None) -> list[Problem]:
    """`problems` placed at a row and, unless they name a column already, `column`."""
    return [p.at(row, p.column or column) for p in problems]
