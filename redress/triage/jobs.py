"""Triage's periodic job (``REDRESS_PERIODIC_JOBS``): a new version of the model is learned once
a day from ``REDRESS_TRIAGE_TRAIN_HOUR`` (the organisation's time), whichever worker runs it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from redress.core.actors import Actor
from redress.core.selectors import organisation_get
from redress.triage.models import TriageModel
from redress.triage.services import triage_train
from redress.triage.training import training_in_progress


def train_hour() -> int:
    return int(getattr(settings, "REDRESS_TRIAGE_TRAIN_HOUR", 3))


def triage_train_daily(*, now: dt.datetime | None = None) -> TriageModel | None:
    """Train once a day, from the training hour, when no version was trained since that hour
    today and no training asked for on the page is in progress (it makes today's version).
    Returns the new version, or None when it was not due."""
    now = now or timezone.now()
    zone = ZoneInfo(organisation_get().time_zone or settings.TIME_ZONE)
    local = now.astimezone(zone)
    if local.hour < train_hour():
        return None
    since = local.replace(hour=train_hour(), minute=0, second=0, microsecond=0)
    if TriageModel.objects.filter(trained_at__gte=since).exists() or training_in_progress():
        return None
    return triage_train(actor=Actor.system("triage"))
