"""Reads of the integrations' records: the webhook deliveries due to be tried."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from redress.integrations.models import WebhookDelivery


def sending_lease() -> dt.timedelta:
    """How long a delivery being sent is left to its worker before another may send it again
    (the outbox's lease, REDRESS_OUTBOX_LEASE_SECONDS): a worker killed mid-send leaves it
    "sending", and the receiver de-duplicates a second delivery by its id."""
    return dt.timedelta(seconds=settings.REDRESS_OUTBOX_LEASE_SECONDS)


def deliveries_due(now: dt.datetime | None = None, *, limit: int = 500) -> list[int]:
    """Ids of deliveries that should be tried now (catch-up after the worker was down, and
    attempts whose worker died mid-send: still "sending" after the lease)."""
    now = now or timezone.now()
    stale = now - sending_lease()
    due = WebhookDelivery.objects.filter(
        Q(state__in=[WebhookDelivery.State.PENDING, WebhookDelivery.State.RETRYING])
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        | Q(state=WebhookDelivery.State.SENDING, last_attempt_at__lt=stale)
    )
    return list(due.order_by("pk").values_list("pk", flat=True)[:limit])
