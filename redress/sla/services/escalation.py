"""Escalation: the near-due and breach notices each running clock owes, sent once each to the
levels of the escalation ladder, and the sweep that catches what no check task did.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from redress.complaints.models import Complaint
from redress.core.models import User
from redress.core.roles import Role
from redress.core.selectors import unit_ancestor_ids, users_with_role
from redress.integrations.services import webhooks_publish
from redress.notifications.models import Notification
from redress.notifications.notices import notify_users
from redress.sla.calendar import WorkCalendar
from redress.sla.models import DeadlineNotice, EscalationLevel, StageClock
from redress.sla.selectors import calendar_for_unit
from redress.sla.services.clocks import RUNNING, schedule_check
from redress.sla.services.queue import enqueue_notice_email

logger = logging.getLogger(__name__)


def _audience(complaint: Complaint, audience: str) -> list[User]:
    if complaint.processing_restricted:
        # Restricted at the person's request (Law 91/2025): its clock keeps running, and the
        # one who may read it, the data-protection officer, hears instead of the ladder.
        return users_with_role(Role.DPO)
    if audience == EscalationLevel.Audience.OWNER:
        if complaint.owner is not None and complaint.owner.is_active:
            return [complaint.owner]
        # Nobody owns it yet: the unit's managers must hear, or the notice would be lost.
        audience = EscalationLevel.Audience.UNIT_MANAGERS
    if audience == EscalationLevel.Audience.UNIT_MANAGERS:
        for unit_id in unit_ancestor_ids(complaint.unit_id):
            managers = users_with_role(Role.COMPLAINTS_MANAGER, unit_ids=[unit_id])
            if managers:
                return managers
        return []
    if audience == EscalationLevel.Audience.ORGANISATION_MANAGERS:
        top_unit = unit_ancestor_ids(complaint.unit_id)[-1]
        return users_with_role(Role.COMPLAINTS_MANAGER, unit_ids=[top_unit]) or users_with_role(
            Role.COMPLAINTS_MANAGER
        )
    if audience == EscalationLevel.Audience.TOP_MANAGEMENT:
        return users_with_role(Role.TOP_MANAGEMENT)
    return []


def _complaint(complaint_id: int) -> Complaint:
    return Complaint.objects.select_related("owner", "complainant").get(pk=complaint_id)


@dataclass(frozen=True)
class _Due:
    kind: str
    level: EscalationLevel
    at: dt.datetime


def _notices_owed(
    clock: StageClock,
    complaint: Complaint,
    calendar: WorkCalendar,
    levels: Sequence[EscalationLevel],
) -> list[_Due]:
    """Every notice this clock will owe, with the time it becomes owed."""
    at_once = complaint.health_safety
    owed: list[_Due] = []
    for level in levels:
        if clock.near_due_at is not None and (level.near_due or at_once):
            owed.append(_Due(DeadlineNotice.Kind.NEAR_DUE, level, clock.near_due_at))
        if clock.due_at is not None and (level.breach or at_once):
            when = clock.due_at
            if level.after_hours and not at_once:
                when = calendar.add_working_time(
                    clock.due_at, dt.timedelta(hours=level.after_hours)
                )
            owed.append(_Due(DeadlineNotice.Kind.BREACHED, level, when))
    return owed


def sla_clock_check(
    *, clock_id: int, now: dt.datetime | None = None, catch_up: bool = False
) -> list[DeadlineNotice]:
    """Send the notices a clock owes by ``now``, each exactly once, and set when to look again.

    Rules: the near-due notice goes to the levels marked for it once the threshold is reached
    (not once the deadline itself has passed: then the breach notice says more); the breach
    notice goes to each level when the deadline plus that level's delay (working hours) has
    passed. Notices are held until working hours unless the calendar is 24/7; a health or
    safety complaint escalates every level at once, day or night. A paused or finished clock
    owes nothing. Safe to run any number of times, concurrently included: the row lock and the
    unique constraint on ``DeadlineNotice`` keep each notice single. ``catch_up`` sends what is
    owed even outside working hours (loading history, such as the demo's, at any hour).
    """
    now = now or timezone.now()
    with transaction.atomic():
        # Lock the clock row only: PostgreSQL refuses FOR UPDATE across the owner outer join.
        clock = StageClock.objects.select_for_update().filter(pk=clock_id).first()
        if clock is None:
            return []
        complaint = _complaint(clock.complaint_id)
        if clock.outcome != RUNNING or complaint.paused_at is not None:
            if clock.next_check_at is not None:
                StageClock.objects.filter(pk=clock.pk).update(next_check_at=None)
            return []
        calendar = calendar_for_unit(complaint.unit_id)
        levels = list(EscalationLevel.objects.filter(is_active=True).order_by("level"))
        sent = set(DeadlineNotice.objects.filter(clock=clock).values_list("kind", "level"))
        owed_now: list[_Due] = []
        later: list[dt.datetime] = []
        for due in _notices_owed(clock, complaint, calendar, levels):
            if (due.kind, due.level.level) in sent:
                continue
            if (
                due.kind == DeadlineNotice.Kind.NEAR_DUE
                and clock.due_at is not None
                and now >= clock.due_at
            ):
                continue  # too late for "near": the breach notice covers it
            if due.at <= now:
                owed_now.append(due)
            else:
                later.append(due.at)
        created: list[DeadlineNotice] = []
        if owed_now:
            if (
                catch_up
                or complaint.health_safety
                or calendar.always_open
                or calendar.is_working_instant(now)
            ):
                sent_now = [_send(clock, complaint, due, now) for due in owed_now]
                created = [notice for notice in sent_now if notice is not None]
            else:
                later.append(calendar.next_working_instant(now))
        next_check = min(later) if later else None
        if next_check != clock.next_check_at:
            clock.next_check_at = next_check
            StageClock.objects.filter(pk=clock.pk).update(next_check_at=next_check)
            schedule_check(clock)
    return created


def _send(
    clock: StageClock, complaint: Complaint, due: _Due, now: dt.datetime
) -> DeadlineNotice | None:
    recipients = _audience(complaint, due.level.audience)
    try:
        with transaction.atomic():
            notice = DeadlineNotice.objects.create(
                clock=clock,
                kind=due.kind,
                level=due.level.level,
                audience=due.level.audience,
                recipients=[user.pk for user in recipients],
                sent_at=now,
            )
    except IntegrityError:
        return None  # another worker sent it first
    if due.kind == DeadlineNotice.Kind.BREACHED and not (
        DeadlineNotice.objects.filter(clock=clock, kind=due.kind).exclude(pk=notice.pk).exists()
    ):
        # The first breach notice of a deadline tells subscribed integrations, once.
        webhooks_publish(
            "complaint.deadline_breached", complaint, {"stage": clock.stage, "due_at": clock.due_at}
        )
    kind = (
        Notification.Kind.NEAR_DUE
        if due.kind == DeadlineNotice.Kind.NEAR_DUE
        else Notification.Kind.BREACHED
    )
    notify_users(
        users=recipients,
        kind=kind,
        complaint=complaint,
        dedupe_key=f"sla:{clock.pk}:{due.kind}:{due.level.level}",
        stage=clock.stage,
    )
    if any(user.email for user in recipients):
        enqueue_notice_email(notice.pk)
    return notice


def sla_sweep(*, now: dt.datetime | None = None, limit: int = 1000, catch_up: bool = False) -> int:
    """Check every clock whose next check time has passed: what the per-deadline tasks should
    have done while no worker ran. Returns how many clocks were checked. ``catch_up``: see
    ``sla_clock_check``."""
    now = now or timezone.now()
    ids = list(
        StageClock.objects.filter(next_check_at__lte=now, outcome=RUNNING)
        .order_by("next_check_at")
        .values_list("pk", flat=True)[:limit]
    )
    for clock_id in ids:
        try:
            sla_clock_check(clock_id=clock_id, now=now, catch_up=catch_up)
        except Exception:
            # One broken clock must not hide the others' breaches; it is retried next sweep.
            logger.exception("SLA check of clock %s failed", clock_id)
    return len(ids)
