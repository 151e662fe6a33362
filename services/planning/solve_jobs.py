"""Solve requests (issue 5): record a solve for the scheduler, cancel it, follow its progress.

The web app and `panelplan plan` call `request_plan` / `request_what_if`: a plan's instance is
built and loaded first, so an impossible request (empty range, invalid data) is refused at
once with every reason and nothing is queued; a what-if's withdrawals are checked against the
published plan without building anything (`services.whatif.rerun.check_what_if`), and the
worker prepares and stores the rerun as `panelplan what-if` does (`prepare_what_if`,
`store_what_if`). The scheduler process
runs queued jobs in child processes (`jobs.solving`, `services.planning.solve_runs`).

A plan request may choose the policy of its solve (`services.planning.policy.solve_policy`: stricter
than the institution's, never looser); the whole policy is stored in the job's parameters and
the worker builds the instance with it, so the stored plan's instance carries it. Without
one, the worker uses the institution's policy as it stands when the job runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Institution, JobKind, JobStatus, SolveJob
from models.base import utcnow
from services.messages import Problem, Refused
from services.planning.plans import option_refusals, prepare
from services.planning.policy import policy_json, solve_policy
from services.planning.solve_runs import ENDED, objective_tuple
from services.whatif.rerun import check_what_if
from services.whatif.withdrawals import Withdrawal
from solver.messages import name
from solver.solve import Options

# A job never searches for ever: the scheduler has few slots (one on a two-core machine).
DEFAULT_TIME_LIMIT = 600.0

STATUS_NAMES: dict[str, dict[str, str]] = {
    JobStatus.QUEUED: {"zh": "排队中", "en": "queued"},
    JobStatus.RUNNING: {"zh": "求解中", "en": "running"},
    JobStatus.SUCCEEDED: {"zh": "已完成", "en": "succeeded"},
    JobStatus.FAILED: {"zh": "失败", "en": "failed"},
    JobStatus.CANCELLED: {"zh": "已取消", "en": "cancelled"},
    JobStatus.INTERRUPTED: {"zh": "已中断", "en": "interrupted"},
}

MESSAGES = {
    "bad_range": {
        "zh": "日期范围 {date_from} 至 {date_to} 有误：结束早于开始",
        "en": "date range {date_from} to {date_to} ends before it starts",
    },
    "bad_time_limit": {
        "zh": "求解时限应大于 0 秒（现为 {value}）",
        "en": "the time limit must be more than 0 seconds (got {value})",
    },
    "bad_workers": {
        "zh": "求解线程数不能为负数（现为 {value}）",
        "en": "the number of search workers cannot be negative (got {value})",
    },
    "unknown_job": {"zh": "没有编号为 #{id} 的求解任务", "en": "no solve job #{id}"},
    "job_ended": {
        "zh": "求解任务 #{id} 已结束（{status}），无需取消",
        "en": "solve job #{id} has already ended ({status}): nothing to cancel",
    },
}


def status_name(status: JobStatus, lang: str = "zh") -> str:
    """A job status as planners read it."""
    return name(STATUS_NAMES, status, lang)


def parameters(options: Options) -> dict[str, object]:
    """The job parameters for `options` (the default time limit when none is given)."""
    return {
        "time_limit": options.time_limit or DEFAULT_TIME_LIMIT,
        "workers": options.workers,
        "seed": options.seed,
        "deterministic": options.deterministic,
        "lang": options.lang,
    }


def _check_options(options: Options) -> list[Problem]:
    """Options no solve could use (NaN, infinity, a 30-digit seed, ...); the job boundary
    checks them whoever asks (web form, API, command line)."""
    problems = []
    if options.time_limit is not None and options.time_limit <= 0:
        problems.append(
            Problem.of(MESSAGES, "bad_time_limit", "time_limit", value=options.time_limit)
        )
    if isinstance(options.workers, int) and options.workers < 0:
        problems.append(Problem.of(MESSAGES, "bad_workers", "workers", value=options.workers))
    shown = {p.field for p in problems}
    return problems + [p for p in option_refusals(options) if p.field not in shown]


def request_plan(
    db: Session,
    institution: Institution,
    date_from: date,
    date_to: date,
    options: Options,
    policy: Mapping[str, Any] | None = None,
) -> SolveJob:
    """Queue a solve of the range (under `policy`'s values over the institution's, when
    given); refuse (nothing queued) what could never be solved or published."""
    problems = _check_options(options)
    if date_to < date_from:
        params = {"date_from": date_from, "date_to": date_to}
        problems.append(Problem.of(MESSAGES, "bad_range", "date_range", **params))
    chosen = None
    if policy is not None:
        try:
            chosen = policy_json(solve_policy(institution, policy))
        except Refused as refused:
            problems += refused.problems
    if problems:
        raise Refused(problems)
    prepare(db, institution, date_from, date_to, policy=chosen)  # refuses an empty range, ...
    job = _queue(db, institution, JobKind.PLAN, date_from, date_to, options)
    if chosen is not None:
        job.parameters = {**job.parameters, "policy": chosen}
        db.flush()
    return job


def request_what_if(
    db: Session, institution: Institution, withdrawals: list[Withdrawal], options: Options
) -> SolveJob:
    """Queue a what-if rerun; the withdrawals are recorded by the job, with its plan."""
    problems = _check_options(options)
    if problems:
        raise Refused(problems)
    published = check_what_if(db, institution, withdrawals)  # refuses unknown codes, ...
    job = _queue(db, institution, JobKind.WHAT_IF, published.date_from, published.date_to, options)
    job.withdrawals = [_plain(w) for w in withdrawals]
    db.flush()
    return job


def _plain(w: Withdrawal) -> dict[str, str | None]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in asdict(w).items()}


def _queue(
    db: Session,
    institution: Institution,
    kind: JobKind,
    date_from: date,
    date_to: date,
    options: Options,
) -> SolveJob:
    job = SolveJob(
        institution_id=institution.id,
        kind=kind,
        date_from=date_from,
        date_to=date_to,
        parameters=parameters(options),
        status=JobStatus.QUEUED,
        requested_by=db.info.get("actor"),
        created_at=utcnow(),
    )
    db.add(job)
    db.flush()
    return job


def get_job(db: Session, job_id: int, institution: Institution | None = None) -> SolveJob:
    """Job `job_id` (of `institution` when given); refused when there is none."""
    job = db.get(SolveJob, job_id, populate_existing=True)
    if job is None or (institution is not None and job.institution_id != institution.id):
        raise Refused([Problem.of(MESSAGES, "unknown_job", "solve_job", id=job_id)])
    return job


def list_jobs(
    db: Session, institution: Institution | None = None, everything: bool = False, limit: int = 50
) -> list[SolveJob]:
    """Queued and running jobs (with `everything`, ended ones too), newest first."""
    query = select(SolveJob).order_by(SolveJob.id.desc()).limit(limit)
    if institution is not None:
        query = query.where(SolveJob.institution_id == institution.id)
    if not everything:
        query = query.where(SolveJob.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]))
    return list(db.scalars(query.execution_options(populate_existing=True)))


def cancel(db: Session, job_id: int, institution: Institution | None = None) -> SolveJob:
    """Cancel a queued job at once; ask a running one to stop and keep its best plan."""
    job = get_job(db, job_id, institution)
    if job.status in ENDED:
        status = status_name(job.status, "zh") + " / " + status_name(job.status, "en")
        raise Refused([Problem.of(MESSAGES, "job_ended", "solve_job", id=job.id, status=status)])
    job.cancel_requested = True
    if job.status == JobStatus.QUEUED:
        job.status, job.finished_at = JobStatus.CANCELLED, utcnow()
    db.flush()
    return job


def describe(job: SolveJob, lang: str = "zh") -> str:
    """One line: id, kind, range, status, the best objective so far and its bound."""
    kind = {"plan": ("排班", "plan"), "what_if": ("推演", "what-if")}[job.kind][lang != "zh"]
    line = f"#{job.id}  {kind}  {job.date_from} ~ {job.date_to}  {status_name(job.status, lang)}"
    objective, bound = objective_tuple(job.objective), objective_tuple(job.bound)
    if objective is not None:
        line += f"  {job.level or ''} objective {objective} bound {bound} {job.elapsed or 0:.1f}s"
    if job.cancel_requested and job.status == JobStatus.RUNNING:
        line += "  （正在停止）" if lang == "zh" else "  (stopping)"
    return line
