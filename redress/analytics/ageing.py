"""Measures that need the working-day calendar: the age of the open complaints and the
Vietnamese 7-working-day rule.

Both are answered in SQL: the calendar is turned into instants first (the start of the
working day that makes a complaint 8 or 31 working days old, on each unit's calendar), so the
database compares timestamps and never walks a calendar per complaint.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import cast

from django.db.models import Count, Q

from redress.analytics.cohort import Cohort, Period
from redress.analytics.measures import memo_on
from redress.analytics.negotiation import (
    LegalLimits,
    calendar_groups,
    clocks_judge,
)
from redress.analytics.rollup_read import rollup_covers, rollup_grouped, rollup_totals
from redress.complaints.models import Status
from redress.sla.calendar import WorkCalendar

# The backlog counts every open complaint, whenever received: from the first day the rollup could
# hold to ten years after now (a clock set wrong must not hide a complaint).
EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_AHEAD = dt.timedelta(days=3660)
# Backlog buckets by working-day age: (code, oldest age in the bucket); the last has no end.
AGE_BUCKETS = (("0_7", 7), ("8_30", 30), ("over_30", None))


def working_days_begun(calendar: WorkCalendar, now: dt.datetime, count: int) -> list[dt.date]:
    """The ``count`` most recent working days that have begun by ``now``, latest first."""
    day = calendar.local_date(now)
    found: list[dt.date] = []
    while len(found) < count:
        if calendar.is_working_day(day) and calendar.midnight(day) < now:
            found.append(day)
        day -= dt.timedelta(days=1)
    return found


def age_cutoff(calendar: WorkCalendar, now: dt.datetime, age: int) -> dt.datetime:
    """The earliest receipt instant of a complaint at most ``age`` working days old at ``now``.

    A complaint's age is the number of working days begun after the day it was received
    (``WorkCalendar.working_days_between``); it is at most ``age`` exactly when it was received
    on or after the (age + 1)-th most recent working day.
    """
    return calendar.midnight(working_days_begun(calendar, now, age + 1)[-1])


def age_condition(now: dt.datetime, *, younger_than: int) -> Q:
    """Complaints received at most ``younger_than`` working days before ``now``."""
    condition = Q(pk__in=[])
    for calendar, unit_ids in calendar_groups():
        part = Q(received_at__gte=age_cutoff(calendar, now, younger_than))
        if unit_ids is not None:
            part &= Q(unit_id__in=unit_ids)
        condition |= part
    return condition


def backlog(cohort: Cohort) -> dict[str, int]:
    """Open complaints now (whenever received, within the filters) by working-day age."""

    def compute() -> dict[str, int]:
        rolled = _backlog_rolled(cohort)
        if rolled is not None:
            return rolled
        young = age_condition(cohort.now, younger_than=7)
        middle = age_condition(cohort.now, younger_than=30)
        return cohort.visible.exclude(status=Status.CLOSED).aggregate(
            b0_7=Count("pk", filter=young),
            b8_30=Count("pk", filter=middle & ~young),
            bover_30=Count("pk", filter=~middle),
        )

    return {key[1:]: value for key, value in memo_on(cohort, "backlog", compute).items()}


def _rolled_limits(cohort: Cohort) -> tuple[dt.date, dt.date, Period, Period] | None:
    """When one calendar in the organisation's zone sets every age (its cut-offs are then
    midnights of the rollup's days): the first day of the 0–7 and of the 8–30 bucket, and the
    periods of the open complaints up to 30 working days old and older; None otherwise."""
    groups = calendar_groups()
    if len(groups) != 1 or groups[0][0].time_zone != str(cohort.zone):
        return None
    calendar = groups[0][0]
    young, middle = (calendar.local_date(age_cutoff(calendar, cohort.now, age)) for age in (7, 30))
    today = cohort.now.astimezone(cohort.zone).date()
    recent = Period(middle, today + LATEST_AHEAD)
    older = Period(EARLIEST_DAY, middle - dt.timedelta(days=1))
    return young, middle, recent, older


def _backlog_rolled(cohort: Cohort) -> dict[str, int] | None:
    """The backlog from the rollup's open counts by day of receipt (``_rolled_limits``); the
    sum of the backlog by priority when that is read (every complaint has one priority), so
    that a dashboard showing both reads the rows once."""
    by_priority = backlog_by_priority(cohort)
    if by_priority is not None:
        return {
            f"b{bucket}": sum(ages[bucket] for ages in by_priority.values())
            for bucket in ("0_7", "8_30", "over_30")
        }
    limits = _rolled_limits(cohort)
    if limits is None or not rollup_covers(cohort):
        return None
    young, _middle, recent, older = limits
    found = {"b0_7": 0, "b8_30": 0, "bover_30": 0}
    days = rollup_grouped(cohort.with_period(recent), "total", "day", ("open",))
    for day, counts in days.items():
        assert isinstance(day, dt.date)
        found["b0_7" if day >= young else "b8_30"] += counts["open"]
    units = rollup_grouped(cohort.with_period(older), "total", "unit", ("open",))
    found["bover_30"] = sum(counts["open"] for counts in units.values())
    return found


def backlog_by_priority(cohort: Cohort) -> dict[str, dict[str, int]] | None:
    """Open complaints now by priority and working-day age bucket ("0_7", "8_30", "over_30"),
    from the rollup (``_rolled_limits``); None when it cannot say."""
    return memo_on(cohort, "backlog_by_priority", lambda: _by_priority(cohort))


def _by_priority(cohort: Cohort) -> dict[str, dict[str, int]] | None:
    limits = _rolled_limits(cohort)
    if limits is None or not rollup_covers(cohort, "priority"):
        return None
    young, _middle, recent, older = limits
    found: dict[str, dict[str, int]] = defaultdict(lambda: {"0_7": 0, "8_30": 0, "over_30": 0})
    pairs = rollup_grouped(cohort.with_period(recent), "priority", "day_value", ("open",))
    for pair, counts in pairs.items():
        day, priority = cast(tuple[dt.date, str], pair)
        found[priority]["0_7" if day >= young else "8_30"] += counts["open"]
    values = rollup_grouped(cohort.with_period(older), "priority", "value", ("open",))
    for value, counts in values.items():
        found[str(value)]["over_30"] += counts["open"]
    return dict(found)


def vn7_compliance(cohort: Cohort) -> dict[str, int]:
    """Consumer negotiation requests (Law 19/2023 Art. 57) of the cohort whose first decision
    was communicated within 7 working days of receipt, over those answered or past the limit
    (``analytics.negotiation``): the settled clocks from the rollup when it covers the cohort,
    the others judged now."""

    def compute() -> dict[str, int]:
        found = {"counted": 0, "met": 0}
        complaints = cohort.complaints
        waiting = rollup_covers(cohort)
        if waiting:
            totals = rollup_totals(cohort)
            found["counted"] = totals.counts["vn7_counted"]
            found["met"] = totals.counts["vn7_met"]
            # Completed or not running is settled; the rest are the requests still waiting, found
            # through the index of those (complaint_negotiation_owed): a first decision
            # clock runs only until the decision is communicated, and withdrawing, refusing or
            # merging a complaint cancels it (sla.hooks), so no other complaint has one.
            complaints = complaints.filter(decision_communicated_at__isnull=True).exclude(
                status__in=[Status.CLOSED, Status.WITHDRAWN, Status.NOT_ACCEPTED]
            )
        counted, met = clocks_judge(complaints, cohort.now, LegalLimits(), waiting=waiting)
        found["counted"] += counted
        found["met"] += met
        return found

    return memo_on(cohort, "vn7", compute)
