"""Test helpers for the deadline engine: a settable clock and a stand-in for a running worker.

``run_queued_tasks`` runs what the configured backend holds, the way its worker would: the
database backend's own ``Worker.run_task``; for RQ, a ``SimpleWorker`` burst after moving the
jobs whose time has come (by the test's clock) out of the scheduled registry, which is what
the RQ scheduler does by the wall clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import django_rq
from django.conf import settings
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_rq.backend import Job
from rq import SimpleWorker
from rq.registry import ScheduledJobRegistry

ICT = ZoneInfo("Asia/Ho_Chi_Minh")


def local(text: str) -> dt.datetime:
    """A Hà Nội time written 'YYYY-MM-DD HH:MM'."""
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=ICT)


def end_of(day: str) -> dt.datetime:
    """24:00 of a Hà Nội day (the instant a period ending that day ends)."""
    return dt.datetime.fromisoformat(day).replace(tzinfo=ICT) + dt.timedelta(days=1)


@dataclass
class Clock:
    now: dt.datetime

    def set(self, text_or_time: str | dt.datetime) -> dt.datetime:
        self.now = local(text_or_time) if isinstance(text_or_time, str) else text_or_time
        return self.now


@contextmanager
def frozen_clock(start: str = "2026-03-09 09:00") -> Iterator[Clock]:
    """Every ``timezone.now()`` (services, tasks, the database task queue) reads this clock."""
    clock = Clock(local(start))
    with mock.patch.object(timezone, "now", lambda: clock.now.astimezone(dt.UTC)):
        yield clock


def uses_rq() -> bool:
    return str(settings.TASKS["default"]["BACKEND"]).startswith("django_tasks_rq")


def queued_checks() -> list[tuple[list[Any], dt.datetime | None]]:
    """(args, run_after) of every ``check_clock`` task waiting in the backend."""
    if uses_rq():
        return [
            (list(job.args), when)
            for job, when in _rq_jobs()
            if job.func_name.endswith("check_clock")
        ]
    rows = DBTaskResult.objects.filter(task_path__endswith="check_clock", status="READY")
    return [(row.args_kwargs["args"], row.run_after) for row in rows]


def run_queued_tasks() -> int:
    """Run every task that is due by the (test) clock; returns how many ran."""
    if uses_rq():
        return _run_rq()
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    ran = 0
    while True:
        row = DBTaskResult.objects.ready().order_by("run_after", "enqueued_at").first()
        if row is None:
            return ran
        row.claim(worker.worker_id)
        worker.run_task(row)
        ran += 1


def _rq_queue() -> Any:
    return django_rq.get_queue("default", job_class=Job)


def _rq_jobs() -> list[tuple[Any, dt.datetime | None]]:
    queue = _rq_queue()
    registry = ScheduledJobRegistry(queue=queue)
    jobs: list[tuple[Any, dt.datetime | None]] = [(job, None) for job in queue.get_jobs()]
    for job_id in registry.get_job_ids():
        job = queue.fetch_job(job_id)
        if job is not None:
            jobs.append((job, registry.get_scheduled_time(job)))
    return jobs


def _run_rq() -> int:
    queue = _rq_queue()
    registry = ScheduledJobRegistry(queue=queue)
    now = timezone.now()
    for job_id in registry.get_job_ids():
        job = queue.fetch_job(job_id)
        if job is not None and registry.get_scheduled_time(job) <= now:
            registry.remove(job)
            queue.enqueue_job(job)
    count = queue.count
    if count:
        worker = SimpleWorker(
            [queue], connection=django_rq.get_connection("default"), job_class=queue.job_class
        )
        worker.work(burst=True, with_scheduler=False)
    return count


def rq_flush() -> None:
    """Empty the test queue (the RQ run uses its own Redis database, see .ci/run)."""
    queue = _rq_queue()
    registry = ScheduledJobRegistry(queue=queue)
    for job_id in registry.get_job_ids():
        registry.remove(job_id, delete_job=True)
    queue.empty()
