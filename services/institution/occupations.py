"""The occupation catalogue (职业（工种）): check and upsert rows, seed the common ones.

Occupations are shared by every institution of the database and matched on their 大典 code
and edition: the same code in another edition is another row (codes moved between the
2015 and 2022 editions), the same code and edition again updates the stored row, never
duplicates it. A code whose name changed (a typo fixed, or a renamed occupation) keeps its
row, so qualifications and sessions that point at it follow the new name.

Because every institution plans with these rows (a ratio of 1 examiner per candidate makes
another institution's plan infeasible), only a deployment admin changes them: the web app
lets no institution's planner or admin in, the command line is the deployment's operator.
Every change is in the change history (`occupations` is a tracked table) and in the audit
log: `add_occupation`, `rename_occupation` (old and new name), `change_occupation_ratio`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.names import OCCUPATIONS
from models import Occupation, audit
from services.cells import parse_count, text
from services.messages import Problem, Refused

MESSAGES = {
    "no_code": {"zh": "缺少职业编码", "en": "the occupation code is missing"},
    "bad_code": {
        "zh": "“{value}”格式不符：应为 大类-中类-小类-细类，如 6-31-01-03",
        "en": "“{value}” must look like 6-31-01-03 (D-DD-DD-DD)",
    },
    "no_name": {"zh": "缺少职业（工种）名称", "en": "the occupation name is missing"},
    "bad_edition": {
        "zh": "“{value}”应为 4 位年份，如 2022 或 2015",
        "en": "“{value}” must be a 4-digit year such as 2022 or 2015",
    },
    "bad_ratio": {
        "zh": "“{value}”应为不小于 1 的整数",
        "en": "“{value}” must be a whole number of at least 1",
    },
}
# 职业分类大典 (2015 and 2022 editions): 大类-中类-小类-细类 (职业).
OCCUPATION_CODE = re.compile(r"\d-\d{2}-\d{2}-\d{2}")
DEFAULT_EDITION = "2022"
# National occupational skill standards: 1 examiner per 5 candidates in the skill test.
DEFAULT_RATIO = 5
_DASHES = str.maketrans({"－": "-", "—": "-", "–": "-", "‐": "-", "_": "-"})


@dataclass(frozen=True)
class OccupationIn:
    """A checked catalogue row; `candidates_per_examiner` None keeps the stored ratio."""

    code: str
    name: str
    edition: str = DEFAULT_EDITION
    candidates_per_examiner: int | None = None


def read_occupation(
    code: Any, name: Any, edition: Any = None, ratio: Any = None
) -> tuple[OccupationIn | None, list[Problem]]:
    """A catalogue row from raw cell values, or None and every problem with them."""
    problems: list[Problem] = []
    raw_code = re.sub(r"\s+", "", (text(code) or "").translate(_DASHES))
    if not raw_code:
        problems.append(Problem.of(MESSAGES, "no_code", "occupation_code"))
    elif not OCCUPATION_CODE.fullmatch(raw_code):
        problems.append(Problem.of(MESSAGES, "bad_code", "occupation_code", value=text(code)))
    raw_name = re.sub(r"\s+", "", text(name) or "")
    if not raw_name:
        problems.append(Problem.of(MESSAGES, "no_name", "occupation_name"))
    year = _edition(edition)
    if year is None:
        problems.append(Problem.of(MESSAGES, "bad_edition", "edition", value=text(edition)))
    count, bad = parse_count(ratio, "candidates_per_examiner", least=1)
    if bad:
        problems.append(
            Problem.of(MESSAGES, "bad_ratio", "candidates_per_examiner", value=text(ratio))
        )
    if problems or year is None:
        return None, problems
    return OccupationIn(raw_code, raw_name, year, count), []


def _edition(value: Any) -> str | None:
    """The edition as 4 digits ("2022", also "2022版", "2022年版"); the default when empty."""
    raw = re.sub(r"\s+", "", text(value) or "")
    if not raw:
        return DEFAULT_EDITION
    match = re.fullmatch(r"(\d{4})(?:年?版)?", raw)
    return match.group(1) if match else None


class Catalogue:
    """The stored occupations by (code, edition), loaded once, and their upsert."""

    def __init__(self, session: Session) -> None:
        self.db = session
        self.rows = {(o.code, o.edition): o for o in session.scalars(select(Occupation))}

    def save(self, item: OccupationIn) -> str:
        """Create or update the row of `item`; `created`, `updated` or `unchanged`."""
        stored = self.rows.get((item.code, item.edition))
        if stored is None:
            ratio = item.candidates_per_examiner or DEFAULT_RATIO
            stored = Occupation(
                code=item.code, name=item.name, edition=item.edition, candidates_per_examiner=ratio
            )
            self.db.add(stored)
            self.rows[(item.code, item.edition)] = stored
            return "created"
        changed = False
        if stored.name != item.name:
            self._renamed(stored, item.name)
            changed = True
        wanted = item.candidates_per_examiner
        if wanted is not None and stored.candidates_per_examiner != wanted:
            audit(self.db, "change_occupation_ratio", _subject(stored),
                  old=stored.candidates_per_examiner, new=wanted)  # fmt: skip
            stored.candidates_per_examiner, changed = wanted, True
        return "updated" if changed else "unchanged"

    def _renamed(self, stored: Occupation, name: str) -> None:
        # The audit log keeps the old name, so a planner can see why a code now reads
        # differently (the change history has it too).
        audit(self.db, "rename_occupation", _subject(stored), old=stored.name, new=name)
        stored.name = name


def save_occupation(session: Session, item: OccupationIn) -> str:
    """Add or change one occupation (the catalogue page); `created`, `updated`, `unchanged`."""
    outcome = Catalogue(session).save(item)
    if outcome == "created":
        ratio = item.candidates_per_examiner or DEFAULT_RATIO
        audit(session, "add_occupation", f"{item.code} ({item.edition})", name=item.name,
              candidates_per_examiner=ratio)  # fmt: skip
    session.flush()
    return outcome


def _subject(stored: Occupation) -> str:
    return f"{stored.code} ({stored.edition})"


def upsert_occupations(session: Session, items: Iterable[OccupationIn]) -> Counter[str]:
    """Create or update each catalogue row (matched on code and edition); count outcomes."""
    catalogue = Catalogue(session)
    outcomes = Counter(catalogue.save(item) for item in items)
    session.flush()
    return outcomes


def bundled_catalogue() -> list[OccupationIn]:
    """The common occupations panelplan ships with (2022 大典 codes), each at the 1:5 ratio.

    The ratio is the national standards' skill-test clause (1 examiner per 5 candidates);
    the generator's own ratios are sample data, not an occupation's standard, so they are
    not written into an institution's database. Institutions adjust per occupation.
    """
    return [OccupationIn(o.code, o.name, DEFAULT_EDITION, DEFAULT_RATIO) for o in OCCUPATIONS]


def seed_catalogue(session: Session) -> Counter[str]:
    """Load the bundled catalogue (upserted: running it again duplicates nothing)."""
    items = bundled_catalogue()
    problems = [p for o in items for p in read_occupation(*_cells(o))[1]]
    if problems:  # the bundled list is data: refuse it like any file rather than store it
        raise Refused(problems)
    outcomes = upsert_occupations(session, items)
    audit(session, "seed_occupations", "bundled catalogue", **outcomes)
    session.flush()
    return outcomes


def seed_if_empty(session: Session) -> int:
    """Seed the bundled catalogue when no occupation is stored; how many were added."""
    if session.scalar(select(func.count()).select_from(Occupation)):
        return 0
    return seed_catalogue(session)["created"]


def _cells(item: OccupationIn) -> tuple[Any, ...]:
    return item.code, item.name, item.edition, item.candidates_per_examiner
