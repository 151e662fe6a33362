"""Solve jobs on a message broker (Celery over RabbitMQ), when `PANELPLAN_BROKER_URL` is set.

Without it nothing here runs: the scheduler starts solve workers as its own children
(`jobs.solving`). With it the scheduler sends job ids (`send`, chosen fairly by
`services.planning.solve_queue`) to one durable RabbitMQ priority queue, and `panelplan
worker` processes (`jobs.queue_worker`) take them. A message carries only the job id; the
job row says everything else. Messages are acknowledged when the job ended (late ack) and
requeued if the worker process dies (`task_reject_on_worker_lost`); one prefetched message
per process, so what-if reruns (priority 9) overtake the term solves waiting (priority 1).
Celery is imported only when a broker is used: no other `panelplan` command pays for it.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from models import JobKind
from services.planning.solve_queue import Dispatch

if TYPE_CHECKING:
    from celery import Celery

BROKER_VARIABLE = "PANELPLAN_BROKER_URL"
QUEUE_VARIABLE = "PANELPLAN_BROKER_QUEUE"  # one deployment per queue name (tests: their own)
TASK = "panelplan.solve"
PRIORITY = {JobKind.WHAT_IF: 9, JobKind.PLAN: 1}
_apps: dict[str, Celery] = {}


def broker_url(environ: dict[str, str] | None = None) -> str | None:
    """The broker solve jobs go through (`$PANELPLAN_BROKER_URL`); None: the embedded default."""
    url = (os.environ if environ is None else environ).get(BROKER_VARIABLE, "").strip()
    return url or None


def queue_name() -> str:
    """The broker queue of this deployment (`$PANELPLAN_BROKER_QUEUE`, default panelplan.solve)."""
    return os.environ.get(QUEUE_VARIABLE) or "panelplan.solve"


def settings(url: str) -> dict[str, Any]:
    """The Celery configuration every panelplan process shares (publishers and workers)."""
    from kombu import Exchange, Queue  # (Celery's: imported only when a broker is used)

    queue = queue_name()
    exchange = Exchange(queue, type="direct", durable=True)
    return {
        "broker_url": url,
        "broker_connection_retry_on_startup": True,
        "task_queues": [
            Queue(queue, exchange, routing_key=queue, queue_arguments={"x-max-priority": 10})
        ],
        "task_default_queue": queue,
        "task_acks_late": True,  # acknowledged when the job ended, not when it started
        "task_reject_on_worker_lost": True,  # a killed pool process: the message goes back
        "task_acks_on_failure_or_timeout": True,  # a job that failed is ended, not retried
        "worker_prefetch_multiplier": 1,  # one message per process: priorities hold
        "task_ignore_result": True,  # the job row is the result
        "worker_hijack_root_logger": False,
        "worker_send_task_events": False,
        "enable_utc": True,
    }


def app(url: str) -> Celery:
    """The Celery application on broker `url`, one per process."""
    if url not in _apps:
        from celery import Celery  # every other command starts without Celery's import

        made = Celery("panelplan", set_as_current=False)
        made.conf.update(settings(url))
        _apps[url] = made
    return _apps[url]


def send(url: str, dispatch: Dispatch, time_limit: float | None = None) -> None:
    """Send one job id to the workers, with its priority (and a last-resort hard limit)."""
    app(url).send_task(
        TASK,
        args=[dispatch.job_id],
        queue=queue_name(),
        routing_key=queue_name(),
        priority=PRIORITY[dispatch.kind],
        time_limit=time_limit,
        headers={"institution": dispatch.institution_id},
    )


def close() -> None:
    """Close the broker connections this process opened."""
    for made in _apps.values():
        made.close()
    _apps.clear()
