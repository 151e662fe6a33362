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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from models import Institution, audit
from services.cells import text
from services.exports.layout import mask_id
from services.imports.headings import absent_columns, absent_lines, no_header, unknown_headings
from services.imports.sheets import Layout, Table, find_table, read_sheets
from services.messages import Problem, Refused, label
from services.people.validation import MESSAGES as VALIDATION

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
    headings: list[Problem] = field(default_factory=list)  # columns nobody recognised
    absent: dict[str, list[int]] = field(default_factory=dict)  # field -> rows that needed it
    subjects: dict[int, Subject] = field(default_factory=dict)  # a bad row's person or session

    @classmethod
    def of_table(
        cls, kind: str, path: Path, table: Table, dry_run: bool, strict: bool, layout: Layout
    ) -> ImportReport:
        """An empty report on `table` (of `layout`), read from the file at `path`, naming the
        headings nobody recognised."""
        report = cls(kind, path.name, dry_run, strict, rows=len(table.rows))
        report.headings = unknown_headings(table, layout)
        return report

    @property
    def bad_rows(self) -> list[int]:
        """Row numbers with at least one problem (an absent column's rows included)."""
        rows = {p.row for p in self.problems if p.row is not None}
        return sorted(rows.union(*self.absent.values()))

    @property
    def valid_rows(self) -> int:
        """Rows that would be (or were) written."""
        return self.rows - len(self.bad_rows)

    def name_row(self, number: int, name: Any, document: Any = None) -> None:
        """Remember who row `number` is about, to name them beside its problems."""
        self.subjects[number] = Subject(text(name), text(document))

    @property
    def exit_code(self) -> int:
        """0 all rows imported, 1 some rows skipped, 2 refused (nothing written)."""
        if self.refused or (self.problems and not self.bad_rows):
            return EXIT_REFUSED
        return EXIT_SKIPPED if self.problems or self.absent else EXIT_OK

    def lines(self, lang: str = "zh", ids: bool = True) -> list[str]:
        """The file's problems (unknown and absent columns), then one line per row problem
        naming the person; ID numbers masked unless `ids` (the reader's `Sight.ids`)."""
        return self.file_lines(lang) + [
            f"{e.where}{f'（{e.who}）' if e.who else ''} {e.column}：{e.reason}".lstrip()
            if lang == "zh"
            else f"{e.where}{f' ({e.who})' if e.who else ''}, {e.column}: {e.reason}".lstrip(", ")
            for e in self.entries(lang, ids)
        ]

    def file_lines(self, lang: str = "zh") -> list[str]:
        """What is wrong with the file's columns, once each."""
        return [p.reason(lang) for p in self.headings] + absent_lines(self, lang)

    def entries(self, lang: str = "zh", ids: bool = True) -> list[Entry]:
        """Every row problem, by row: where, who, which column, why (IDs masked unless `ids`)."""
        ordered = sorted(self.problems, key=lambda p: p.row or 0)  # stable: columns in check order
        return [self._entry(p if ids else masked(p), lang, ids) for p in ordered]

    def _entry(self, problem: Problem, lang: str, ids: bool) -> Entry:
        row = problem.row
        where = "" if row is None else (f"第{row}行" if lang == "zh" else f"row {row}")
        subject = self.subjects.get(row or 0)
        who = subject.shown(ids, lang) if subject else ""
        column = problem.column or label(problem.field, lang)
        return Entry(row, where, who, column, problem.reason(lang))

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


@dataclass(frozen=True)
class Subject:
    """Whom a row is about: a name (or a session code) and a document number."""

    name: str | None
    document: str | None

    def shown(self, ids: bool, lang: str = "zh") -> str:
        """`张三，320402********123X`, the number whole only when `ids`."""
        number = self.document if ids or not self.document else mask_id(self.document)
        if self.name and number:
            return f"{self.name}{'，' if lang == 'zh' else ', '}{number}"
        return self.name or number or ""


@dataclass(frozen=True)
class Entry:
    """One row problem as a report shows it."""

    row: int | None
    where: str  # 第5行
    who: str  # 张三（320402********123X）
    column: str  # the heading as written
    reason: str


# Messages whose parameters hold an ID number (or the birth date inside one).
ID_MESSAGES = [VALIDATION[k] for k in ("id_length", "id_format", "id_checksum", "id_birth_date",
                                        "id_birth_range", "id_birth_month", "document_format")]  # fmt: skip
HIDDEN_PARAMS = ("birth", "id_month")


def masked(problem: Problem) -> Problem:
    """`problem` with the ID numbers (and birth dates taken from them) in its text masked."""
    params = dict(problem.params)
    if "holder" in params:
        params["holder"] = mask_id(str(params["holder"]))
    if any(problem.templates == t for t in ID_MESSAGES):
        if "number" in params:
            params["number"] = mask_id(str(params["number"]))
        for key in HIDDEN_PARAMS:
            if key in params:
                params[key] = "*" * len(str(params[key]))
    return replace(problem, params=params)


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
    sheets = read_sheets(path)
    table = find_table(sheets, layout)
    if table is None:
        raise no_header(path, sheets, [layout])
    report = ImportReport.of_table(kind, path, table, dry_run, strict, layout)
    write = check(table, report)
    absent_columns(report, table)
    return write_all(session, institution, [(report, write)])[0]


def write_all(
    session: Session,
    institution: Institution,
    parts: Sequence[tuple[ImportReport, Writer]],
) -> list[ImportReport]:
    """Run each part's writer (one outcome per unit) in one savepoint: all of it or nothing.

    A strict import with a bad row in any part writes nothing at all.
    """
    reports = [report for report, _ in parts]
    if any(r.strict and (r.problems or r.absent) for r in reports):
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
