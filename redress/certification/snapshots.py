"""Writes of the certification app: the day's readiness snapshot of a standard."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from redress.certification.evaluation import Status
from redress.certification.models import ReadinessSnapshot, Standard
from redress.certification.readiness import readiness_for, readiness_snapshot_data


def readiness_snapshot_take(
    *, standard: Standard, day: dt.date, now: dt.datetime
) -> ReadinessSnapshot | None:
    """Keep the readiness of ``standard`` as of ``now`` as the snapshot of ``day``; None when
    that day already has one (taken by another worker, or an earlier run): the unique
    (standard, day) decides, not a read before the write."""
    if ReadinessSnapshot.objects.filter(standard=standard, day=day).exists():
        return None
    readiness = readiness_for(standard, now=now)
    try:
        with transaction.atomic():
            return ReadinessSnapshot.objects.create(
                standard=standard,
                day=day,
                taken_at=now,
                score=readiness.score,
                evidenced=readiness.count(Status.EVIDENCED),
                weak=readiness.count(Status.WEAK),
                missing=readiness.count(Status.MISSING),
                items=readiness_snapshot_data(readiness),
            )
    except IntegrityError:
        return None
