"""Filing with the superior unit (备案, notice art. 7, SPEC R7).

"谁培训、谁发证、谁管理": the institution files its training plan BEFORE examiner training
starts; after the training and its exam, a filing batch gathers the newly qualified
examiners, whose Attachments 1 and 2 (services.filing.forms) go to the superior unit, and
the batch moves draft → filed → accepted, or filed → returned → draft again (the unit
sends it back for corrections). "Filed" is stored as `FilingStatus.FILED` (已报送),
"accepted" as `ACCEPTED` (已备案). Every transition is an audit event; services only flush.

This module: the status machine shared by both records, and training plans; batches are in
`services.filing.batches`.
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from sqlalchemy.orm import Session

from models import FilingBatch, Institution, TrainingPlan, audit
from models.filing import FilingStatus
from services.messages import Problem, Refused

MESSAGES = {
    "plan_dates": {
        "zh": "培训结束日期 {ends_on} 早于开始日期 {starts_on}",
        "en": "the training ends ({ends_on}) before it starts ({starts_on})",
    },
    "plan_too_late": {
        "zh": "培训方案须在培训开始（{starts_on}）前报备，{on} 已不能报备",
        "en": "a training plan must be filed before the training starts ({starts_on}); {on} is too late",
    },
    "bad_transition": {
        "zh": "{what}当前状态为“{status}”，不能{action}",
        "en": "{what_en} is {status_en}; cannot {action_en}",
    },
}
STATUS_NAMES = {
    FilingStatus.DRAFT: ("草稿", "a draft"),
    FilingStatus.FILED: ("已报送", "filed"),
    FilingStatus.ACCEPTED: ("已备案", "accepted"),
    FilingStatus.RETURNED: ("退回修改", "returned"),
}
# action: (states it may start from, state it leads to, zh verb, en verb)
TRANSITIONS = {
    "file": ({FilingStatus.DRAFT}, FilingStatus.FILED, "报送", "file it"),
    "accept": ({FilingStatus.FILED}, FilingStatus.ACCEPTED, "登记为已备案", "accept it"),
    "return": ({FilingStatus.FILED}, FilingStatus.RETURNED, "退回", "return it"),
    "reopen": ({FilingStatus.RETURNED}, FilingStatus.DRAFT, "重新编辑", "reopen it"),
    "edit": (
        {FilingStatus.DRAFT, FilingStatus.RETURNED},
        FilingStatus.DRAFT,
        "修改",
        "change it",
    ),
}
R = TypeVar("R", TrainingPlan, FilingBatch)
WHAT = {TrainingPlan: ("培训方案", "the training plan"), FilingBatch: ("备案批次", "the batch")}


def add_training_plan(
    session: Session,
    home: Institution,
    title: str,
    starts_on: date,
    ends_on: date,
    trainees_planned: int | None = None,
    content: str | None = None,
) -> TrainingPlan:
    """Record a training plan (a draft until filed)."""
    if ends_on < starts_on:
        raise Refused(
            [
                Problem.of(
                    MESSAGES,
                    "plan_dates",
                    "end",
                    starts_on=starts_on.isoformat(),
                    ends_on=ends_on.isoformat(),
                )
            ]
        )
    plan = TrainingPlan(
        institution_id=home.id,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        trainees_planned=trainees_planned,
        content=content,
    )
    session.add(plan)
    session.flush()
    audit(session, "training plan added", title, home.id, plan=plan.id, starts_on=starts_on)
    return plan


def file_training_plan(session: Session, plan: TrainingPlan, on: date) -> TrainingPlan:
    """File the plan with the superior unit; refused on or after the training's first day."""
    if on >= plan.starts_on:
        raise Refused(
            [
                Problem.of(
                    MESSAGES,
                    "plan_too_late",
                    "start",
                    starts_on=plan.starts_on.isoformat(),
                    on=on.isoformat(),
                )
            ]
        )
    move(session, plan, "file")
    plan.filed_on = on
    return plan


def accept_training_plan(session: Session, plan: TrainingPlan) -> TrainingPlan:
    """Record that the superior unit accepted the plan."""
    return move(session, plan, "accept")


def return_training_plan(session: Session, plan: TrainingPlan) -> TrainingPlan:
    """Record that the superior unit sent the plan back (reopen it to change and file again)."""
    move(session, plan, "return")
    plan.filed_on = None
    return plan


def reopen_training_plan(session: Session, plan: TrainingPlan) -> TrainingPlan:
    """Make a returned training plan a draft again."""
    return move(session, plan, "reopen")


def move(session: Session, record: R, action: str, quiet: bool = False, **details: object) -> R:
    """Apply status transition `action` or refuse it; audit it unless `quiet`."""
    problems = transition_problems(record, action)
    if problems:
        raise Refused(problems)
    before = record.status
    record.status = TRANSITIONS[action][1]
    session.flush()
    if not quiet:
        kind = "training plan" if isinstance(record, TrainingPlan) else "filing batch"
        audit(
            session, f"{kind} {action}", f"{kind} {record.id}", record.institution_id,
            status=f"{before} → {record.status}", **details,
        )  # fmt: skip
    return record


def transition_problems(record: TrainingPlan | FilingBatch, action: str) -> list[Problem]:
    """Why `record` cannot take `action` now (empty when it can)."""
    allowed, _, verb_zh, verb_en = TRANSITIONS[action]
    if FilingStatus(record.status) in allowed:
        return []
    status_zh, status_en = STATUS_NAMES[FilingStatus(record.status)]
    what_zh, what_en = WHAT[type(record)]
    return [
        Problem.of(
            MESSAGES,
            "bad_transition",
            "status",
            what=what_zh,
            what_en=what_en,
            status=status_zh,
            status_en=status_en,
            action=verb_zh,
            action_en=verb_en,
        )
    ]
