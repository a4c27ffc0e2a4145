"""``redress worker``: runs the background tasks and, every minute, the sweeps.

The task queue is whatever ``TASKS`` configures: the database backend's worker
(``db_worker``), or an RQ worker with its scheduler when ``REDRESS_TASKS=rq``. Beside it a
thread runs the deadline sweep (and the outbox flush) every minute, so a deadline that no task
caught (queue lost, worker down when it fell due) is still noticed within a minute.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)


def periodic_jobs() -> list[tuple[str, Callable[[], object]]]:
    """What the worker runs every minute."""
    from redress.intake.tasks import mail_sweep
    from redress.integrations.tasks import webhooks_flush
    from redress.notifications.tasks import outbox_flush
    from redress.sla.services import sla_sweep

    return [
        ("sla sweep", sla_sweep),
        ("outbox flush", outbox_flush),
        ("mail poll", mail_sweep),
        ("webhooks flush", webhooks_flush),
    ]


def run_periodic_once() -> None:
    for name, job in periodic_jobs():
        try:
            job()
        except Exception:
            logger.exception("%s failed; it runs again in a minute", name)


def _loop(stop: threading.Event, interval: float) -> None:
    while not stop.is_set():
        close_old_connections()
        run_periodic_once()
        close_old_connections()
        stop.wait(interval)
    connection.close()


class Command(BaseCommand):
    help = "Run background tasks (database or RQ backend) and the deadline sweep every minute."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--sweep-interval", type=float, default=60.0, help="Seconds between sweeps."
        )
        parser.add_argument("--no-sweep", action="store_true", help="Only run tasks.")
        parser.add_argument(
            "--once", action="store_true", help="Sweep once, run the due tasks, then exit."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        backend = str(settings.TASKS["default"]["BACKEND"])
        is_rq = backend.startswith("django_tasks_rq")
        if options["once"]:
            run_periodic_once()
            if is_rq:
                call_command("rqworker", "default", "--burst", "--with-scheduler")
            else:
                call_command(
                    "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*"
                )
            return
        stop = threading.Event()
        if not options["no_sweep"]:
            threading.Thread(
                target=_loop,
                args=(stop, options["sweep_interval"]),
                name="redress-sweep",
                daemon=True,
            ).start()
        try:
            if is_rq:
                call_command("rqworker", "default", "--with-scheduler")
            else:
                call_command("db_worker", "--no-reload", "--queue-name", "*")
        finally:
            stop.set()
