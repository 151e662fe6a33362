"""Rows of the invalid-result report (R5; `panelplan export invalid`: `cli.exports`).

The voided results are `services.discipline.conflict_lists.invalid_results`' (one per session and
candidate, in its order); the conflict's dates (since, declared) are read alongside.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AssessmentSession, Candidate, Conflict, Institution, InvalidResult
from services.discipline.conflict_lists import KIND_NAMES, UNTOLD_KIND, invalid_results
from services.exports.invalid import InvalidRow
from services.exports.layout import file_name


def invalid_file(inst: Institution, day: date) -> str:
    """The invalid-result report's file name (成绩无效名单) as of `day`."""
    return file_name(f"{inst.name}成绩无效名单_{day:%Y%m%d}")


def invalid_rows(db: Session, inst: Institution, kind_shown: bool = True) -> list[InvalidRow]:
    """Every voided result of the institution with the conflict behind it (its kind of
    relationship only when `kind_shown`: viewers never see it)."""
    dates = _conflict_dates(db, inst)
    rows = []
    for line in invalid_results(db, inst):
        since, declared = dates.get((line.session_code, line.candidate_code), (None, None))
        rows.append(
            InvalidRow(
                session_code=line.session_code, day=line.day, venue=line.venue,
                candidate_code=line.candidate_code, candidate_name=line.candidate_name,
                organization=line.organization or "",
                examiner=f"{line.examiner_code} {line.examiner_name}",
                kind_zh=(KIND_NAMES[line.kind] if kind_shown else UNTOLD_KIND)["zh"], since=since,
                declared_on=declared, reason=line.reason("zh", kind_shown),
            )
        )  # fmt: skip
    return rows


def _conflict_dates(db: Session, inst: Institution) -> dict[tuple[str, str], tuple[Any, Any]]:
    """(session code, candidate code) -> (since, declared_on) of the conflict that voided it."""
    query = (
        select(AssessmentSession.code, Candidate.code, Conflict.since, Conflict.declared_on)
        .select_from(InvalidResult)
        .join(AssessmentSession, AssessmentSession.id == InvalidResult.session_id)
        .join(Candidate, Candidate.id == InvalidResult.candidate_id)
        .join(Conflict, Conflict.id == InvalidResult.conflict_id)
        .where(AssessmentSession.institution_id == inst.id)
    )
    return {(s, c): (since, declared) for s, c, since, declared in db.execute(query)}
