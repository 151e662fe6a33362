"""Import examiners from .xlsx (the notice's Attachment 2 layout) or .csv.

Several rows with the same document number are one examiner with several occupations;
they must agree on everything else. A bad row contributes nothing and is listed with its
row number, column and reason; the other rows of the same examiner still count. Examiners
are matched on the document number, so importing the same file again updates them.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from sqlalchemy.orm import Session

from models import Institution
from services.imports.common import ImportReport, Writer, import_table
from services.imports.examiner_rows import EXAMINER_LAYOUT, column_of, read_row
from services.imports.sheets import Row, Table
from services.messages import Problem
from services.people.checks import ExaminerIn, Lookups, check
from services.people.validation import appointment_problems
from services.people.writes import apply

MESSAGES = {
    "disagrees": {
        "zh": "与第{first}行（同一证件号码）不一致：那里是“{value}”",
        "en": "disagrees with row {first} (same document number), which says “{value}”",
    },
    "duplicate": {
        "zh": "重复：第{first}行已有该证件号码的这一职业",
        "en": "duplicate: row {first} already gives this occupation for this document number",
    },
    "certificate_in_file": {
        "zh": "证书编号 {number} 在第{first}行已属于另一证件号码",
        "en": "certificate number {number} belongs to another document number on row {first}",
    },
    "code_in_file": {
        "zh": "编号 {code} 在第{first}行已用于另一名考评人员",
        "en": "code {code} is used for another examiner on row {first}",
    },
}
LIST_FIELDS = ("qualifications", "certificates", "appointments")


def import_examiners(
    session: Session,
    institution: Institution,
    path: Path,
    *,
    dry_run: bool = False,
    strict: bool = False,
) -> ImportReport:
    """Import (or with `dry_run`, try) the examiner sheet at `path`; report every bad row."""

    def check(table: Table, report: ImportReport) -> Writer:
        lookups = Lookups(session, institution)
        people = _Merger(table, lookups, report).run()
        return lambda: [apply(lookups, p) for p in people.values()]

    return import_table(
        session, institution, path, "examiners", EXAMINER_LAYOUT, check,
        dry_run=dry_run, strict=strict,
    )  # fmt: skip


class _Merger:
    """Reads and checks every row, folding the good ones into one record per examiner."""

    def __init__(self, table: Table, lookups: Lookups, report: ImportReport) -> None:
        self.table = table
        self.lookups = lookups
        self.report = report
        self.people: dict[str, ExaminerIn] = {}
        self.first_row: dict[str, int] = {}
        self.occupations: dict[tuple[str, int], int] = {}  # (document, occupation id) -> row
        self.certificates: dict[str, tuple[str, int]] = {}  # number -> (document, row)
        self.codes: dict[str, tuple[str, int]] = {}

    def run(self) -> dict[str, ExaminerIn]:
        """Every good row folded in; the problems of the others recorded in the report."""
        for row in self.table.rows:
            data, problems = read_row(row, self.table)
            if data is not None and not problems:
                problems = self._place(check(self.lookups, data), row)
            if data is not None and not problems:
                problems = self._place(self._fold(data, row), row)
            self.report.problems += problems
            if problems:
                self.report.name_row(row.number, row.get("name"), row.get("document_number"))
        return self.people

    def _place(self, problems: list[Problem], row: Row) -> list[Problem]:
        return [p.at(row.number, column_of(p.field, self.table)) for p in problems]

    def _fold(self, data: ExaminerIn, row: Row) -> list[Problem]:
        doc = data.document_number
        problems = self._file_clashes(data, row.number)
        target = self.people.get(doc)
        if target is not None:
            problems += self._disagreements(target, data)
        if problems:
            return problems
        self._remember(data, row.number)
        if target is None:
            self.people[doc] = data
            self.first_row[doc] = row.number
            return []
        for f in fields(ExaminerIn):
            if f.name in LIST_FIELDS:
                held = getattr(target, f.name)
                held += [item for item in getattr(data, f.name) if item not in held]
            elif getattr(target, f.name) is None:
                setattr(target, f.name, getattr(data, f.name))
        return []

    def _file_clashes(self, data: ExaminerIn, number: int) -> list[Problem]:
        """Duplicates across rows: occupation twice, a certificate or code of another person."""
        doc, problems = data.document_number, []
        for q in data.qualifications:
            occupation = self.lookups.occupation(q.occupation)
            first = self.occupations.get((doc, occupation.id)) if occupation else None
            if first is not None:
                problems.append(Problem.of(MESSAGES, "duplicate", "occupation", first=first))
        for cert in data.certificates:
            holder, first = self.certificates.get(cert.number, (doc, 0))
            if holder != doc:
                problems.append(
                    Problem.of(
                        MESSAGES,
                        "certificate_in_file",
                        "certificate_number",
                        number=cert.number,
                        first=first,
                    )
                )
        if data.code and self.codes.get(data.code, (doc, 0))[0] != doc:
            first = self.codes[data.code][1]
            problems.append(
                Problem.of(MESSAGES, "code_in_file", "code", code=data.code, first=first)
            )
        return problems

    def _disagreements(self, target: ExaminerIn, data: ExaminerIn) -> list[Problem]:
        first = self.first_row[target.document_number]
        problems = []
        for f in fields(ExaminerIn):
            mine, theirs = getattr(data, f.name), getattr(target, f.name)
            if f.name in LIST_FIELDS or mine is None or theirs is None or mine == theirs:
                continue
            shown = getattr(theirs, "value", theirs)
            problems.append(Problem.of(MESSAGES, "disagrees", f.name, first=first, value=shown))
        held = {c.number: c for c in target.certificates}
        for cert in data.certificates:
            if cert.number in held and held[cert.number] != cert:
                problems.append(
                    Problem.of(MESSAGES, "disagrees", "valid_until", first=first, value=cert.number)
                )
        for start, end in data.appointments:
            others = [t for t in target.appointments if t != (start, end)]
            problems += appointment_problems(start, end, others)
        return problems

    def _remember(self, data: ExaminerIn, number: int) -> None:
        doc = data.document_number
        for q in data.qualifications:
            occupation = self.lookups.occupation(q.occupation)
            if occupation is not None:
                self.occupations[(doc, occupation.id)] = number
        for cert in data.certificates:
            self.certificates.setdefault(cert.number, (doc, number))
        if data.code:
            self.codes.setdefault(data.code, (doc, number))
