"""The periodic job of the certification app (``REDRESS_PERIODIC_JOBS``, "readiness
snapshot"): once a day (the organisation's day) each standard's readiness is kept, so that the
readiness page can show it over time. The workers run the job every minute; the day's row of
each standard is taken once, whichever worker runs first."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from redress.analytics.cohort import organisation_zone
from redress.certification.models import ReadinessSnapshot
from redress.certification.readiness import standards
from redress.certification.snapshots import readiness_snapshot_take


def readiness_snapshot_daily(*, now: dt.datetime | None = None) -> list[ReadinessSnapshot]:
    """Today's snapshot of every standard that has none yet; the snapshots taken."""
    now = now or timezone.now()
    day = now.astimezone(organisation_zone()).date()
    taken = []
    for standard in standards():
        snapshot = readiness_snapshot_take(standard=standard, day=day, now=now)
        if snapshot is not None:
            taken.append(snapshot)
    return taken
