"""Fair dispatch to the broker (services/planning/solve_queue.py): what-if reruns first, a few
term solves at a time, the institution with the fewest in flight first; and the limits of a
solve under `panelplan worker` (jobs/queue_worker.py)."""

from __future__ import annotations

import threading
from datetime import date, timedelta

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from jobs.queue_worker import Limits, concurrency
from models import Institution, JobKind, JobStatus, SolveJob
from models.base import utcnow
from models.db import acting_as, session_factory
from services.planning.solve_queue import Fairness, choose
from services.planning.solve_runs import claim


def _jobs(db: Session, institution_id: int, count: int, kind: JobKind = JobKind.PLAN) -> list[int]:
    made = [
        SolveJob(
            institution_id=institution_id,
            kind=kind,
            date_from=date(2026, 3, 1),
            date_to=date(2026, 3, 31),
        )
        for _ in range(count)
    ]
    db.add_all(made)
    db.flush()
    return [job.id for job in made]


def test_a_burst_of_one_institution_does_not_starve_the_others(db, make) -> None:
    big, small, late = (make.institution().id for _ in range(3))
    burst = _jobs(db, big, 10)
    other = _jobs(db, small, 1)
    chosen = choose(db, Fairness(ahead=2, per_institution=2))
    assert [d.job_id for d in chosen] == [burst[0], other[0]]
    assert choose(db, Fairness(ahead=2, per_institution=2)) == []  # two wait in the broker
    for job_id in (burst[0], other[0]):
        db.get_one(SolveJob, job_id).status = JobStatus.RUNNING  # claimed by workers
    db.flush()
    third = _jobs(db, late, 1)
    assert [d.job_id for d in choose(db, Fairness(ahead=2, per_institution=2))] == [
        third[0],
        burst[1],
    ]


def test_what_if_reruns_go_first_and_past_the_limits(db, make) -> None:
    institution = make.institution().id
    _jobs(db, institution, 3)
    rerun = _jobs(db, institution, 1, JobKind.WHAT_IF)
    chosen = choose(db, Fairness(ahead=1, per_institution=1))
    assert (chosen[0].job_id, chosen[0].kind) == (rerun[0], JobKind.WHAT_IF)
    assert len(chosen) == 2  # the rerun and one term solve


def test_a_message_lost_long_ago_is_sent_again(db, make) -> None:
    institution = make.institution().id
    (job_id,) = _jobs(db, institution, 1)
    assert [d.job_id for d in choose(db, Fairness())] == [job_id]
    assert choose(db, Fairness()) == []
    db.get_one(SolveJob, job_id).dispatched_at = utcnow() - timedelta(hours=1)
    db.flush()
    assert [d.job_id for d in choose(db, Fairness())] == [job_id]


def test_limits_follow_the_job_and_the_worker_fills_its_cores() -> None:
    assert Limits.of(60, {}) == Limits(180, 300)
    assert Limits.of(None, {"PANELPLAN_SOFT_LIMIT": "900", "PANELPLAN_HARD_GRACE": "30"}) == (
        Limits(900, 930)
    )
    assert concurrency(per_solve=4, cores=16) == 4
    assert concurrency(per_solve=32, cores=16) == 1


def test_a_worker_waits_for_the_dispatch_that_sent_its_message(database) -> None:
    # The dispatcher marks a job sent and sends its message in one transaction, so a worker
    # may receive the message before that commits. Its claim must wait for the row: skipping
    # it (SKIP LOCKED) dropped the message and left the job queued, unsent, for 30 minutes
    # (seen once in the broker test).
    factory = session_factory(database.engine)
    with factory() as db:
        acting_as(db, "tester")
        home = Institution(code="3209998", name="锁等待测试机构")
        db.add(home)
        db.flush()
        job_id = _jobs(db, home.id, 1)[0]
        db.commit()
    claimed: list[SolveJob | None] = []

    def work() -> None:
        with factory() as db:
            claimed.append(claim(db, job_id))
            db.commit()

    with factory() as dispatcher:
        sent = update(SolveJob).where(SolveJob.id == job_id).values(dispatched_at=utcnow())
        dispatcher.execute(sent)  # the dispatch's lock on the row, not committed yet
        worker = threading.Thread(target=work)
        worker.start()
        worker.join(1.0)
        assert worker.is_alive()  # waiting for the dispatch, not skipping the row
        dispatcher.commit()
    worker.join(10.0)
    assert claimed and claimed[0] is not None and claimed[0].status == JobStatus.RUNNING
    with factory() as db:
        acting_as(db, "tester")
        db.execute(delete(SolveJob).where(SolveJob.id == job_id))
        db.execute(delete(Institution).where(Institution.id == home.id))
        db.commit()
