"""The Vietnamese 7-working-day rule (Law 19/2023 Art. 57) for consumer negotiation requests: the
first decision communicated within 7 working days of receipt, on the unit's calendar.

A request's round-1 decision clock either carries the legal limit itself (``statutory``, with
its deadline) or the policy's own earlier target; then the legal limit is worked out, once per
calendar and day of receipt. A clock that is settled (completed, and no longer running) is
counted the same whenever it is read, so the rollup keeps it (``vn7_counted``, ``vn7_met``);
the others change with time and are read live (``clocks_judge``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from redress.complaints.models import Complaint
from redress.core.models import OrgUnit
from redress.core.read_memo import remembered
from redress.sla.calendar import WorkCalendar
from redress.sla.models import CLOCK_SETTLED, BusinessCalendar, StageClock
from redress.sla.rules import VN_NEGOTIATION_WORKING_DAYS, Stage
from redress.sla.selectors import calendar_default, work_calendar

RUNNING = StageClock.Outcome.RUNNING
MET = StageClock.Outcome.MET
# Settled: completed and no longer running (what the rollup keeps); the rest is read live.
SETTLED = CLOCK_SETTLED


def calendar_groups() -> list[tuple[WorkCalendar, list[int] | None]]:
    """Each calendar in use with the units that keep it (None: every unit, when all share it)."""
    return remembered(("calendar_groups",), _calendar_groups)


def _calendar_groups() -> list[tuple[WorkCalendar, list[int] | None]]:
    default = calendar_default()
    units: dict[int | None, list[int]] = defaultdict(list)
    for pk, calendar_id in OrgUnit.objects.values_list("pk", "calendar_id"):
        units[calendar_id or (default.pk if default else None)].append(pk)
    if len(units) <= 1:
        return [(work_calendar(default), None)]
    rows = BusinessCalendar.objects.in_bulk([pk for pk in units if pk is not None])
    return [(work_calendar(rows.get(pk) if pk else None), ids) for pk, ids in units.items()]


def decision_clocks(complaints: QuerySet[Complaint]) -> QuerySet[StageClock]:
    """The round-1 decision clocks (not cancelled) of the negotiation requests among
    ``complaints``."""
    return StageClock.objects.filter(
        complaint__in=complaints.filter(is_negotiation_request=True),
        stage=Stage.DECISION,
        round=1,
    ).exclude(outcome=StageClock.Outcome.CANCELLED)


def clock_values(clocks: QuerySet[StageClock]) -> Iterable[Mapping[str, Any]]:
    """What ``clock_judge`` reads of each clock."""
    return clocks.values(
        "complaint_id",
        "outcome",
        "statutory",
        "due_at",
        "completed_at",
        unit=F("complaint__unit_id"),
        received=F("complaint__received_at"),
    )


class LegalLimits:
    """The legal limit of a request by its unit and instant of receipt, worked out once per
    calendar and day of receipt."""

    def __init__(self) -> None:
        self.groups = calendar_groups()
        self.group_of = {
            unit: i for i, (_calendar, units) in enumerate(self.groups) for unit in units or ()
        }
        self.known: dict[tuple[int, dt.date], dt.datetime] = {}

    def limit(self, unit_id: int, received_at: dt.datetime) -> dt.datetime:
        group = self.group_of.get(unit_id, 0)
        calendar = self.groups[group][0]
        key = (group, calendar.local_date(received_at))
        if key not in self.known:
            self.known[key] = calendar.add_working_days(received_at, VN_NEGOTIATION_WORKING_DAYS)
        return self.known[key]


def clock_judge(
    clock: Mapping[str, Any], now: dt.datetime, limits: LegalLimits
) -> tuple[bool, bool]:
    """Whether the clock counts (answered, or past the limit) and whether it met the limit."""
    outcome, completed = clock["outcome"], clock["completed_at"]
    if clock["statutory"] and clock["due_at"] is not None:
        # The clock carries the legal limit: its outcome says it.
        return outcome != RUNNING or clock["due_at"] < now, outcome == MET
    if outcome == MET:
        return True, True  # the policy's earlier target was met: the law's is too
    limit = limits.limit(clock["unit"], clock["received"])
    if completed is not None:
        return True, completed <= limit
    return limit < now, False


# A clock that carries the legal limit is judged by its own deadline and outcome alone.
CARRIES_THE_LIMIT = Q(statutory=True, due_at__isnull=False)


def clocks_judge(
    clocks: QuerySet[StageClock], now: dt.datetime, limits: LegalLimits
) -> tuple[int, int]:
    """``clock_judge`` summed over ``clocks``: how many count and how many met the limit. The
    clocks that carry the limit are judged in one aggregate; only the others are read, to work
    out their limit by calendar and day of receipt."""
    judged = (
        clocks.filter(CARRIES_THE_LIMIT)
        .order_by()
        .aggregate(
            # Counted by complaint (every clock has one), which the index holds, unlike its id.
            counted=Count("complaint", filter=~Q(outcome=RUNNING) | Q(due_at__lt=now)),
            met=Count("complaint", filter=Q(outcome=MET)),
        )
    )
    counted, met = judged["counted"], judged["met"]
    for clock in clock_values(clocks.exclude(CARRIES_THE_LIMIT).order_by()):
        one_counted, one_met = clock_judge(clock, now, limits)
        counted += one_counted
        met += one_met
    return counted, met
