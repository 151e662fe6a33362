"""Typed, frozen objects for the `panel-instance/1` and `panel-result/1` formats (SPEC 4.1-4.5).

These classes are the solver's own vocabulary: the model, the checker and the
diagnostics speak only in them. Field-level checks (types, ranges, date
formats) live here; cross-object checks (unknown ids, rule-level sanity) live
in `solver.load`, which reports every problem at once.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Annotated, Final, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
)

INSTANCE_FORMAT: Final = "panel-instance/1"
RESULT_FORMAT: Final = "panel-result/1"

Id = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
Level = Annotated[int, Field(ge=1, le=5, strict=True)]
# The largest count an instance may hold (candidates, seats, modules, sessions, days): far past
# any term, and small enough that CP-SAT's 64-bit arithmetic never overflows on it.
MOST: Final = 100_000
Grade = Literal["examiner", "senior"]
Status = Literal["active", "suspended", "revocation_pending", "revoked"]
ConflictKind = Literal["relative", "teacher_student", "master_apprentice", "interest"]
Role = Literal["leader", "member"]
# Local wall-clock time without zone, as the SPEC writes it (not RFC 3339 date-time).
LocalTime = Annotated[
    datetime,
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$"}),
]
SolveStatus = Literal["OPTIMAL", "FEASIBLE", "INFEASIBLE", "UNKNOWN", "INVALID_INPUT"]
# The notice's level rule (national 考评人员管理工作规程, Art. 3): examiners 3-5, seniors all levels.
DEFAULT_GRADE_TOP_LEVEL: Final[dict[Grade, int]] = {"examiner": 3, "senior": 1}


class Frozen(BaseModel):
    """Base: immutable, unknown keys ignored (SPEC 4.3: a warning at most)."""

    model_config = ConfigDict(frozen=True, extra="ignore")


def _parse_minute(value: object) -> object:
    """Accept only the SPEC's local `YYYY-MM-DDTHH:MM` (seconds tolerated, no zone)."""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"not a local time YYYY-MM-DDTHH:MM: {value!r}") from exc
        if parsed.tzinfo is not None or "T" not in value:
            raise ValueError(f"not a local time YYYY-MM-DDTHH:MM: {value!r}")
        return parsed
    raise ValueError(f"not a local time YYYY-MM-DDTHH:MM: {value!r}")


def _parse_day(value: object) -> object:
    """Accept only ISO `YYYY-MM-DD` strings."""
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"not a date YYYY-MM-DD: {value!r}")


class Period(Frozen):
    """An inclusive range of dates."""

    start: date
    end: date

    _days = field_validator("start", "end", mode="before")(_parse_day)

    def covers(self, first: date, last: date) -> bool:
        """True when every day from `first` to `last` lies in this period."""
        return self.start <= first and last <= self.end

    def touches(self, first: date, last: date) -> bool:
        """True when any day from `first` to `last` lies in this period."""
        return self.start <= last and first <= self.end


def appointment_too_long(period: Period) -> bool:
    """SPEC 4.1: an appointment is too long when end >= start + 3 calendar years."""
    start = period.start
    if start.year + 3 > date.max.year:
        return False  # no date can reach three years on
    try:
        limit = start.replace(year=start.year + 3)
    except ValueError:  # 29 February: three years on is 1 March
        limit = date(start.year + 3, 3, 1)
    return period.end >= limit


class Institution(Frozen):
    code: str = ""
    name: str = ""


class Policy(Frozen):
    """Per-institution policy values (SPEC 4.2); defaults are the notice's values."""

    min_panel_size: int = Field(3, le=MOST, strict=True)
    odd_panel_size: bool = True
    turnover: tuple[int, int] = (1, 3)
    rotation_scope: Literal["venue_occupation", "occupation"] = "venue_occupation"
    max_consecutive_same_venue: int = Field(3, strict=True)
    consecutive_rule: Literal["examiner_sequence", "venue_sequence", "both"] = "examiner_sequence"
    leader_min_experience_days: int = Field(365, le=MOST, strict=True)
    grade_top_level: dict[Grade, Level] = Field(
        default_factory=lambda: dict(DEFAULT_GRADE_TOP_LEVEL)
    )
    recuse_candidate_organization: bool = True
    allow_unfilled: bool = False

    def turnover_needed(self, size: int) -> int:
        """Members of a panel of `size` that must be new (ceil(size x turnover))."""
        num, den = self.turnover
        return math.ceil(size * num / den) if den else size

    def top_level(self, grade: Grade) -> int:
        """Highest (smallest-numbered) level an examiner of `grade` may assess."""
        return self.grade_top_level.get(grade, DEFAULT_GRADE_TOP_LEVEL[grade])


class Occupation(Frozen):
    code: Id
    name: str = ""
    candidates_per_examiner: int = Field(5, ge=1, le=MOST, strict=True)


class Venue(Frozen):
    id: Id
    name: str = ""
    organization: str | None = None


class Qualification(Frozen):
    occupation: Id
    top_level: Level


class Examiner(Frozen):
    id: Id
    name: str = ""
    grade: Grade
    status: Status = "active"
    organization: str | None = None
    assessing_since: date | None = None
    leader_eligible: bool = False
    qualifications: tuple[Qualification, ...] = ()
    appointments: tuple[Period, ...] = ()
    certified_until: date | None = None
    unavailable: tuple[Period, ...] = ()
    max_sessions: int | None = Field(None, ge=0, le=MOST, strict=True)

    _days = field_validator("assessing_since", "certified_until", mode="before")(
        lambda v: v if v is None else _parse_day(v)
    )


class Candidate(Frozen):
    id: Id
    organization: str | None = None


class SessionBase(Frozen):
    """What every session has, planned or from history."""

    id: Id
    venue: Id
    occupation: Id
    level: Level
    start: LocalTime
    end: LocalTime

    _times = field_validator("start", "end", mode="before")(_parse_minute)

    @property
    def first_day(self) -> date:
        return self.start.date()

    @property
    def last_day(self) -> date:
        """Last calendar date touched by [start, end): an end at midnight is not touched."""
        return (
            (self.end - timedelta(microseconds=1)).date()
            if self.end > self.start
            else (self.start.date())
        )

    @property
    def order_key(self) -> tuple[datetime, str]:
        """Sessions are ordered by (start, id) everywhere (H6, H7)."""
        return (self.start, self.id)


class Session(SessionBase):
    candidates: tuple[Id, ...] | None = None
    candidate_count: int | None = Field(None, ge=0, le=MOST, strict=True)
    modules: int | None = Field(None, ge=1, le=MOST, strict=True)
    panel_size: int | None = Field(None, le=MOST, strict=True)


class Conflict(Frozen):
    examiner: Id
    candidate: Id | None = None
    organization: str | None = None
    kind: ConflictKind
    since: date | None = None

    _days = field_validator("since", mode="before")(lambda v: v if v is None else _parse_day(v))


class Assignment(Frozen):
    """A staffed panel: the leader is also one of the members."""

    session: Id
    leader: Id | None = None
    members: tuple[Id, ...] = ()


class HistoryEntry(Frozen):
    session: SessionBase
    leader: Id | None = None
    members: tuple[Id, ...] = ()


class Lock(Frozen):
    session: Id
    examiner: Id
    role: Role


class Instance(Frozen):
    """A whole scheduling problem (SPEC 4.1)."""

    format: Literal["panel-instance/1"] = INSTANCE_FORMAT
    institution: Institution = Institution()
    policy: Policy = Policy()
    occupations: tuple[Occupation, ...] = ()
    venues: tuple[Venue, ...] = ()
    examiners: tuple[Examiner, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    sessions: tuple[Session, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    history: tuple[HistoryEntry, ...] = ()
    baseline: tuple[Assignment, ...] = ()
    locks: tuple[Lock, ...] = ()


class Objective(BaseModel):
    """The lexicographic objective vector (SPEC 4.4), smallest first."""

    unfilled: int = 0
    changes: int = 0
    load_squares: int = 0
    leader_squares: int = 0

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (self.unfilled, self.changes, self.load_squares, self.leader_squares)


class Unfilled(BaseModel):
    session: str
    seats: int


class Diagnostic(BaseModel):
    """One finding, in words a planner can act on, with the rule it concerns."""

    rule: str
    session: str | None = None
    examiner: str | None = None
    field: str | None = None
    message: str

    def line(self) -> str:
        """One line: rule, session, examiner, sentence."""
        where = " ".join(x for x in (self.session, self.examiner, self.field) if x)
        return f"{self.rule} {where}: {self.message}" if where else f"{self.rule}: {self.message}"


class Result(BaseModel):
    """A solve outcome (SPEC 4.5); also read back from files edited by hand."""

    model_config = ConfigDict(extra="ignore")

    format: Literal["panel-result/1"] = RESULT_FORMAT
    status: SolveStatus
    objective: Objective = Objective()
    bound: Objective = Objective()
    solve_seconds: float = 0.0
    seed: int = 0
    solver_version: str = ""
    assignments: list[Assignment] = []
    unfilled: list[Unfilled] = []
    diagnostics: list[Diagnostic] = []
    warnings: list[str] = []
