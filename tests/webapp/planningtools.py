"""Helpers of the planning web tests: the S sample in a template database, solve jobs run
in-process or by the real dispatcher. A plain module (tests may import `jobs`; the web
layer may not)."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from sqlalchemy import select
from webtools import seed_template

from data.generate import generate
from jobs.solving import dispatch_solves
from jobs.worker import run
from models import Institution, SolveJob
from models.db import make_engine, session_factory, transaction
from services.demo.loading import load_generated
from services.planning.solve_jobs import request_plan
from services.planning.solve_runs import ENDED, claim
from solver.solve import Options

TERM = (date(2026, 3, 2), date(2026, 4, 10))  # the S sample's planned sessions
QUICK = Options(time_limit=20, workers=1, deterministic=True)


def seed_sample(path: Path) -> Path:
    """A template database holding the generated S sample (40 examiners, 30 sessions)."""
    return seed_template(path, lambda session: load_generated(session, generate("S", 0)))


def solve_in_process(path: Path) -> int:
    """Request a plan of the S term and run its job here (as the worker would); the job id."""
    engine = make_engine(f"sqlite:///{path}")
    factory = session_factory(engine)
    try:
        with transaction(factory, "planner") as db:
            inst = db.scalars(select(Institution)).one()
            job_id = request_plan(db, inst, *TERM, QUICK).id
        with transaction(factory, "scheduler") as db:
            assert claim(db, job_id) is not None
        run(factory, job_id, every=0.2)
        return job_id
    finally:
        engine.dispose()


def dispatch_until_done(url: str, job_id: int, seconds: float = 90) -> SolveJob:
    """Run the real dispatcher (child worker processes) until job `job_id` has ended."""
    engine = make_engine(url)
    factory = session_factory(engine)
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            dispatch_solves(url)
            with factory() as db:
                job = db.get_one(SolveJob, job_id)
                if job.status in ENDED:
                    db.expunge(job)
                    return job
            time.sleep(0.2)
        raise AssertionError(f"job {job_id} did not end within {seconds} s")
    finally:
        engine.dispose()
