"""Each periodic job once per period, however many workers run them.

Every ``redress worker`` runs the jobs of ``REDRESS_PERIODIC_JOBS`` each minute; with two or
more workers (on one machine or several) each job would run once per worker. Before running a
job, a worker claims it for the current period (the second since the epoch at which the
period started) in the database all workers share: a single conditional ``UPDATE`` of the job's row, which
only one worker can win because the database serialises updates of a row. The others see no
row updated and skip the job until the next period. A worker that dies after claiming loses
that period's run; the next period's claim runs the job again (the jobs are sweeps that catch
up with everything due, so nothing is lost, only late by a period).
"""

from __future__ import annotations

import os
import socket
import time

from django.db import IntegrityError, transaction
from django.utils import timezone

from redress.core.models import PeriodicClaim


def current_period(interval: float, now: float | None = None) -> int:
    """When the ``interval``-second period around ``now`` started, in whole seconds since the
    epoch: workers (or timers) with different intervals still agree on what came before."""
    at = time.time() if now is None else now
    return int(at // interval * interval)


def worker_name() -> str:
    """Who claims: the host and process, shown in the claim row for the operator."""
    return f"{socket.gethostname()}:{os.getpid()}"


def periodic_claim(*, name: str, period: int, worker: str | None = None) -> bool:
    """Claim job ``name`` for ``period``; True for exactly one caller per (job, period)."""
    try:
        with transaction.atomic():
            PeriodicClaim.objects.get_or_create(name=name)
    except IntegrityError:  # another worker created the row at the same moment
        pass
    updated = PeriodicClaim.objects.filter(name=name, period__lt=period).update(
        period=period, claimed_by=(worker or worker_name())[:200], claimed_at=timezone.now()
    )
    return updated == 1
