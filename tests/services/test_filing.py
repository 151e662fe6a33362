"""Filing (R7): the training plan before the training, batches draft → filed → accepted."""

from __future__ import annotations

from datetime import date

import pytest
from factories import Factory
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AuditEvent, Certificate, Examiner, Institution, TrainingPlan
from models.base import ExaminerStatus
from models.filing import FilingStatus
from services.filing import batches as filing_batches
from services.filing import training as filing
from services.messages import Refused

START, END = date(2025, 3, 1), date(2025, 3, 10)


def filed_plan(db: Session, home: Institution) -> TrainingPlan:
    plan = filing.add_training_plan(db, home, "2025年考评员培训", START, END, 40)
    return filing.file_training_plan(db, plan, date(2025, 2, 20))


def certified(make: Factory, home: Institution, issued: date) -> Examiner:
    """An examiner whose (only) certificate was issued on `issued`."""
    examiner = make.examiner(home)
    for certificate in examiner.certificates:
        certificate.issue_date = issued
    make.db.flush()
    return examiner


def reasons(refused: pytest.ExceptionInfo[Refused], lang: str = "en") -> str:
    return " | ".join(refused.value.lines(lang))


def test_a_training_plan_is_filed_before_the_training_starts(db: Session, make: Factory) -> None:
    home = make.institution()
    plan = filed_plan(db, home)
    assert (plan.status, plan.filed_on) == (FilingStatus.FILED, date(2025, 2, 20))
    filing.accept_training_plan(db, plan)
    assert plan.status == FilingStatus.ACCEPTED
    late = filing.add_training_plan(db, home, "补报", START, END)
    for day in (START, date(2025, 3, 5)):
        with pytest.raises(Refused) as refused:
            filing.file_training_plan(db, late, day)
        assert "before the training starts" in reasons(refused)
        assert "培训开始（2025-03-01）前报备" in reasons(refused, "zh")
    assert late.status == FilingStatus.DRAFT


def test_training_dates_in_order_and_returned_plans_reopen(db: Session, make: Factory) -> None:
    home = make.institution()
    with pytest.raises(Refused, match="ends"):
        filing.add_training_plan(db, home, "反了", END, START)
    plan = filed_plan(db, home)
    filing.return_training_plan(db, plan)
    assert (plan.status, plan.filed_on) == (FilingStatus.RETURNED, None)
    with pytest.raises(Refused, match="returned; cannot file"):
        filing.file_training_plan(db, plan, date(2025, 2, 25))
    filing.reopen_training_plan(db, plan)
    filing.file_training_plan(db, plan, date(2025, 2, 25))
    assert plan.status == FilingStatus.FILED


def test_a_batch_gathers_those_certified_after_the_training(db: Session, make: Factory) -> None:
    home = make.institution()
    plan = filed_plan(db, home)
    new = [certified(make, home, date(2025, 3, 20)) for _ in range(3)]
    certified(make, home, date(2024, 1, 1))  # qualified earlier: not this training's
    revoked = certified(make, home, date(2025, 3, 20))
    revoked.status = ExaminerStatus.REVOKED
    batch = filing_batches.create_batch(db, home, date(2025, 4, 1), plan=plan)
    assert sorted(e.examiner_id for e in batch.entries) == sorted(e.id for e in new)
    assert (batch.status, batch.year, batch.training_plan_id) == (FilingStatus.DRAFT, 2025, plan.id)
    with pytest.raises(Refused, match="no examiner was certified after"):
        filing_batches.create_batch(db, home, date(2025, 4, 1), plan=plan)  # all already gathered


def test_no_batch_before_the_training_ends_or_for_an_unfiled_plan(
    db: Session, make: Factory
) -> None:
    home = make.institution()
    draft = filing.add_training_plan(db, home, "未报备", START, END)
    examiner = certified(make, home, date(2025, 3, 20))
    with pytest.raises(Refused) as refused:
        filing_batches.create_batch(db, home, END, plan=draft, examiners=[examiner])
    assert "has not been filed" in reasons(refused) and "ends on 2025-03-10" in reasons(refused)
    with pytest.raises(Refused, match="holds no examiner"):
        filing_batches.create_batch(db, home, date(2025, 4, 1), examiners=[])


def test_draft_filed_accepted_with_audit(db: Session, make: Factory) -> None:
    home = make.institution()
    examiners = [make.examiner(home) for _ in range(2)]
    batch = filing_batches.create_batch(db, home, date(2025, 4, 1), examiners=examiners[:1])
    filing_batches.add_to_batch(db, batch, examiners)  # the first one stays once
    assert len(batch.entries) == 2
    filing_batches.file_batch(db, batch, date(2025, 4, 2))
    assert (batch.status, batch.submitted_on) == (FilingStatus.FILED, date(2025, 4, 2))
    with pytest.raises(Refused, match="filed; cannot change it"):
        filing_batches.add_to_batch(db, batch, examiners)
    with pytest.raises(Refused, match="filed; cannot file it"):
        filing_batches.file_batch(db, batch, date(2025, 4, 3))
    filing_batches.accept_batch(db, batch, date(2025, 4, 9))
    assert (batch.status, batch.accepted_on) == (FilingStatus.ACCEPTED, date(2025, 4, 9))
    with pytest.raises(Refused, match="accepted; cannot return it"):
        filing_batches.return_batch(db, batch, "晚了")
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.institution_id == home.id))
    assert {"filing batch created", "filing batch file", "filing batch accept"} <= set(actions)


def test_a_returned_batch_is_a_draft_again_once_changed(db: Session, make: Factory) -> None:
    home = make.institution()
    first, second = make.examiner(home), make.examiner(home)
    batch = filing_batches.create_batch(db, home, date(2025, 4, 1), examiners=[first, second])
    filing_batches.file_batch(db, batch, date(2025, 4, 2))
    filing_batches.return_batch(db, batch, "证书编号有误")
    assert (batch.status, batch.note) == (FilingStatus.RETURNED, "证书编号有误")
    filing_batches.remove_from_batch(db, batch, [second])
    assert batch.status == FilingStatus.DRAFT and len(batch.entries) == 1
    filing_batches.file_batch(db, batch, date(2025, 4, 5))
    filing_batches.return_batch(db, batch)
    filing_batches.reopen_batch(db, batch)
    assert batch.status == FilingStatus.DRAFT


def test_filing_refuses_empty_batches_and_examiners_without_certificates(
    db: Session, make: Factory
) -> None:
    home, other = make.institution(), make.institution()
    bare, stranger = make.examiner(home, name="赵六"), make.examiner(other)
    for certificate in db.scalars(select(Certificate).where(Certificate.examiner_id == bare.id)):
        db.delete(certificate)
    db.flush()
    db.expire(bare)
    with pytest.raises(Refused, match="another institution"):
        filing_batches.create_batch(db, home, date(2025, 4, 1), examiners=[stranger])
    batch = filing_batches.create_batch(db, home, date(2025, 4, 1), examiners=[bare])
    with pytest.raises(Refused, match="赵六 holds no certificate"):
        filing_batches.file_batch(db, batch, date(2025, 4, 2))
    filing_batches.remove_from_batch(db, batch, [bare])
    with pytest.raises(Refused, match="holds no examiner"):
        filing_batches.file_batch(db, batch, date(2025, 4, 2))
    assert batch.status == FilingStatus.DRAFT
