"""How a target becomes a deadline, and how pauses move it. Pure: no database, no clock.

Stages, units and the statutory rules live here so that the services, the admin and the tests
share one definition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from redress.sla.calendar import WorkCalendar

# Law 19/2023/QH15 Art. 57: a consumer's negotiation request must be received and negotiated
# within 07 working days of receipt. No policy may give more time (REQ-VN-1).
VN_NEGOTIATION_WORKING_DAYS = 7


class Stage(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("Acknowledgement")
    ASSESS = "assess", _("Initial assessment")
    DECISION = "decision", _("Decision communicated")
    CLOSE = "close", _("Closure")
    # ISO 10002 7.9: a rejected decision goes to an internal review, which owes a new decision.
    REVIEW = "review", _("Internal review")


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    WORKING_HOURS = "working_hours", _("working hours")
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    HOURS = "hours", _("hours (clock time)")


WORKING_UNITS = frozenset({TimeUnit.WORKING_DAYS, TimeUnit.WORKING_HOURS})
DAY_UNITS = frozenset({TimeUnit.WORKING_DAYS, TimeUnit.CALENDAR_DAYS})

# The complaint field that holds each stage's deadline, and the time the stage was done.
DUE_FIELDS = {
    Stage.ACKNOWLEDGE: "acknowledge_due_at",
    Stage.ASSESS: "assess_due_at",
    Stage.DECISION: "decision_due_at",
    Stage.CLOSE: "close_due_at",
    Stage.REVIEW: "review_due_at",
}

# The stages timed from receipt. The review is timed only when one starts (the complaint enters
# internal review), from that moment; neither Law 19/2023 nor ISO 10002 sets a limit for it, so
# its target is the policy's alone.
RECEIPT_STAGES = (Stage.ACKNOWLEDGE, Stage.ASSESS, Stage.DECISION, Stage.CLOSE)
# Stages whose deadline the complaint carries only while their clock runs: a review may happen
# any number of times, or never, so a finished review's deadline must not look like a running
# one (the queues read the complaint's field). Its outcome stays on the stage clock.
RUNNING_ONLY_STAGES = frozenset({Stage.REVIEW})

Pause = tuple[dt.datetime, dt.datetime | None]


@dataclass(frozen=True)
class Target:
    amount: int
    unit: str

    def __str__(self) -> str:
        n = self.amount
        counted = {
            TimeUnit.WORKING_DAYS: ngettext("%(count)s working day", "%(count)s working days", n),
            TimeUnit.WORKING_HOURS: ngettext(
                "%(count)s working hour", "%(count)s working hours", n
            ),
            TimeUnit.CALENDAR_DAYS: ngettext(
                "%(count)s calendar day", "%(count)s calendar days", n
            ),
            TimeUnit.HOURS: ngettext(
                "%(count)s hour (clock time)", "%(count)s hours (clock time)", n
            ),
        }
        return counted[TimeUnit(self.unit)] % {"count": n}


def due_after(calendar: WorkCalendar, start: dt.datetime, target: Target) -> dt.datetime:
    """The deadline of ``target`` counted from ``start`` (see calendar.py for each unit's rule)."""
    match target.unit:
        case TimeUnit.WORKING_DAYS:
            return calendar.add_working_days(start, target.amount)
        case TimeUnit.WORKING_HOURS:
            return calendar.add_working_time(start, dt.timedelta(hours=target.amount))
        case TimeUnit.CALENDAR_DAYS:
            return calendar.add_calendar_days(start, target.amount)
        case TimeUnit.HOURS:
            return start.astimezone(dt.UTC) + dt.timedelta(hours=target.amount)
    raise ValueError(f"unknown time unit {target.unit!r}")


def measure(
    calendar: WorkCalendar, unit: str, start: dt.datetime, end: dt.datetime
) -> dt.timedelta:
    """Time between two instants as the unit counts it: working time for working units,
    clock time otherwise (never negative)."""
    if unit in WORKING_UNITS:
        return calendar.working_time_between(start, end)
    return max(end - start, dt.timedelta(0))


def advance(
    calendar: WorkCalendar, unit: str, start: dt.datetime, amount: dt.timedelta
) -> dt.datetime:
    if unit in WORKING_UNITS:
        return calendar.add_working_time(start, amount)
    return start.astimezone(dt.UTC) + amount


def extend_for_pauses(
    calendar: WorkCalendar, unit: str, due: dt.datetime, pauses: Sequence[Pause]
) -> dt.datetime:
    """Move ``due`` later by the time the clock was stopped.

    Only a pause that began before the (moving) deadline counts: once a deadline has passed,
    pausing gives no time back. A pause still running adds nothing yet (the clock is stopped;
    the deadline moves when it ends). A deadline in days then ends at 24:00 of its day, and for
    calendar days is carried past a day off (Art. 148), so that it stays a whole day.
    """
    for start, end in sorted(pauses, key=lambda p: p[0]):
        if end is None or start >= due:
            continue
        lost = measure(calendar, unit, start, end)
        if not lost:
            continue
        due = advance(calendar, unit, due, lost)
        if unit in DAY_UNITS:
            due = calendar.end_of_day(due)
            if unit == TimeUnit.CALENDAR_DAYS:
                last_day = calendar.local_date(due - dt.timedelta(microseconds=1))
                if not calendar.is_working_day(last_day):
                    due = calendar.midnight(
                        calendar.next_working_day(last_day) + dt.timedelta(days=1)
                    )
    return due


def paused_within(
    calendar: WorkCalendar, unit: str, start: dt.datetime, end: dt.datetime, pauses: Sequence[Pause]
) -> dt.timedelta:
    """How much of [start, end] the clock was stopped (a running pause counts up to ``end``)."""
    total = dt.timedelta(0)
    for pause_start, pause_end in pauses:
        lo, hi = max(pause_start, start), min(pause_end or end, end)
        if hi > lo:
            total += measure(calendar, unit, lo, hi)
    return total


def running_instant(
    calendar: WorkCalendar,
    unit: str,
    start: dt.datetime,
    amount: dt.timedelta,
    pauses: Sequence[Pause],
) -> dt.datetime | None:
    """When a clock started at ``start`` and stopped during ``pauses`` shows ``amount``; None
    while it is stopped by a pause that has not ended before then."""
    cursor, remaining = start.astimezone(dt.UTC), amount
    for pause_start, pause_end in sorted(pauses, key=lambda p: p[0]):
        if pause_end is not None and pause_end <= cursor:
            continue
        candidate = advance(calendar, unit, cursor, remaining)
        if candidate <= pause_start:
            return candidate
        remaining -= measure(calendar, unit, cursor, pause_start)
        if pause_end is None:
            return None
        cursor = max(cursor, pause_end)
    return advance(calendar, unit, cursor, remaining)


def near_due(
    calendar: WorkCalendar,
    unit: str,
    start: dt.datetime,
    due: dt.datetime,
    percent: int,
    pauses: Sequence[Pause],
) -> dt.datetime | None:
    """The instant ``percent`` of the running time to ``due`` has been used."""
    budget = measure(calendar, unit, start, due) - paused_within(calendar, unit, start, due, pauses)
    if budget <= dt.timedelta(0):
        return due
    return running_instant(calendar, unit, start, budget * percent / 100, pauses)
