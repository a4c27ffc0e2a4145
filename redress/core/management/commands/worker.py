"""``redress worker``: runs the background tasks and, every minute, the periodic jobs.

The task queue is whatever ``TASKS`` configures: the database backend's worker
(``db_worker``), or an RQ worker with its scheduler when ``REDRESS_TASKS=rq``. Beside it a
thread runs the jobs named in ``REDRESS_PERIODIC_JOBS`` every minute (the deadline sweep, the
outbox flush, the mailbox poll, the webhook flush), so work that no task caught (queue lost,
worker down when it fell due) is still done within a minute. The jobs are named in settings
because the worker serves every app and core, the lowest layer, imports none of them.

However many workers run, each job runs once per period: a worker claims a job for the current
period in the shared database before running it (``redress.core.periodic``). ``--periodic``
runs this period's unclaimed jobs once and exits, for a scheduler such as a systemd timer.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection
from django.utils.module_loading import import_string

from redress.core.heartbeat import heartbeat_beat
from redress.core.logs import worker_logging
from redress.core.periodic import current_period, periodic_claim
from redress.core.startup import secret_key_check, serving_libraries_load

# The job class of django-tasks-rq: a plain RQ job cannot run a Django task (the task object
# is not callable), so every task would fail and only the periodic sweeps would do the work.
RQ_JOB_CLASS = "django_tasks_rq.backend.Job"

logger = logging.getLogger("redress.worker")

Job = tuple[str, Callable[[], object]]


def periodic_jobs() -> list[Job]:
    """What the worker runs every minute, in order: ``REDRESS_PERIODIC_JOBS``, a list of
    (name, dotted path of a function taking no arguments). Raises ``ImproperlyConfigured``
    naming a path that leads to no function."""
    jobs = []
    for name, path in settings.REDRESS_PERIODIC_JOBS:
        try:
            job = import_string(path)
        except ImportError as error:
            raise ImproperlyConfigured(f"REDRESS_PERIODIC_JOBS: {name!r}: {error}") from error
        if not callable(job):
            raise ImproperlyConfigured(f"REDRESS_PERIODIC_JOBS: {name!r}: {path} is not callable")
        jobs.append((name, job))
    return jobs


def run_periodic_once(jobs: Sequence[Job] | None = None, *, period: int | None = None) -> None:
    """Run each job once; a job that fails is logged and does not stop the others. With a
    ``period``, only the jobs this worker claims for that period (the others ran elsewhere). A
    job that did something (returned a count other than 0) says so in one line."""
    for name, job in periodic_jobs() if jobs is None else jobs:
        try:
            if period is not None and not periodic_claim(name=name, period=period):
                continue
        except Exception:
            logger.exception("%s could not be claimed; it runs again in a minute", name)
            continue
        try:
            done = job()
        except Exception:
            logger.exception("%s failed; it runs again in a minute", name)
            continue
        if done:
            logger.info("%s: %s", name, str(done)[:100])


def _beat() -> None:
    try:
        heartbeat_beat()
    except Exception:
        logger.exception("the worker's heartbeat could not be written")


def _loop(stop: threading.Event, interval: float, jobs: Sequence[Job]) -> None:
    while not stop.is_set():
        close_old_connections()
        _beat()
        run_periodic_once(jobs, period=current_period(interval))
        close_old_connections()
        # Wake at the start of the next period, as every other worker does: the first claims.
        stop.wait(interval - time.time() % interval + 0.5)
    connection.close()


class Command(BaseCommand):
    help = "Run background tasks (database or RQ backend) and the periodic jobs every minute."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--sweep-interval", type=float, default=60.0, help="Seconds between sweeps."
        )
        parser.add_argument("--no-sweep", action="store_true", help="Only run tasks.")
        parser.add_argument(
            "--once", action="store_true", help="Sweep once, run the due tasks, then exit."
        )
        parser.add_argument(
            "--periodic",
            action="store_true",
            help="Run the periodic jobs no other worker has run this period, then exit.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        secret_key_check()
        verbosity = options["verbosity"]
        worker_logging(verbosity)
        backend = str(settings.TASKS["default"]["BACKEND"])
        is_rq = backend.startswith("django_tasks_rq")
        jobs = periodic_jobs()  # a wrong path stops the worker here, not once a minute
        if options["periodic"]:
            run_periodic_once(jobs, period=current_period(options["sweep_interval"]))
            return
        # Loaded once here, not in each task's process: RQ runs every task in a forked child.
        serving_libraries_load()
        if options["once"]:
            _beat()
            run_periodic_once(jobs)
            if is_rq:
                call_command(
                    "rqworker",
                    "default",
                    "--burst",
                    "--with-scheduler",
                    job_class=RQ_JOB_CLASS,
                    verbosity=verbosity,
                )
            else:
                call_command(
                    "db_worker",
                    "--batch",
                    "--no-startup-delay",
                    "--no-reload",
                    "--queue-name",
                    "*",
                    verbosity=verbosity,
                )
            return
        stop = threading.Event()
        if not options["no_sweep"]:
            threading.Thread(
                target=_loop,
                args=(stop, options["sweep_interval"], jobs),
                name="redress-sweep",
                daemon=True,
            ).start()
        try:
            if is_rq:
                call_command(
                    "rqworker",
                    "default",
                    "--with-scheduler",
                    job_class=RQ_JOB_CLASS,
                    verbosity=verbosity,
                )
            else:
                call_command("db_worker", "--no-reload", "--queue-name", "*", verbosity=verbosity)
        finally:
            stop.set()
