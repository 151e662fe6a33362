"""Solve jobs run by worker processes (jobs/solving.py, jobs/worker.py, and the limits
`panelplan worker` puts on them, jobs/queue_worker.supervise) on committed databases.

The three-sites M term (150 sessions at three venues, one search worker) is still searching
many seconds after its first plan: long enough to watch progress, cancel it or kill its
worker. (The generated L term was used until the warm start learnt to meet both fairness
bounds on it: its rerun now ends before a cancel reaches it.)
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta

import pytest
from dbtools import BACKENDS, drop_database, fresh_database, worker_url
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from data.shapes import generate_shape
from jobs import queue_worker
from jobs.queue_worker import Limits, supervise
from jobs.solving import dispatch_solves, recover_interrupted
from models import (
    Institution,
    JobKind,
    JobStatus,
    PanelSeat,
    Plan,
    PlanSeat,
    SolveJob,
    Unavailability,
)
from models.base import utcnow
from models.db import session_factory, transaction
from services.demo.loading import load_generated
from services.planning.plans import solve_and_store
from services.planning.publishing import publish
from services.planning.solve_jobs import cancel, request_plan, request_what_if
from services.planning.solve_runs import claim, fail
from services.whatif.withdrawals import Withdrawal
from solver.check import verify
from solver.load import load_instance
from solver.schema import Result
from solver.solve import Options

FIRST_WEEK = (date(2026, 3, 2), date(2026, 3, 8))
# The rest of the term (no published panel in it, so a first plan comes from the warm start
# within seconds), then a minute of search.
REST = (date(2026, 3, 9), date(2026, 5, 31))
SEARCH = Options(time_limit=60, workers=1)


class Term:
    """A committed database holding the three-sites L term, the URL workers use, and a session
    factory. L, not M: since 2026-12-07 the solver proves the rest of the M term within a
    second or two of its first plan, and the tests that stop a searching solve found it
    ended; at L the search runs for a minute."""

    def __init__(self, backend: str, directory) -> None:
        self.database = fresh_database(backend, directory)
        self.url = worker_url(self.database)
        self.factory = session_factory(self.database.engine)
        with transaction(self.factory, "tester") as db:
            self.institution_id = load_generated(db, generate_shape("three-sites", "L", 0)).id

    def request(self, span: tuple[date, date], options: Options = SEARCH) -> int:
        """Queue a plan of `span` and return the job id."""
        with transaction(self.factory, "planner") as db:
            institution = db.get_one(Institution, self.institution_id)
            return request_plan(db, institution, *span, options).id

    def job(self, job_id: int) -> SolveJob:
        """The job row as committed now."""
        with self.factory() as db:
            return db.get_one(SolveJob, job_id)

    def until(self, job_id: int, done: Callable[[SolveJob], bool], seconds: float = 60) -> SolveJob:
        """Dispatch (start, reap) every 0.1 s until `done(job)`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            dispatch_solves(self.url)
            job = self.job(job_id)
            if done(job):
                return job
            if ended(job):
                raise AssertionError(f"job {job_id} ended {job.status}: {job.error}")
            time.sleep(0.1)
        raise AssertionError(f"job {job_id} still {self.job(job_id).status}")

    def publish_first_week(self) -> tuple[int, str]:
        """Solve and publish the first week in-process; the plan id and a seated examiner."""
        with transaction(self.factory, "planner") as db:
            institution = db.get_one(Institution, self.institution_id)
            options = Options(time_limit=20, workers=1, deterministic=True)
            plan = solve_and_store(db, institution, *FIRST_WEEK, options)
            publish(db, institution, plan.version)
            return plan.id, plan.result["assignments"][0]["members"][-1]

    def panels_in_force(self) -> list[tuple[int, int, int | None]]:
        """(session, examiner, plan) of every panel seat in force."""
        with self.factory() as db:
            query = select(PanelSeat.session_id, PanelSeat.examiner_id, PanelSeat.plan_id)
            return sorted(tuple(row) for row in db.execute(query))

    def plans(self) -> list[tuple[int, int, str, int]]:
        """(id, version, solver status, seats) of every stored plan."""
        with self.factory() as db:
            seats = func.count(PlanSeat.id)
            query = (
                select(Plan.id, Plan.version, Plan.solver_status, seats)
                .outerjoin(PlanSeat)
                .group_by(Plan.id)
                .order_by(Plan.id)
            )
            return [tuple(row) for row in db.execute(query)]


@pytest.fixture(scope="module", params=BACKENDS)
def term(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    made = Term(request.param, tmp_path_factory.mktemp("jobs"))
    yield made
    with made.factory() as db:  # a failed test must not leave a worker searching
        for job in db.scalars(select(SolveJob).where(SolveJob.status == JobStatus.RUNNING)):
            if job.worker_pid:
                _kill(job.worker_pid)
    drop_database(made.database)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def ended(job: SolveJob) -> bool:
    return job.status not in (JobStatus.QUEUED, JobStatus.RUNNING)


def searching(job: SolveJob) -> bool:
    return job.status == JobStatus.RUNNING and job.objective is not None


def _stored_plan_passes_the_checker(factory: sessionmaker[Session], plan_id: int) -> Plan:
    with factory() as db:
        plan = db.get_one(Plan, plan_id)
        instance, _ = load_instance(plan.instance)
        assert verify(instance, Result.model_validate(plan.result)) == []
        return plan


def test_a_requested_plan_is_run_by_a_worker_and_stored(term) -> None:
    job_id = term.request(FIRST_WEEK, Options(time_limit=20, workers=1, deterministic=True))
    assert term.job(job_id).status == JobStatus.QUEUED
    assert dispatch_solves(term.url) == [job_id]
    assert dispatch_solves(term.url) == []  # one slot, taken
    job = term.until(job_id, ended)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.worker_pid and job.started_at and job.finished_at and job.plan_id
    plan = _stored_plan_passes_the_checker(term.factory, job.plan_id)
    assert (plan.solver_status, plan.created_by, plan.parameters["deterministic"]) == (
        "OPTIMAL",
        "planner",
        True,
    )
    assert job.objective == plan.result["objective"] and job.level == "leader_squares"


def test_cancelling_a_running_job_keeps_its_best_plan(term) -> None:
    job_id = term.request(REST)
    first = term.until(job_id, searching)  # progress rows appear while it searches
    assert first.elapsed is not None and first.bound is not None and first.heartbeat_at
    with transaction(term.factory, "planner") as db:
        cancel(db, job_id)
    asked = time.monotonic()
    job = term.until(job_id, ended)
    assert time.monotonic() - asked < 10
    assert job.status == JobStatus.CANCELLED and job.plan_id is not None
    plan = _stored_plan_passes_the_checker(term.factory, job.plan_id)
    assert plan.solver_status in ("FEASIBLE", "OPTIMAL")


def test_a_killed_worker_fails_its_job_and_leaves_every_plan_intact(term) -> None:
    term.publish_first_week()
    before, in_force = term.plans(), term.panels_in_force()
    job_id = term.request(REST)
    pid = term.until(job_id, searching).worker_pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    job = term.until(job_id, ended)
    assert (job.status, job.plan_id) == (JobStatus.FAILED, None)
    assert "SIGKILL" in job.error["en"][0] and "已有方案均不受影响" in job.error["zh"][0]
    assert term.plans() == before and term.panels_in_force() == in_force
    with term.factory() as db:  # no seat of a plan that was never stored
        orphans = select(func.count()).select_from(PlanSeat).where(PlanSeat.plan_id.not_in(
            select(Plan.id)
        ))  # fmt: skip
        assert db.scalar(orphans) == 0


def test_a_what_if_job_records_the_withdrawal_with_its_rerun(term) -> None:
    published, examiner = term.publish_first_week()
    with transaction(term.factory, "planner") as db:
        institution = db.get_one(Institution, term.institution_id)
        withdrawal = Withdrawal(examiner, reason="出差")
        job_id = request_what_if(db, institution, [withdrawal], SEARCH).id
        unavailable = db.scalar(select(func.count()).select_from(Unavailability))
    job = term.until(job_id, ended)
    assert (job.kind, job.status, job.date_from) == (
        JobKind.WHAT_IF,
        JobStatus.SUCCEEDED,
        FIRST_WEEK[0],
    )
    plan = _stored_plan_passes_the_checker(term.factory, job.plan_id)
    assert (plan.based_on_id, plan.note) == (published, f"{examiner} 退出 ~（出差）")
    seated = {m for a in plan.result["assignments"] for m in a["members"]}
    assert examiner not in seated
    with term.factory() as db:  # recorded once, by the job, with its plan
        assert db.scalar(select(func.count()).select_from(Unavailability)) == unavailable + 1


def test_a_restarted_scheduler_marks_the_jobs_of_vanished_workers_interrupted(term) -> None:
    job_id = term.request(FIRST_WEEK)
    with transaction(term.factory, "scheduler") as db:
        job = db.get_one(SolveJob, job_id)
        job.status, job.worker_pid, job.worker_host = JobStatus.RUNNING, 2**22 + 7, "old-host"
        job.heartbeat_at = utcnow() - timedelta(minutes=5)
    assert recover_interrupted(term.url) == [job_id]
    assert term.job(job_id).status == JobStatus.INTERRUPTED
    assert recover_interrupted(term.url) == []


# `panelplan worker`'s pool process runs the same solve process under two limits
# (jobs.queue_worker.supervise): at the soft one SIGTERM, at the hard one SIGKILL.
# (Short sleeps: a killed shell leaves no long-lived child behind.)
STOPS_ON_TERM = "trap 'echo TERM > {mark}; exit 0' TERM\nwhile :; do sleep 0.2; done\n"
IGNORES_TERM = "trap '' TERM\nwhile :; do sleep 0.2; done\n"


def _claimed(term: Term, span: tuple[date, date]) -> int:
    job_id = term.request(span)
    with transaction(term.factory, "worker") as db:
        assert claim(db, job_id) is not None
    return job_id


def _stand_in(tmp_path, monkeypatch, script: str) -> None:
    """Let `supervise` start a shell script in place of `python -m jobs.worker JOB_ID`."""
    path = tmp_path / "solve"
    path.write_text(f"#!/bin/sh\n{script}")
    path.chmod(0o755)
    monkeypatch.setattr(queue_worker.sys, "executable", str(path))


def test_the_soft_limit_asks_the_solve_to_stop(term, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", term.url)
    mark = tmp_path / "stopped"
    _stand_in(tmp_path, monkeypatch, STOPS_ON_TERM.format(mark=mark))
    job_id = _claimed(term, FIRST_WEEK)
    started = time.monotonic()
    assert supervise(job_id, Limits(soft=1, hard=30)) == "soft limit"
    assert time.monotonic() - started >= 1  # not before the soft limit
    assert mark.read_text().strip() == "TERM"  # the solve was asked to stop, not killed
    assert term.job(job_id).status == JobStatus.RUNNING  # the solve process ends its job itself
    with transaction(term.factory, "tester") as db:
        assert fail(db, job_id, "worker_died", how="test")  # (not left running for the next)


def test_a_solve_that_ignores_the_soft_limit_is_killed_at_the_hard_one(term, tmp_path,
                                                                       monkeypatch) -> None:  # fmt: skip
    monkeypatch.setenv("DATABASE_URL", term.url)
    _stand_in(tmp_path, monkeypatch, IGNORES_TERM)
    before = term.plans()
    job_id = _claimed(term, FIRST_WEEK)
    started = time.monotonic()
    assert supervise(job_id, Limits(soft=1, hard=3)) == "hard limit"
    assert 3 <= time.monotonic() - started < 30
    job = term.job(job_id)
    assert (job.status, job.plan_id) == (JobStatus.FAILED, None)
    assert "(3 s)" in job.error["en"][0] and term.plans() == before


def test_sigterm_stops_a_searching_solve_and_keeps_its_best_plan(term) -> None:
    """What the soft limit sends, sent to the real solve process once it has a plan (if its
    search ends first, the plan is stored all the same: either way nothing is lost)."""
    job_id = term.request(REST)
    job = term.until(job_id, searching)
    assert job.worker_pid is not None
    with contextlib.suppress(ProcessLookupError):
        os.kill(job.worker_pid, signal.SIGTERM)
    job = term.until(job_id, ended)
    assert job.status == JobStatus.SUCCEEDED and job.plan_id is not None, job.error
    plan = _stored_plan_passes_the_checker(term.factory, job.plan_id)
    assert plan.solver_status in ("FEASIBLE", "OPTIMAL")
