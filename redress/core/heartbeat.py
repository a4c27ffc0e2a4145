"""Worker heartbeats: each ``redress worker`` says it is alive once per sweep."""

from __future__ import annotations

import datetime as dt
import os
import socket

from django.utils import timezone

from redress.core.models import WorkerHeartbeat

STARTED = timezone.now()


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def heartbeat_beat(*, now: dt.datetime | None = None) -> None:
    """Record that this worker process is alive now (one upsert of its own row)."""
    now = now or timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        name=worker_name(),
        defaults={
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "started_at": STARTED,
            "seen_at": now,
        },
    )


def heartbeats_recent(
    *, within: dt.timedelta, now: dt.datetime | None = None
) -> list[WorkerHeartbeat]:
    """The workers seen within ``within`` of now (bounded: workers are few)."""
    since = (now or timezone.now()) - within
    return list(WorkerHeartbeat.objects.filter(seen_at__gte=since).order_by("-seen_at")[:100])
