"""Solve jobs on the real RabbitMQ (jobs/broker.py, jobs/queue_worker.py, services/planning/
solve_queue.py): two `panelplan worker` processes and the scheduler as separate processes, a
burst from three institutions, one worker killed with SIGKILL mid-solve, the published plans
and the panels in force untouched by it; and the scheduler lease with two schedulers started
at once.

Needs RabbitMQ at 127.0.0.1:5672 (guest/guest), as `.ci/run` makes sure. Each test uses a
queue of its own, so parallel runs and other deployments on the broker never mix.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import psutil
import pytest
from dbtools import drop_database, fresh_database, worker_url
from sqlalchemy import func, select

from data.generate import generate
from models import Institution, JobStatus, PanelSeat, Plan, SolveJob
from models.base import PlanStatus
from models.db import session_factory, transaction
from services.demo.loading import load_generated
from services.institution.scheduler_state import beat
from services.planning.plans import solve_and_store
from services.planning.publishing import publish
from services.planning.solve_jobs import request_plan
from solver.solve import Options

BROKER = "amqp://guest:guest@127.0.0.1:5672//"
TERM = (date(2026, 3, 2), date(2026, 5, 31))
PANELPLAN = str(Path(sys.executable).with_name("panelplan"))
FINAL = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.INTERRUPTED)


def _broker_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5672), timeout=2).close()
    except OSError:
        return False
    return True


@pytest.fixture
def city(tmp_path: Path) -> Iterator:
    """A PostgreSQL database with three institutions, and the environment of its processes."""
    assert _broker_answers(), "RabbitMQ must answer at 127.0.0.1:5672 (.ci/run starts it)"
    database = fresh_database("postgresql", tmp_path)
    factory = session_factory(database.engine)
    with transaction(factory, "tester") as db:
        ids = [
            load_generated(db, generate(size, seed=seed), code=f"320400{seed}").id
            for seed, size in ((1, "S"), (2, "S"), (3, "M"))
        ]
    env = dict(
        os.environ,
        DATABASE_URL=worker_url(database),
        PANELPLAN_BROKER_URL=BROKER,
        PANELPLAN_BROKER_QUEUE=f"panelplan.test.{uuid.uuid4().hex[:12]}",
        PANELPLAN_QUEUE_AHEAD="2",
        PANELPLAN_INSTITUTION_SLOTS="1",
    )
    processes: list[subprocess.Popen[bytes]] = []
    yield database, factory, ids, env, processes
    for process in processes:
        _stop(process)
    drop_database(database)


def _start(env: dict[str, str], tmp_path: Path, name: str, *argv: str) -> subprocess.Popen:
    with (tmp_path / f"{name}.log").open("wb") as log:  # the child keeps its own descriptor
        return subprocess.Popen([PANELPLAN, *argv], env=env, stdout=log, stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen) -> None:
    """Kill the process and every process below it."""
    try:
        family = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        family = []
    for member in [*family, psutil.Process(process.pid)] if process.poll() is None else family:
        with contextlib.suppress(psutil.NoSuchProcess):
            member.kill()
    process.wait()


def _request(factory, institution_id: int, seconds: float) -> int:
    with transaction(factory, "planner") as db:
        institution = db.get_one(Institution, institution_id)
        return request_plan(db, institution, *TERM, Options(time_limit=seconds, workers=1)).id


def _jobs(factory) -> dict[int, SolveJob]:
    with factory() as db:
        return {job.id: job for job in db.scalars(select(SolveJob))}


def _worker_of(job: SolveJob, workers: list[subprocess.Popen]) -> subprocess.Popen | None:
    """The `panelplan worker` process whose pool runs the job's solve process."""
    if job.worker_pid is None:
        return None
    try:
        parents = {p.pid for p in psutil.Process(job.worker_pid).parents()}
    except psutil.NoSuchProcess:
        return None
    return next((w for w in workers if w.pid in parents), None)


def _publish_terms(factory, institution_ids: list[int]) -> None:
    """A published plan of the term for each institution: what is in force before the burst."""
    with transaction(factory, "planner") as db:
        for ident in institution_ids:
            home = db.get_one(Institution, ident)
            plan = solve_and_store(db, home, *TERM, Options(time_limit=10, workers=1))
            publish(db, home, plan.version)


def _in_force(factory) -> tuple[list[tuple], list[tuple]]:
    """The published plans (row and content) and every panel seat in force."""
    with factory() as db:
        plans = db.execute(
            select(Plan.id, Plan.institution_id, Plan.version, Plan.status, Plan.published_at,
                   Plan.result).where(Plan.status == PlanStatus.PUBLISHED).order_by(Plan.id)
        ).all()  # fmt: skip
        seats = db.execute(
            select(PanelSeat.id, PanelSeat.session_id, PanelSeat.examiner_id, PanelSeat.role,
                   PanelSeat.plan_id).order_by(PanelSeat.id)
        ).all()  # fmt: skip
    return [tuple(p) for p in plans], [tuple(s) for s in seats]


def test_a_burst_from_three_institutions_survives_a_killed_worker(city, tmp_path) -> None:
    _database, factory, ids, env, processes = city
    _publish_terms(factory, ids[:2])
    before = _in_force(factory)
    assert len(before[0]) == 2 and before[1]
    worker = ("worker", "--workers", "1", "--processes", "1")
    workers = [_start(env, tmp_path, f"worker{n}", *worker) for n in (1, 2)]
    processes.extend(workers)
    victim = _request(factory, ids[2], 30)  # the M term: still preparing or searching when killed
    burst = [_request(factory, i, 1) for i in ids]
    processes.append(_start(env, tmp_path, "scheduler", "scheduler"))
    killed = _kill_when_solving(factory, victim, workers)
    deadline = time.monotonic() + 300  # (generous: a loaded CI machine starts Python slowly)
    while time.monotonic() < deadline:
        jobs = _jobs(factory)
        if all(job.status in FINAL for job in jobs.values()):
            break
        time.sleep(0.5)
    jobs = _jobs(factory)
    assert {j: job.status for j, job in jobs.items() if job.status not in FINAL} == {}
    assert jobs[victim].status == JobStatus.FAILED, jobs[victim].error
    assert killed.poll() is not None
    assert {jobs[j].status for j in burst} == {JobStatus.SUCCEEDED}
    with factory() as db:
        plans = db.scalar(select(func.count(Plan.id))) - len(before[0])
    stored = [job.plan_id for job in jobs.values() if job.plan_id is not None]
    assert len(stored) == len(set(stored)) == plans == len(burst)  # each plan stored once
    assert _in_force(factory) == before  # the burst stored drafts: nothing in force moved


def _kill_when_solving(factory, job_id: int, workers: list) -> subprocess.Popen:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        with factory() as db:
            job = db.get_one(SolveJob, job_id)
            holder = _worker_of(job, workers) if job.status == JobStatus.RUNNING else None
        if holder is not None:
            holder.send_signal(signal.SIGKILL)  # the worker, its pool and its solve
            holder.wait()
            return holder
        assert job.status in (JobStatus.QUEUED, JobStatus.RUNNING), job.error
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} never searched")


def test_the_sweep_runs_once_with_two_schedulers_started(city, tmp_path) -> None:
    _database, _factory, _ids, env, processes = city
    first, second = (
        _start(env, tmp_path, f"scheduler{n}", "scheduler", "--standby") for n in (1, 2)
    )
    processes.extend([first, second])
    logs = [tmp_path / "scheduler1.log", tmp_path / "scheduler2.log"]
    _wait_for(lambda: sum(log.read_text().count("compliance sweep:") for log in logs) >= 1)
    leader, standby = (
        (first, second) if "compliance sweep:" in logs[0].read_text() else (second, first)
    )
    leader.send_signal(signal.SIGTERM)  # a clean stop: the standby takes over at once
    assert leader.wait(timeout=30) == 0
    other = logs[0] if standby is first else logs[1]
    _wait_for(lambda: "scheduler started" in other.read_text())
    time.sleep(3)  # a second sweep would run now, the job being due at start
    texts = [log.read_text() for log in logs]
    assert sum(text.count("compliance sweep:") for text in texts) == 1, texts
    assert standby.poll() is None


def _wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_a_scheduler_killed_on_this_host_does_not_block_its_restart(city, tmp_path) -> None:
    _database, factory, _ids, env, _processes = city
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    with transaction(factory, "tester") as db:  # as a `kill -9` leaves it: a fresh beat
        beat(db, datetime.now(UTC), f"{socket.gethostname()}:{dead.pid}")
    once = subprocess.run(
        [PANELPLAN, "scheduler", "--once"], env=env, capture_output=True, timeout=120
    )
    assert once.returncode == 0, once.stderr.decode()
