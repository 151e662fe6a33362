"""Two institutions on one database, for the tenancy tests (a plain module).

Institution A (code 3204005) has only its users (admin, planner, viewer); institution B
(3204777) is the generated sample with a published plan, a queued solve job, filing
batches and training plans, discipline records, unavailability, alerts and its own users;
the city centre (`city`) belongs to neither. Because A holds no row of its own, every id or
code of B is one that A's pages must not find: a route that looks a row up without the
institution would show it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    Alert,
    Appointment,
    AssessmentSession,
    Certificate,
    Examiner,
    ExaminerWarning,
    FilingBatch,
    Institution,
    Organization,
    Plan,
    Qualification,
    Refusal,
    Review,
    Revocation,
    SolveJob,
    TrainingPlan,
    Unavailability,
    User,
    Venue,
)
from models.db import make_engine, session_factory, transaction
from models.discipline import ReviewOutcome
from models.migrate import upgrade
from services.alerts.compliance import sweep
from services.demo.loading import load_generated
from services.demo.run import sample
from services.filing.batches import create_batch, file_batch
from services.filing.training import add_training_plan, file_training_plan
from services.institution.users import create_user
from services.planning.plans import solve_and_store
from services.planning.publishing import publish
from services.planning.solve_jobs import request_plan
from solver.solve import Options

A_CODE, B_CODE = "3204005", "3204777"
A_NAME, B_NAME = "常州市甲测试评价中心", "常州市乙隔离评价中心"
PASSWORD = "tenant-pass-1"  # every user of these databases
A_USERS = {"admin": "admin", "planner": "planner", "viewer": "viewer"}
B_USERS = {"b-admin": "admin", "b-planner": "planner"}
CITY = "city-centre"
PLAN_TITLE = "乙机构考评员培训计划"


@dataclass
class Ids:
    """B's ids and codes, by kind, and the texts of B that A must never see."""

    ids: dict[str, list[int | str]] = field(default_factory=dict)
    texts: set[str] = field(default_factory=set)

    def first(self, kind: str) -> int | str:
        return self.ids[kind][0]


def seed_two(path: Path) -> Path:
    """A migrated SQLite file with institutions A and B and the city centre."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with transaction(session_factory(engine), "seed") as db:
        seed(db)
    engine.dispose()
    return path


def seed(db: Session) -> None:
    """Institutions A and B and the city centre, in `db` (a migrated, empty database)."""
    a = Institution(code=A_CODE, name=A_NAME)
    db.add(a)
    db.flush()
    for username, role in A_USERS.items():
        create_user(db, a, username, role, PASSWORD, f"{role}用户")
    create_user(db, None, CITY, "city", PASSWORD, "市鉴定中心")
    _institution_b(db)


def _institution_b(db: Session) -> Institution:
    raw = sample("S")
    raw["institution"] = {"code": B_CODE, "name": B_NAME}
    b = load_generated(db, raw)
    for username, role in B_USERS.items():
        create_user(db, b, username, role, PASSWORD)
    days = sorted(date.fromisoformat(s["start"][:10]) for s in raw["sessions"])
    plan = solve_and_store(db, b, days[0], days[-1], Options(time_limit=10, workers=1))
    publish(db, b, plan.version)
    request_plan(db, b, days[0], days[-1], Options(time_limit=5, workers=1))
    examiners = list(db.scalars(select(Examiner).where(Examiner.institution_id == b.id)))
    training = add_training_plan(db, b, PLAN_TITLE, date(2025, 3, 1), date(2025, 3, 5), 10)
    file_training_plan(db, training, date(2025, 2, 1))
    filed = create_batch(db, b, date(2026, 1, 5), None, examiners[:3], year=2025)
    file_batch(db, filed, date(2026, 1, 6))  # the city centre sees it
    create_batch(db, b, date(2026, 1, 7), None, examiners[6:8], year=2026)  # a draft: it doesn't
    _discipline(db, b, examiners)
    assert sweep(db, b, days[0], datetime.now(UTC))  # B's alerts
    assert training.id
    db.flush()
    return b


def _discipline(db: Session, b: Institution, examiners: list[Examiner]) -> None:
    first = db.scalar(select(AssessmentSession).where(AssessmentSession.institution_id == b.id))
    assert first is not None
    one, two, three = examiners[3], examiners[4], examiners[5]
    db.add_all([
        ExaminerWarning(examiner_id=one.id, issued_on=date(2026, 1, 2), reason="乙机构警告"),
        Refusal(examiner_id=one.id, session_id=first.id, refused_on=date(2026, 1, 3)),
        Revocation(examiner_id=two.id, requested_on=date(2026, 1, 4), grounds="乙机构取消"),
        Review(examiner_id=three.id, year=2025, proposal=ReviewOutcome.RENEW),
        Unavailability(examiner_id=three.id, start=date(2026, 5, 1), end=date(2026, 5, 2)),
    ])  # fmt: skip


def b_ids(path: Path) -> Ids:
    """What institution B holds, read back from the seeded file."""
    engine = make_engine(f"sqlite:///{path}")
    try:
        with session_factory(engine)() as db:
            return read_ids(db)
    finally:
        engine.dispose()


def read_ids(db: Session) -> Ids:
    """What institution B holds: its ids by kind and its names and codes."""
    b = db.scalars(select(Institution).where(Institution.code == B_CODE)).one()
    mine = {"institution_id": b.id}
    examiners = list(db.scalars(select(Examiner).filter_by(**mine)))
    owned = [e.id for e in examiners]
    found = Ids()

    def of(model: type[Any], column: str = "id", **where: object) -> list[int | str]:
        query = select(getattr(model, column))
        for name, value in where.items():
            query = query.where(getattr(model, name).in_(value) if isinstance(value, list)
                                else getattr(model, name) == value)  # fmt: skip
        return list(db.scalars(query.order_by(getattr(model, column))))

    found.ids = {
        "examiner": [e.code for e in examiners],
        "session": of(AssessmentSession, **mine),
        "session_code": of(AssessmentSession, "code", **mine),
        "venue": of(Venue, **mine),
        "version": of(Plan, "version", **mine),
        "job": of(SolveJob, **mine),
        "alert": of(Alert, **mine),
        "training_plan": of(TrainingPlan, **mine),
        "batch": of(FilingBatch, **mine),
        "user": of(User, **mine),
        "appointment": of(Appointment, examiner_id=owned),
        "certificate": of(Certificate, examiner_id=owned),
        "qualification": of(Qualification, examiner_id=owned),
        "unavailability": of(Unavailability, examiner_id=owned),
        "warning": of(ExaminerWarning, examiner_id=owned),
        "refusal": of(Refusal, examiner_id=owned),
        "revocation": of(Revocation, examiner_id=owned),
        "review": of(Review, examiner_id=owned),
    }
    names = [v.name for v in db.scalars(select(Venue).filter_by(**mine))]
    names += [o.name for o in db.scalars(select(Organization).filter_by(**mine))]
    found.texts = {B_NAME, B_CODE, PLAN_TITLE, *B_USERS, *names}
    found.texts |= {e.code for e in examiners} | {e.name for e in examiners if len(e.name) > 2}
    found.texts |= {str(c) for c in found.ids["session_code"]}
    return found
