"""The demo's notices: its history is settled, not announced.

The demo loads some two hundred complaints received over past months, many past a deadline.
Left to the worker, every deadline notice they owe would arrive at once (hundreds of unread
notices for a manager who has just signed in, and their emails). Instead the demo sends what
its history owes while loading, at any hour, and files it as read and emailed; from then on
the worker tells people of what falls due while they watch.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from redress.notifications.models import Notification
from redress.sla.models import DeadlineNotice
from redress.sla.services import sla_sweep

SWEEP = 1000


def demo_notices_settle(*, now: dt.datetime | None = None) -> int:
    """Send every deadline notice the demo's history owes at ``now`` (outside working hours
    too), then mark every notice read and every deadline email sent. Returns how many notices
    were filed as read."""
    now = now or timezone.now()
    while sla_sweep(now=now, limit=SWEEP, catch_up=True) == SWEEP:
        pass
    DeadlineNotice.objects.filter(emailed_at__isnull=True).update(emailed_at=now)
    return Notification.objects.filter(read_at__isnull=True).update(read_at=now)
