"""Reminders of the audit programme (a periodic job, ``REDRESS_PERIODIC_JOBS``): the auditors
and the planner of an audit are told ``REDRESS_AUDIT_REMINDER_WORKING_DAYS`` working days (of
the audited unit's calendar) before its planned date, and again when the date has passed and the
audit is not reported. Each notice is sent once per audit, kind and planned date
(``AuditReminder``), whichever worker runs the job."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from redress.analytics.cohort import organisation_zone
from redress.core.actors import Actor
from redress.core.models import User
from redress.framework.models import Audit, AuditReminder, AuditStatus
from redress.framework.services.common import framework_record
from redress.notifications.models import Notification
from redress.notifications.notices import notify_users
from redress.sla.selectors import calendar_for_unit

logger = logging.getLogger(__name__)

NOT_REPORTED = (AuditStatus.PLANNED, AuditStatus.IN_PROGRESS)


def reminder_working_days() -> int:
    return int(getattr(settings, "REDRESS_AUDIT_REMINDER_WORKING_DAYS", 5))


def _recipients(audit: Audit) -> list[User]:
    people = [user for user in audit.auditors.all() if user.is_active]
    if audit.planned_by.is_active and audit.planned_by not in people:
        people.append(audit.planned_by)
    return people


def _send(audit: Audit, kind: str, now: dt.datetime) -> bool:
    """One reminder of ``kind`` for the audit, unless it was sent for this planned date."""
    recipients = _recipients(audit)
    notice = (
        Notification.Kind.AUDIT_UPCOMING
        if kind == AuditReminder.Kind.UPCOMING
        else Notification.Kind.AUDIT_OVERDUE
    )
    try:
        with transaction.atomic():
            AuditReminder.objects.create(
                audit=audit,
                kind=kind,
                planned_on=audit.planned_on,
                recipients=[user.pk for user in recipients],
                sent_at=now,
            )
            notify_users(
                users=recipients,
                kind=notice,
                dedupe_key=f"audit-{kind}:{audit.pk}:{audit.planned_on:%Y%m%d}",
                target=(Notification.Target.AUDIT, audit.pk, f"{audit.reference} {audit.title}"),
            )
            framework_record(
                actor=Actor.system("audit-reminders"),
                action=f"audit_reminder_{kind}",
                target=audit,
                label=audit.reference,
                after={
                    "planned_on": audit.planned_on,
                    "recipients": [user.pk for user in recipients],
                },
                at=now,
            )
    except IntegrityError:
        return False  # another worker sent it first
    return True


def audit_reminders_sweep(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Send the reminders that fell due; returns how many were sent."""
    now = now or timezone.now()
    today = now.astimezone(organisation_zone()).date()
    days = reminder_working_days()
    # Working days are at most a few weeks of calendar days even around Tết: bound the rows.
    horizon = today + dt.timedelta(days=days * 3 + 21)
    sent = 0
    upcoming = (
        Audit.objects.filter(
            status=AuditStatus.PLANNED, planned_on__gte=today, planned_on__lte=horizon
        )
        .exclude(reminders__kind=AuditReminder.Kind.UPCOMING)
        .select_related("planned_by")
        .order_by("planned_on")[:limit]
    )
    for audit in upcoming:
        calendar = calendar_for_unit(audit.unit_id)
        last_day = calendar.local_date(
            calendar.add_working_days(now, days) - dt.timedelta(seconds=1)
        )
        if audit.planned_on <= last_day and _send(audit, AuditReminder.Kind.UPCOMING, now):
            sent += 1
    overdue = (
        Audit.objects.filter(status__in=NOT_REPORTED, planned_on__lt=today)
        .exclude(reminders__kind=AuditReminder.Kind.OVERDUE)
        .select_related("planned_by")
        .order_by("planned_on")[:limit]
    )
    for audit in overdue:
        if _send(audit, AuditReminder.Kind.OVERDUE, now):
            sent += 1
    return sent
