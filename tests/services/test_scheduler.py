"""The scheduler process: jobs stored in the application database with explicit ids and
limits, one pass with `--once`, a heartbeat, and a single scheduler per database
(jobs/scheduler.py, jobs/tasks.py, services/institution/scheduler_state.py)."""

from __future__ import annotations

import os
import socket
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from dbtools import drop_database, fresh_database
from sqlalchemy import inspect, select

from cli.main import main
from jobs import tasks
from jobs.scheduler import JOBS_TABLE, ManualScheduler, job_specs, make_scheduler, run_once
from models import Appointment, Certificate, Examiner, Institution
from models.alerts import Alert, AlertKind, SchedulerState
from models.base import DocumentType, Grade, Sex
from models.db import session_factory, transaction
from services.institution.scheduler_state import (
    beat,
    process_start,
    scheduler_alive,
    stop_beating,
    take_lease,
    this_process,
)

IDS = {
    "scheduler-heartbeat",
    "compliance-sweep",
    "plan-revalidation",
    "solve-dispatch",
    "examiner-notices",
}


@pytest.fixture
def sqlite_file(tmp_path, monkeypatch):
    """A migrated SQLite file, named by DATABASE_URL for the job functions."""
    database = fresh_database("sqlite", tmp_path)
    monkeypatch.setenv("DATABASE_URL", database.url)
    yield database
    tasks.dispose()
    drop_database(database)


def stored_jobs(url: str) -> dict:
    scheduler = make_scheduler(url, ManualScheduler)
    scheduler.start()
    try:
        return {job.id: job for job in scheduler.get_jobs()}
    finally:
        scheduler.shutdown(wait=False)


def test_jobs_are_registered_in_the_application_database(sqlite_file):
    jobs = stored_jobs(sqlite_file.url)
    assert set(jobs) == IDS
    assert JOBS_TABLE in inspect(sqlite_file.engine).get_table_names()
    specs = {s.id: s for s in job_specs()}
    for job in jobs.values():
        assert (job.max_instances, job.coalesce) == (1, True)
        assert job.misfire_grace_time == specs[job.id].misfire_grace_time > 0
    assert jobs["solve-dispatch"].func_ref == "jobs.solving:dispatch_solves"
    assert jobs["solve-dispatch"].trigger.interval == timedelta(seconds=2)
    sweep = jobs["compliance-sweep"]
    assert sweep.func_ref == "jobs.tasks:daily_sweep" and isinstance(sweep.trigger, CronTrigger)
    assert str(sweep.trigger) == "cron[hour='2', minute='0']"
    assert str(sweep.trigger.timezone) == "Asia/Shanghai"
    assert isinstance(jobs["plan-revalidation"].trigger, IntervalTrigger)


def test_restarting_keeps_stored_run_times_and_drops_unknown_jobs(sqlite_file):
    scheduler = make_scheduler(sqlite_file.url, ManualScheduler)
    scheduler.start()
    missed = datetime.now(UTC) - timedelta(hours=1)  # the scheduler was down at 02:00
    scheduler.modify_job("compliance-sweep", next_run_time=missed)
    scheduler.add_job("jobs.tasks:heartbeat", "interval", id="retired-job", minutes=1)
    scheduler.shutdown(wait=False)
    jobs = stored_jobs(sqlite_file.url)
    assert set(jobs) == IDS  # replaced, not duplicated; the retired job is gone
    assert jobs["compliance-sweep"].next_run_time == missed  # still due: runs when back


def examiner_ending(url: str, days: int) -> None:
    """An institution with one examiner whose appointment ends `days` from today."""
    today = tasks.local_day(datetime.now(UTC))
    with transaction(session_factory(tasks.factory(url).kw["bind"]), "tester") as db:
        inst = Institution(code="3204005", name="测试中心")
        db.add(inst)
        db.flush()
        person = Examiner(
            institution_id=inst.id, code="E0001", name="王一", sex=Sex.MALE,
            document_type=DocumentType.PASSPORT, document_number="P1", grade=Grade.SENIOR,
        )  # fmt: skip
        db.add(person)
        db.flush()
        db.add(
            Appointment(examiner_id=person.id, start=date(2025, 1, 1), end=today + timedelta(days))
        )
        db.add(
            Certificate(
                examiner_id=person.id, number="2432040051001", grade=Grade.SENIOR, year=2024,
                serial=1, issue_date=date(2024, 1, 1), valid_until=date(2035, 1, 1),
            )
        )  # fmt: skip


def test_once_runs_every_due_job_and_exits(sqlite_file, capsys):
    examiner_ending(sqlite_file.url, 10)
    assert main(["scheduler", "--once", "--database", sqlite_file.url]) == 0
    first = capsys.readouterr().out.split()
    assert set(first[::2]) == {f"{i}:" for i in IDS} and set(first[1::2]) == {"ok"}
    with transaction(tasks.factory(sqlite_file.url)) as db:
        kinds = db.scalars(select(Alert.kind)).all()
        assert kinds == [AlertKind.APPOINTMENT_EXPIRING]
        assert not scheduler_alive(db, datetime.now(UTC))  # a one-pass run leaves no beat
    assert main(["scheduler", "--once", "--database", sqlite_file.url]) == 0
    again = capsys.readouterr().out
    assert "compliance-sweep" not in again  # due again tomorrow at 02:00


def test_a_failing_job_is_reported_and_the_others_still_run(sqlite_file, monkeypatch):
    def broken() -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(tasks, "daily_sweep", broken)
    outcomes = run_once(sqlite_file.url)
    assert outcomes["compliance-sweep"] == "failed"
    assert {k for k, v in outcomes.items() if v == "ok"} == IDS - {"compliance-sweep"}


def test_a_second_scheduler_refuses_to_start(sqlite_file, capsys):
    with transaction(tasks.factory(sqlite_file.url)) as db:
        beat(db, datetime.now(UTC), "elsewhere:1")
    assert main(["scheduler", "--once", "--database", sqlite_file.url]) == 2
    assert "elsewhere:1" in capsys.readouterr().err


def test_a_background_scheduler_runs_its_jobs(sqlite_file):
    scheduler = make_scheduler(sqlite_file.url)
    scheduler.start()
    try:
        deadline = time.monotonic() + 20
        alive = False
        while not alive and time.monotonic() < deadline:
            time.sleep(0.2)
            with transaction(tasks.factory(sqlite_file.url)) as db:
                alive = scheduler_alive(db, datetime.now(UTC))
        assert alive
    finally:
        scheduler.shutdown()


def test_heartbeat_says_whether_a_scheduler_is_alive(db):
    now = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    assert not scheduler_alive(db, now)
    beat(db, now, "host:42")
    assert scheduler_alive(db, now + timedelta(seconds=45))
    assert not scheduler_alive(db, now + timedelta(seconds=46))
    stop_beating(db, "host:other")  # not the owner: the beat stays
    assert scheduler_alive(db, now)
    stop_beating(db, "host:42")
    assert not scheduler_alive(db, now)
    assert db.get(SchedulerState, "scheduler").owner == "host:42"


def test_a_holder_is_named_with_its_start_so_a_reused_pid_does_not_hold_the_lease(db):
    now = datetime.now(UTC)
    host, pid, start = socket.gethostname(), os.getpid(), process_start(os.getpid())
    assert start is not None and start.isdigit()  # Linux: /proc/<pid>/stat
    assert this_process() == tasks.owner() == f"{host}:{pid}:{start}"
    beat(db, now, this_process())
    assert scheduler_alive(db, now)
    beat(db, now, f"{host}:{pid}")  # a holder that recorded no start: the live pid is trusted
    assert scheduler_alive(db, now)
    reused = f"{host}:{pid}:{int(start) + 1}"  # this pid, but a process started at another time
    beat(db, now, reused)
    assert not scheduler_alive(db, now)
    assert take_lease(db, now, "newcomer:1") is None  # taken at once, not after 45 s
    assert db.get(SchedulerState, "scheduler").owner == "newcomer:1"
