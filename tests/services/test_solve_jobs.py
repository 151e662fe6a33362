"""Solve requests and the runner's bookkeeping (services/planning/solve_jobs.py, services/planning/solve_runs.py).

Requests, cancellation, claims, heartbeats and restart recovery on both databases; then
several processes claiming at once, each job taken exactly once (PostgreSQL and SQLite); then
the policy of one solve: stored with the job, carried by its plan, refused when looser than
the institution's or the notice, and a what-if rerun's policy.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from dbtools import drop_database, fresh_database, worker_url
from sqlalchemy import func, select

from data.generate import generate
from jobs.solving import worker_gone
from models import Institution, JobKind, JobStatus, Plan, SolveJob
from models.base import utcnow
from models.db import session_factory, transaction
from services.demo.loading import load_generated
from services.messages import Refused
from services.planning.plans import loaded
from services.planning.policy import (
    effective_policy,
    looser_than,
    policy_json,
    rerun_policy,
    update_policy,
)
from services.planning.publishing import publish, publish_problems
from services.planning.solve_jobs import (
    DEFAULT_TIME_LIMIT,
    cancel,
    describe,
    get_job,
    list_jobs,
    request_plan,
    request_what_if,
)
from services.planning.solve_runs import (
    claim,
    heartbeat,
    mark_interrupted,
    options_of,
    prepare_job,
    store_job,
)
from services.whatif.rerun import prepare_what_if
from services.whatif.withdrawals import Withdrawal
from solver.check import check
from solver.schema import Objective, Policy, Result
from solver.solve import Options, Progress, solve

CLAIMER = Path(__file__).with_name("solve_claimer.py")
FROM, TO = date(2026, 3, 2), date(2026, 4, 12)


@pytest.fixture
def term(db):
    """The generated S term in the rolled-back session."""
    return load_generated(db, generate("S", seed=5))


def test_a_request_is_queued_with_its_parameters_and_listed(db, term) -> None:
    job = request_plan(db, term, FROM, TO, Options(workers=1, seed=3, lang="en"))
    assert (job.status, job.kind, job.requested_by) == (JobStatus.QUEUED, JobKind.PLAN, "tester")
    assert options_of(job) == Options(DEFAULT_TIME_LIMIT, 1, 3, False, "en")
    assert [j.id for j in list_jobs(db, term)] == [job.id]
    assert describe(job) == f"#{job.id}  排班  2026-03-02 ~ 2026-04-12  排队中"
    assert get_job(db, job.id, term) is job


def test_an_impossible_request_is_refused_with_every_reason_and_nothing_queued(db, term) -> None:
    with pytest.raises(Refused) as refused:
        request_plan(db, term, TO, FROM, Options(time_limit=0, workers=-1))
    assert [p.field for p in refused.value.problems] == ["time_limit", "workers", "date_range"]
    assert "结束早于开始" in refused.value.lines("zh")[2]
    with pytest.raises(Refused) as refused:
        request_plan(db, term, date(2030, 1, 1), date(2030, 1, 31), Options())
    assert "no planned session" in refused.value.lines("en")[0]
    with pytest.raises(Refused) as refused:
        request_what_if(db, term, [Withdrawal("E0003")], Options())
    assert "还没有已发布的方案" in refused.value.lines("zh")[0]
    assert db.scalar(select(func.count()).select_from(SolveJob)) == 0


def test_cancel_ends_a_queued_job_and_asks_a_running_one_to_stop(db, term) -> None:
    first = request_plan(db, term, FROM, TO, Options())
    second = request_plan(db, term, FROM, TO, Options())
    assert claim(db) is first and first.status == JobStatus.RUNNING
    assert heartbeat(db, first.id) is False
    cancel(db, second.id, term)
    assert (second.status, second.finished_at is not None) == (JobStatus.CANCELLED, True)
    running = cancel(db, first.id)
    assert (running.status, running.cancel_requested) == (JobStatus.RUNNING, True)
    assert heartbeat(db, first.id) is True  # the worker's next beat stops the search
    assert describe(running, "en").endswith("(stopping)")
    with pytest.raises(Refused) as refused:
        cancel(db, second.id)
    assert (
        "已结束" in refused.value.lines("zh")[0] and "already ended" in refused.value.lines("en")[0]
    )
    with pytest.raises(Refused):
        get_job(db, second.id + 100)


def test_claim_takes_the_oldest_queued_job_once(db, term) -> None:
    first = request_plan(db, term, FROM, TO, Options())
    second = request_plan(db, term, FROM, TO, Options())
    assert claim(db, second.id) is second
    assert claim(db, second.id) is None  # already running
    assert claim(db) is first
    assert claim(db) is None
    assert {j.id for j in list_jobs(db)} == {first.id, second.id}


def test_heartbeat_writes_progress_and_a_job_ended_elsewhere_stops_its_worker(db, term) -> None:
    job = request_plan(db, term, FROM, TO, Options())
    claim(db)
    vector = Objective(load_squares=342, leader_squares=44)
    bound = Objective(load_squares=340)
    assert heartbeat(db, job.id, Progress(1.234, "load_squares", vector, bound)) is False
    job = get_job(db, job.id)
    assert (job.level, job.elapsed, job.objective["load_squares"]) == ("load_squares", 1.23, 342)
    assert "objective (0, 0, 342, 44) bound (0, 0, 340, 0) 1.2s" in describe(job)
    job.status = JobStatus.FAILED
    db.flush()
    assert heartbeat(db, job.id) is True


def _running(db, institution: Institution, pid: int | None, host: str, age: float) -> SolveJob:
    job = SolveJob(
        institution_id=institution.id,
        date_from=FROM,
        date_to=TO,
        status=JobStatus.RUNNING,
        worker_pid=pid,
        worker_host=host,
        heartbeat_at=utcnow() - timedelta(seconds=age),
    )
    db.add(job)
    db.flush()
    return job


def test_a_restart_marks_interrupted_the_running_jobs_whose_worker_is_gone(db, make) -> None:
    institution = make.institution()
    here = socket.gethostname()
    gone = _running(db, institution, _pid_of_finished_process(), here, age=1)
    silent = _running(db, institution, os.getpid(), here, age=3600)  # a reused pid, say
    alive = _running(db, institution, os.getpid(), here, age=1)
    elsewhere = _running(db, institution, 12345, "another-host", age=1)
    assert worker_gone(gone) == "process gone / 进程已不存在"
    ended = mark_interrupted(db, lambda job: worker_gone(job) is None)
    assert ended == [gone.id, silent.id]
    for job in (gone, silent, alive, elsewhere):
        db.refresh(job)
    assert [j.status for j in (gone, silent, alive, elsewhere)] == [
        JobStatus.INTERRUPTED,
        JobStatus.INTERRUPTED,
        JobStatus.RUNNING,
        JobStatus.RUNNING,
    ]
    assert "重新提交" in gone.error["zh"][0] and "restarted" in gone.error["en"][0]


def _pid_of_finished_process() -> int:
    """The pid of a process that has ended and been reaped (free again)."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


PROCESSES, JOBS = 3, 30


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_processes_claiming_at_once_never_take_the_same_job(backend: str, tmp_path: Path) -> None:
    database = fresh_database(backend, tmp_path)
    try:
        with transaction(session_factory(database.engine), "tester") as session:
            institution = Institution(code="3204005", name="并发测试机构")
            session.add(institution)
            session.flush()
            session.add_all(
                SolveJob(institution_id=institution.id, date_from=FROM, date_to=TO)
                for _ in range(JOBS)
            )
        claimed = _run_claimers(worker_url(database), tmp_path)
        assert sorted(claimed) == list(range(1, JOBS + 1))  # every job once, none twice
        with database.engine.connect() as connection:
            statuses = connection.execute(select(SolveJob.status)).scalars().all()
        assert set(statuses) == {JobStatus.RUNNING}
    finally:
        drop_database(database)


def _run_claimers(url: str, tmp_path: Path) -> list[int]:
    go = tmp_path / "go"
    children = [
        subprocess.Popen(
            [sys.executable, str(CLAIMER), url, str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    for child in children:  # every child connected and waiting: start them together
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    go.touch()
    claimed = []
    for child in children:
        out, err = child.communicate(timeout=60)
        assert child.returncode == 0, err
        claimed += [int(n) for n in out.split()]
    return claimed


# A policy of one solve (services.planning.policy.solve_policy): stricter than the institution's, stored
# with the job, solved by the worker, carried by the stored plan's instance.
STRICTER = {
    "turnover": [2, 3],
    "max_consecutive_same_venue": 2,
    "consecutive_rule": "both",
    "leader_min_experience_days": 730,
}
QUICK = Options(time_limit=20, workers=1, deterministic=True)


def _run(db, job: SolveJob) -> Plan:
    """Run a queued job here as the worker does (claim, build, solve, store); its plan."""
    assert claim(db, job.id) is job
    prepared = prepare_job(db, job)
    result = solve(prepared.instance, prepared.options, warnings=prepared.warnings)
    store_job(db, job.id, prepared, result)
    assert job.status == JobStatus.SUCCEEDED and job.plan_id is not None
    return db.get_one(Plan, job.plan_id)


def test_a_stricter_policy_is_solved_and_the_stored_plan_carries_it(db, term) -> None:
    house = effective_policy(term)
    job = request_plan(db, term, FROM, TO, QUICK, policy=STRICTER)
    chosen = Policy.model_validate({**house.model_dump(), **STRICTER})
    assert job.parameters["policy"] == policy_json(chosen)
    assert effective_policy(term) == house  # the institution's policy is not changed
    plan = _run(db, job)
    assert plan.instance["policy"] == policy_json(chosen)
    instance, _ = loaded(plan.instance)
    result = Result.model_validate(plan.result)
    assert instance.policy == chosen and result.status == "OPTIMAL"
    assert check(instance, result) == []
    assert check(instance.model_copy(update={"policy": house}), result) == []
    assert publish_problems(db, term, plan) == []  # the re-check under the institution's
    # The institution's own optimum breaks the stricter policy: the solve really used it.
    own = solve(instance.model_copy(update={"policy": house}), QUICK)
    assert {d.rule for d in check(instance, own)} & {"H2", "H6", "H7"}


def test_a_request_without_a_policy_solves_under_the_institution_s(db, term) -> None:
    job = request_plan(db, term, FROM, TO, QUICK)
    assert "policy" not in job.parameters
    assert prepare_job(db, job).instance.policy == effective_policy(term)


def test_a_policy_looser_than_the_institution_s_or_the_notice_is_refused_by_key(db, term) -> None:
    update_policy(db, term, {"turnover": [1, 2], "consecutive_rule": "venue_sequence"})
    looser = {
        "turnover": [1, 3],  # looser than the institution's 1/2
        "max_consecutive_same_venue": 4,  # looser than the notice (1..3)
        "min_panel_size": 5,  # the institution's: publishing checks sizes exactly
        "consecutive_rule": "examiner_sequence",  # neither the institution's rule nor both
        "grade_top_level": {"examiner": 2},  # examiners up to level 2: looser than 3
        "recuse_candidate_organization": False,
        "bogus": 1,
    }
    with pytest.raises(Refused) as refused:
        request_plan(db, term, FROM, TO, Options(time_limit=0), policy=looser)
    fields = [p.field for p in refused.value.problems]
    assert sorted(fields) == sorted(["time_limit", "policy.bogus", *(f"policy.{k}" for k in
                                     list(looser)[:-1])])  # fmt: skip
    zh = dict(zip(fields, refused.value.lines("zh"), strict=True))
    en = dict(zip(fields, refused.value.lines("en"), strict=True))
    assert "不能宽于本机构规则（本机构为 1/2）" in zh["policy.turnover"]
    assert "looser than the institution's policy (1/2)" in en["policy.turnover"]
    assert "宽于通知要求" in zh["policy.max_consecutive_same_venue"]
    assert "looser than the notice" in en["policy.max_consecutive_same_venue"]
    assert "须与本机构规则相同（3）" in zh["policy.min_panel_size"]
    assert "按考点连续举行的场次计" in zh["policy.consecutive_rule"]
    assert "两种计法都适用" in zh["policy.consecutive_rule"]
    assert "考评员可考评至 3 级" in zh["policy.grade_top_level"]
    assert "no such policy setting" in en["policy.bogus"]
    assert db.scalar(select(func.count()).select_from(SolveJob)) == 0
    assert term.policy == {"turnover": [1, 2], "consecutive_rule": "venue_sequence"}


def test_values_at_least_as_strict_and_empty_seats_for_one_solve_are_accepted(db, term) -> None:
    update_policy(db, term, {"consecutive_rule": "venue_sequence"})
    job = request_plan(db, term, FROM, TO, QUICK, policy={
        "consecutive_rule": "both", "grade_top_level": {"senior": 2}, "allow_unfilled": True,
        "min_panel_size": 3, "max_consecutive_same_venue": None,  # the institution's
    })  # fmt: skip
    stored = job.parameters["policy"]
    assert stored["consecutive_rule"] == "both" and stored["allow_unfilled"] is True
    assert stored["grade_top_level"] == {"examiner": 3, "senior": 2}
    assert stored["max_consecutive_same_venue"] == 3


def test_a_what_if_rerun_solves_under_the_published_plan_s_policy(db, term) -> None:
    plan = _run(db, request_plan(db, term, FROM, TO, QUICK, policy=STRICTER))
    publish(db, term, plan.version)
    gone = Withdrawal(plan.result["assignments"][0]["members"][0])
    published = loaded(plan.instance)[0].policy
    assert prepare_what_if(db, term, [gone]).instance.policy == published
    # The institution made leaders' experience stricter since: the rerun takes that too.
    update_policy(db, term, {"leader_min_experience_days": 800, "turnover": [1, 2]})
    rerun = prepare_what_if(db, term, [gone]).instance.policy
    assert (rerun.leader_min_experience_days, rerun.turnover) == (800, (2, 3))
    assert rerun.consecutive_rule == "both" and rerun.max_consecutive_same_venue == 2


@pytest.mark.parametrize(
    ("published", "house", "rerun"),
    [
        ({"turnover": (2, 3)}, {"turnover": (1, 2)}, {"turnover": (2, 3)}),
        ({"turnover": (1, 2)}, {"turnover": (3, 5)}, {"turnover": (3, 5)}),
        ({"consecutive_rule": "examiner_sequence"}, {"consecutive_rule": "venue_sequence"},
         {"consecutive_rule": "both"}),
        ({"grade_top_level": {"examiner": 4, "senior": 1}},
         {"grade_top_level": {"examiner": 3, "senior": 2}},
         {"grade_top_level": {"examiner": 4, "senior": 2}}),
        ({"min_panel_size": 5, "rotation_scope": "occupation"}, {}, {}),  # the institution's
        ({"allow_unfilled": True, "recuse_candidate_organization": True},
         {"allow_unfilled": True, "recuse_candidate_organization": False},
         {"allow_unfilled": True}),
    ],
)  # fmt: skip
def test_a_rerun_policy_is_the_published_one_as_strict_as_the_institution_s(
    published, house, rerun
) -> None:
    made = rerun_policy(Policy(**published), Policy(**house))
    assert made == Policy(**rerun)
    assert looser_than(made, Policy(**house)) == []
