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

from django.db.models import Count, F, FilteredRelation, Q, QuerySet

from redress.complaints.models import Complaint
from redress.core.memo import memo
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
    """Each calendar in use with the units that keep it (None: every unit, when all share it);
    kept for a few seconds per process, as the deadline engine keeps each unit's calendar
    (``redress.core.memo``), and read once per request."""
    return remembered(("calendar_groups",), _calendar_groups)


@memo
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

    def _on(self, group: int, day: dt.date) -> dt.datetime:
        """The limit of a request received on ``day`` (local) under the group's calendar: it
        depends on the day of receipt alone (the Civil Code never counts that day)."""
        key = (group, day)
        if key not in self.known:
            calendar = self.groups[group][0]
            self.known[key] = calendar.add_working_days(
                calendar.midnight(day), VN_NEGOTIATION_WORKING_DAYS
            )
        return self.known[key]

    def limit(self, unit_id: int, received_at: dt.datetime) -> dt.datetime:
        group = self.group_of.get(unit_id, 0)
        return self._on(group, self.groups[group][0].local_date(received_at))

    def passed(self, now: dt.datetime) -> Q:
        """The requests (a condition on the complaints) whose legal limit had passed by
        ``now``: those received before a cut-off per calendar. The limit never comes earlier
        for a later day of receipt, so the cut-off is the start of the first day of receipt
        whose limit has not yet passed, found by walking back from today (a few weeks at most,
        since the limit is 7 working days after receipt)."""
        condition = Q(pk__in=[])
        others: list[int] = []
        for group, (calendar, units) in reversed(list(enumerate(self.groups))):
            day = calendar.local_date(now)
            while self._on(group, day - dt.timedelta(days=1)) >= now:
                day -= dt.timedelta(days=1)
            part = Q(received_at__lt=calendar.midnight(day))
            if group:
                part &= Q(unit_id__in=units or [])
                others.extend(units or [])
            elif others:
                # The first calendar also serves a unit no other calendar names (as ``limit``).
                part &= ~Q(unit_id__in=others)
            condition |= part
        return condition


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
    complaints: QuerySet[Complaint], now: dt.datetime, limits: LegalLimits, *, waiting: bool
) -> tuple[int, int]:
    """``clock_judge`` summed over the round-1 decision clocks (not cancelled) of the
    negotiation requests among ``complaints`` (only those not settled when ``waiting``), in one
    aggregate: how many count and how many met the limit.

    A clock that does not carry the limit and is still running is past it when its request was
    received before the cut-off (``LegalLimits.passed``), a condition on the complaint, which
    is why the clocks are joined to the complaints they belong to rather than the other way
    round (the request's receipt then comes from the complaints' index, not their rows). Only a
    clock completed against the policy's target without meeting it (seldom unsettled) is read,
    to compare its completion with its limit."""
    # Said without negations, which a join's columns would turn into "… or is null" and so
    # keep the clocks' partial index (sla_first_decision_open) from serving the join.
    condition = Q(
        sla_clocks__stage=Stage.DECISION,
        sla_clocks__round=1,
        sla_clocks__outcome__in=[RUNNING, MET, StageClock.Outcome.BREACHED],
    )
    if waiting:
        condition &= Q(sla_clocks__completed_at__isnull=True) | Q(sla_clocks__outcome=RUNNING)
    requests = (
        complaints.filter(is_negotiation_request=True)
        .annotate(clock=FilteredRelation("sla_clocks", condition=condition))
        .filter(clock__complaint__isnull=False)
    )
    carries = Q(clock__statutory=True, clock__due_at__isnull=False)
    own = ~carries & ~Q(clock__outcome=MET)
    judged = requests.order_by().aggregate(
        counted=Count(
            "clock__complaint",
            filter=(carries & (~Q(clock__outcome=RUNNING) | Q(clock__due_at__lt=now)))
            | (~carries & Q(clock__outcome=MET))
            | (own & Q(clock__completed_at__isnull=True) & limits.passed(now)),
        ),
        met=Count("clock__complaint", filter=Q(clock__outcome=MET)),
        completed=Count("clock__complaint", filter=own & Q(clock__completed_at__isnull=False)),
    )
    counted, met = judged["counted"], judged["met"]
    if judged["completed"]:
        clocks = decision_clocks(complaints).filter(
            ~CARRIES_THE_LIMIT, ~Q(outcome=MET), completed_at__isnull=False
        )
        if waiting:
            clocks = clocks.exclude(SETTLED)
        for clock in clock_values(clocks.order_by()):
            one_counted, one_met = clock_judge(clock, now, limits)
            counted += one_counted
            met += one_met
    return counted, met
