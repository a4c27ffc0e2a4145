"""Escalation: the near-due and breach notices each running clock owes, sent once each to the
levels of the escalation ladder. ``sla_clock_check`` checks one clock (its own task); the sweep
(``redress.sla.services.sweep``) checks thousands at once by the same rules (``notices_due``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from redress.complaints.models import Complaint
from redress.core.models import User
from redress.integrations.services import webhooks_publish
from redress.notifications.models import Notification
from redress.notifications.notices import notify_users
from redress.sla.calendar import WorkCalendar
from redress.sla.models import DeadlineNotice, EscalationLevel, StageClock
from redress.sla.selectors import calendar_for_unit
from redress.sla.services.audience import Audiences
from redress.sla.services.clocks import RUNNING, schedule_check
from redress.sla.services.queue import enqueue_notice_email


@dataclass(frozen=True)
class Due:
    """A notice a clock owes: its kind, its level, and from when."""

    kind: str
    level: EscalationLevel
    at: dt.datetime


def notices_due(
    *,
    near_due_at: dt.datetime | None,
    due_at: dt.datetime | None,
    at_once: bool,
    calendar: WorkCalendar,
    levels: Sequence[EscalationLevel],
    sent: Collection[tuple[str, int]],
    now: dt.datetime,
    catch_up: bool,
) -> tuple[list[Due], dt.datetime | None]:
    """The notices a running clock owes at ``now`` and when to look at it next (None: never).

    Rules: the near-due notice goes to the levels marked for it once the threshold is reached
    (not once the deadline itself has passed: then the breach notice says more); the breach
    notice goes to each level when the deadline plus that level's delay (working hours) has
    passed. Notices already ``sent`` ((kind, level) pairs) are not owed again. What is owed
    waits for working hours unless the calendar is 24/7, ``catch_up`` is set, or the complaint
    is a health or safety risk (``at_once``), which also escalates every level at once.
    """
    owed_now: list[Due] = []
    later: list[dt.datetime] = []
    for level in levels:
        owed: list[Due] = []
        if near_due_at is not None and (level.near_due or at_once):
            owed.append(Due(DeadlineNotice.Kind.NEAR_DUE, level, near_due_at))
        if due_at is not None and (level.breach or at_once):
            when = due_at
            if level.after_hours and not at_once:
                when = calendar.add_working_time(due_at, dt.timedelta(hours=level.after_hours))
            owed.append(Due(DeadlineNotice.Kind.BREACHED, level, when))
        for due in owed:
            if (due.kind, level.level) in sent:
                continue
            if due.kind == DeadlineNotice.Kind.NEAR_DUE and due_at is not None and now >= due_at:
                continue  # too late for "near": the breach notice covers it
            if due.at <= now:
                owed_now.append(due)
            else:
                later.append(due.at)
    if owed_now and not (
        catch_up or at_once or calendar.always_open or calendar.is_working_instant(now)
    ):
        later.append(calendar.next_working_instant(now))
        owed_now = []
    return owed_now, (min(later) if later else None)


def sla_clock_check(
    *, clock_id: int, now: dt.datetime | None = None, catch_up: bool = False
) -> list[DeadlineNotice]:
    """Send the notices a clock owes by ``now`` (``notices_due``), each exactly once, tell
    the recipients at once, and set when to look again.

    A paused or finished clock owes nothing. A complaint whose processing is restricted at the
    person's request keeps its clock, and what it owes is told to its one reader, the
    data-protection officer (``Audiences.recipients``).
    Safe to run any number of times, concurrently included: the row lock and the unique
    constraint on ``DeadlineNotice`` keep each notice single. ``catch_up`` sends what is owed
    even outside working hours (loading history, such as the demo's, at any hour).
    """
    now = now or timezone.now()
    with transaction.atomic():
        # Lock the clock row only: PostgreSQL refuses FOR UPDATE across the owner outer join.
        clock = StageClock.objects.select_for_update().filter(pk=clock_id).first()
        if clock is None:
            return []
        complaint = Complaint.objects.select_related("owner").get(pk=clock.complaint_id)
        if clock.outcome != RUNNING or complaint.paused_at is not None:
            if clock.next_check_at is not None:
                StageClock.objects.filter(pk=clock.pk).update(next_check_at=None)
            return []
        owed_now, next_check = notices_due(
            near_due_at=clock.near_due_at,
            due_at=clock.due_at,
            at_once=complaint.health_safety,
            calendar=calendar_for_unit(complaint.unit_id),
            levels=list(EscalationLevel.objects.filter(is_active=True).order_by("level")),
            sent=set(DeadlineNotice.objects.filter(clock=clock).values_list("kind", "level")),
            now=now,
            catch_up=catch_up,
        )
        audiences = Audiences()
        sent_now = [_send(clock, complaint, due, now, audiences) for due in owed_now]
        if next_check != clock.next_check_at:
            clock.next_check_at = next_check
            StageClock.objects.filter(pk=clock.pk).update(next_check_at=next_check)
            schedule_check(clock)
    return [notice for notice in sent_now if notice is not None]


def _send(
    clock: StageClock, complaint: Complaint, due: Due, now: dt.datetime, audiences: Audiences
) -> DeadlineNotice | None:
    owner = complaint.owner
    recipient_ids = audiences.recipients(
        audience=due.level.audience,
        unit_id=complaint.unit_id,
        owner_id=owner.pk if owner else None,
        owner_active=bool(owner and owner.is_active),
        restricted=complaint.processing_restricted,
    )
    try:
        with transaction.atomic():
            notice = DeadlineNotice.objects.create(
                clock=clock,
                kind=due.kind,
                level=due.level.level,
                audience=due.level.audience,
                recipients=recipient_ids,
                sent_at=now,
                told_at=now,
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
    recipients = list(User.objects.filter(pk__in=recipient_ids))
    notify_users(
        users=recipients,
        kind=NOTIFICATION_KINDS[due.kind],
        complaint=complaint,
        dedupe_key=notice_dedupe_key(clock.pk, due.kind, due.level.level),
        stage=clock.stage,
    )
    if any(user.email for user in recipients):
        enqueue_notice_email(notice.pk)
    return notice


NOTIFICATION_KINDS: dict[str, str] = {
    DeadlineNotice.Kind.NEAR_DUE: Notification.Kind.NEAR_DUE,
    DeadlineNotice.Kind.BREACHED: Notification.Kind.BREACHED,
}


def notice_dedupe_key(clock_id: int, kind: str, level: int) -> str:
    """What keeps a person from being told of one deadline notice twice."""
    return f"sla:{clock_id}:{kind}:{level}"
