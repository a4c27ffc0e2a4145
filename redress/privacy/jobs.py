"""Privacy's periodic jobs (``REDRESS_PERIODIC_JOBS``).

The breach clock: while the authority is not notified, the data-protection officers are told
``REDRESS_BREACH_WARNING_HOURS`` before the 72 hours end, and the officers and top management
when they have ended. Each notice goes out once per breach (``BreachNotice``), whichever worker
runs the job.

Retention: the rules are applied once a day (``retention_daily``)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from redress.core.actors import Actor
from redress.core.roles import Role
from redress.core.selectors import organisation_get, users_with_role
from redress.notifications.models import Notification
from redress.notifications.notices import notify_users
from redress.privacy.breaches import privacy_record
from redress.privacy.models import BreachIncident, BreachNotice, RetentionRun
from redress.privacy.retention import retention_run


def warning_hours() -> int:
    return int(getattr(settings, "REDRESS_BREACH_WARNING_HOURS", 24))


def _send(incident: BreachIncident, kind: str, now: dt.datetime) -> bool:
    people = users_with_role(Role.DPO)
    if kind == BreachNotice.Kind.OVERDUE:
        people += [u for u in users_with_role(Role.TOP_MANAGEMENT) if u not in people]
    notice = (
        Notification.Kind.BREACH_DUE_SOON
        if kind == BreachNotice.Kind.DUE_SOON
        else Notification.Kind.BREACH_OVERDUE
    )
    try:
        with transaction.atomic():
            BreachNotice.objects.create(
                incident=incident, kind=kind, recipients=[u.pk for u in people], sent_at=now
            )
            notify_users(
                users=people,
                kind=notice,
                dedupe_key=f"breach-{kind}:{incident.pk}",
                target=(Notification.Target.BREACH, incident.pk, str(incident)),
            )
            privacy_record(
                actor=Actor.system("breach-clock"),
                action=f"breach_notice_{kind}",
                target=incident,
                after={"due_at": incident.notify_due_at, "recipients": [u.pk for u in people]},
                at=now,
            )
    except IntegrityError:
        return False  # another worker sent it first
    return True


def breach_clock_sweep(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """Send the breach reminders that fell due; returns how many were sent."""
    now = now or timezone.now()
    waiting = BreachIncident.objects.filter(
        closed_at__isnull=True, authority_notified_at__isnull=True
    )
    sent = 0
    overdue = waiting.filter(notify_due_at__lte=now).exclude(
        notices__kind=BreachNotice.Kind.OVERDUE
    )
    for incident in overdue.order_by("notify_due_at")[:limit]:
        sent += _send(incident, BreachNotice.Kind.OVERDUE, now)
    soon = waiting.filter(
        notify_due_at__gt=now, notify_due_at__lte=now + dt.timedelta(hours=warning_hours())
    ).exclude(notices__kind=BreachNotice.Kind.DUE_SOON)
    for incident in soon.order_by("notify_due_at")[:limit]:
        sent += _send(incident, BreachNotice.Kind.DUE_SOON, now)
    return sent


def retention_hour() -> int:
    return int(getattr(settings, "REDRESS_RETENTION_HOUR", 2))


def retention_daily(*, now: dt.datetime | None = None) -> RetentionRun | None:
    """The retention run, once a day from ``REDRESS_RETENTION_HOUR`` (the organisation's time):
    the day's ``RetentionRun`` row is taken first, and its unique day makes any other worker,
    or a later minute, find it taken. Returns the run, or None when it was not due."""
    now = now or timezone.now()
    local = now.astimezone(ZoneInfo(organisation_get().time_zone or settings.TIME_ZONE))
    if local.hour < retention_hour():
        return None
    day = local.date()
    if RetentionRun.objects.filter(scheduled_day=day).exists():
        return None
    actor = Actor.system("retention")
    try:
        with transaction.atomic():
            run = RetentionRun.objects.create(
                started_at=now,
                dry_run=False,
                trigger=RetentionRun.Trigger.SCHEDULE,
                actor_label=actor.label,
                scheduled_day=day,
            )
    except IntegrityError:
        return None  # another worker took today's run
    report = retention_run(dry_run=False, actor=actor, now=now, run=run)
    return report.run
