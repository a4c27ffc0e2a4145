"""The inbound mail store in the retention run (``privacy.retention``, docs/privacy.md): every
email kept as it came, taken or quarantined, is deleted with its original file once its period
(counted from its arrival) is over; not while the complaint it made or joined is open or under
legal hold. What the email said stays in the complaint's messages."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q, QuerySet

from redress.core.actors import Actor
from redress.intake.models import InboundEmail
from redress.privacy import retention
from redress.privacy.models import RecordType, RetentionRule


def _expired(cutoff: dt.datetime, rules: dict[str, RetentionRule]) -> QuerySet[InboundEmail]:
    closed_or_none = Q(complaint__isnull=True) | Q(complaint__status="closed")
    return (
        InboundEmail.objects.filter(received_at__lt=cutoff)
        .filter(closed_or_none)
        .exclude(complaint__in=retention.complaints_held().values("pk"))
    )


def _expire(ids: list[int], actor: Actor) -> int:
    with transaction.atomic():
        rows = InboundEmail.objects.filter(pk__in=ids)
        names = list(rows.values_list("raw", flat=True))
        deleted = rows.delete()[1].get(rows.model._meta.label, 0)
    retention.files_delete_unreferenced(InboundEmail, "raw", names)
    return deleted


def register() -> None:
    retention.retention_target_register(
        RecordType.RAW_EMAILS, retention.RetentionTarget(_expired, _expire)
    )
