"""Filing batches (备案批次, R7): the newly qualified examiners filed after training and its
exam with Attachments 1 and 2; draft → filed → accepted, or returned → draft again.

The status machine is `services.filing.training`; the attachments are `services.filing.forms`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Certificate, Examiner, FilingBatch, FilingEntry, Institution, TrainingPlan, audit
from models.base import ExaminerStatus
from models.filing import FilingStatus
from services.filing.training import move, transition_problems
from services.messages import Problem, Refused

MESSAGES = {
    "plan_not_filed": {
        "zh": "培训方案“{title}”尚未报备，不能为其建立备案批次",
        "en": "training plan “{title}” has not been filed; no filing batch for it yet",
    },
    "training_not_over": {
        "zh": "培训方案“{title}”的培训到 {ends_on} 才结束，培训考核后才能报备考评人员",
        "en": "the training of “{title}” ends on {ends_on}; examiners are filed after training and its exam",
    },
    "empty_batch": {
        "zh": "备案批次中没有考评人员",
        "en": "the filing batch holds no examiner",
    },
    "no_newly_qualified": {
        "zh": "培训结束（{ends_on}）后没有新发证的考评人员",
        "en": "no examiner was certified after the training ended ({ends_on})",
    },
    "other_institution": {
        "zh": "考评员 {code} 不属于本机构",
        "en": "examiner {code} belongs to another institution",
    },
    "no_certificate": {
        "zh": "考评员 {code} {name} 没有考评证书，不能报备",
        "en": "examiner {code} {name} holds no certificate; cannot be filed",
    },
    "revoked": {
        "zh": "考评员 {code} {name} 已被取消资格，不能报备",
        "en": "examiner {code} {name} is revoked; cannot be filed",
    },
}


def create_batch(
    session: Session,
    home: Institution,
    on: date,
    plan: TrainingPlan | None = None,
    examiners: Sequence[Examiner] | None = None,
    year: int | None = None,
) -> FilingBatch:
    """A draft batch of `examiners`, or of those certified after `plan`'s training ended."""
    if plan is not None:
        _check_plan(plan, on)
    if examiners is None and plan is not None:
        examiners = newly_qualified(session, home, plan)
        if not examiners:
            raise Refused(
                [
                    Problem.of(
                        MESSAGES, "no_newly_qualified", "examiner", ends_on=plan.ends_on.isoformat()
                    )
                ]
            )
    if not examiners:
        raise Refused([Problem.of(MESSAGES, "empty_batch", "examiner")])
    _check_examiners(home, examiners)
    batch = FilingBatch(
        institution_id=home.id,
        training_plan_id=plan.id if plan else None,
        year=year or (plan.ends_on.year if plan else on.year),
    )
    batch.entries = [FilingEntry(examiner_id=e.id) for e in examiners]
    session.add(batch)
    session.flush()
    audit(session, "filing batch created", f"batch {batch.id}", home.id, examiners=len(examiners))
    return batch


def newly_qualified(session: Session, home: Institution, plan: TrainingPlan) -> list[Examiner]:
    """Examiners certified after the plan's training ended, not yet in a batch of that plan."""
    already = (
        select(FilingEntry.examiner_id)
        .join(FilingBatch)
        .where(FilingBatch.training_plan_id == plan.id)
    )
    return list(
        session.scalars(
            select(Examiner)
            .where(
                Examiner.institution_id == home.id,
                Examiner.status != ExaminerStatus.REVOKED,
                Examiner.certificates.any(Certificate.issue_date > plan.ends_on),
                Examiner.id.not_in(already),
            )
            .order_by(Examiner.code)
        )
    )


def add_to_batch(
    session: Session, batch: FilingBatch, examiners: Sequence[Examiner]
) -> FilingBatch:
    """Add examiners (those already in it stay once); a returned batch becomes a draft again."""
    move(session, batch, "edit", quiet=True)
    _check_examiners_of(session, batch, examiners)
    present = {entry.examiner_id for entry in batch.entries}
    batch.entries.extend(FilingEntry(examiner_id=e.id) for e in examiners if e.id not in present)
    return _changed(session, batch, added=[e.code for e in examiners])


def remove_from_batch(
    session: Session, batch: FilingBatch, examiners: Sequence[Examiner]
) -> FilingBatch:
    """Take examiners out of a draft (or returned) batch."""
    move(session, batch, "edit", quiet=True)
    gone = {e.id for e in examiners}
    batch.entries = [entry for entry in batch.entries if entry.examiner_id not in gone]
    return _changed(session, batch, removed=[e.code for e in examiners])


def _changed(session: Session, batch: FilingBatch, **details: list[str]) -> FilingBatch:
    """Flush a change of the batch's examiners and record it."""
    session.flush()
    audit(session, "filing batch changed", f"batch {batch.id}", batch.institution_id, **details)
    return batch


def file_batch(session: Session, batch: FilingBatch, on: date) -> FilingBatch:
    """Record that Attachments 1 and 2 went to the superior unit; every examiner needs a certificate."""
    problems = transition_problems(batch, "file")
    entries = [entry.examiner for entry in batch.entries]
    if not entries:
        problems.append(Problem.of(MESSAGES, "empty_batch", "examiner"))
    for examiner in sorted(entries, key=lambda e: e.code):
        problems.extend(_examiner_problems(examiner))
    if problems:
        raise Refused(problems)
    move(session, batch, "file")
    batch.submitted_on = on
    return batch


def accept_batch(session: Session, batch: FilingBatch, on: date) -> FilingBatch:
    """Record that the superior unit accepted the batch (已备案)."""
    move(session, batch, "accept")
    batch.accepted_on = on
    return batch


def return_batch(session: Session, batch: FilingBatch, reason: str | None = None) -> FilingBatch:
    """Record that the superior unit sent the batch back; it can be changed and filed again."""
    move(session, batch, "return", reason=reason)
    if reason:
        batch.note = reason
    return batch


def reopen_batch(session: Session, batch: FilingBatch) -> FilingBatch:
    """Make a returned batch a draft again."""
    return move(session, batch, "reopen")


def _check_plan(plan: TrainingPlan, on: date) -> None:
    problems = []
    if plan.status not in (FilingStatus.FILED, FilingStatus.ACCEPTED):
        problems.append(Problem.of(MESSAGES, "plan_not_filed", "plan", title=plan.title))
    if on <= plan.ends_on:
        problems.append(
            Problem.of(
                MESSAGES,
                "training_not_over",
                "plan",
                title=plan.title,
                ends_on=plan.ends_on.isoformat(),
            )
        )
    if problems:
        raise Refused(problems)


def _check_examiners(home: Institution, examiners: Sequence[Examiner]) -> None:
    problems = []
    for examiner in examiners:
        if examiner.institution_id != home.id:
            problems.append(
                Problem.of(MESSAGES, "other_institution", "examiner", code=examiner.code)
            )
        elif examiner.status == ExaminerStatus.REVOKED:
            problems.append(
                Problem.of(MESSAGES, "revoked", "examiner", code=examiner.code, name=examiner.name)
            )
    if problems:
        raise Refused(problems)


def _check_examiners_of(
    session: Session, batch: FilingBatch, examiners: Sequence[Examiner]
) -> None:
    home = session.get(Institution, batch.institution_id)
    assert home is not None  # a batch always belongs to an institution (foreign key)
    _check_examiners(home, examiners)


def _examiner_problems(examiner: Examiner) -> list[Problem]:
    problems = []
    if not examiner.certificates:
        problems.append(
            Problem.of(
                MESSAGES, "no_certificate", "examiner", code=examiner.code, name=examiner.name
            )
        )
    if examiner.status == ExaminerStatus.REVOKED:
        problems.append(
            Problem.of(MESSAGES, "revoked", "examiner", code=examiner.code, name=examiner.name)
        )
    return problems
