"""The rollup: the register's figures kept per day (and month) and unit, so that a year of
figures reads a few hundred rows instead of the year's complaints (bench/analytics.md).

- **What it keeps** (``RollupFigures``): for each day and unit, in total and for each value of
  each dimension, what ``rollup_figures.complaint_figures`` gives for the complaints received
  then and there; and the same summed per month, so that whole months are read as one row.
- **Kept current**: every lifecycle action marks its complaint's day and unit stale
  (``rollup_mark``, an insert that never waits for another action); ``rollup_refresh``
  rewrites the stale cells, under a lock per month and unit. The worker refreshes every few
  seconds, and a reader refreshes the stale cells of its period first, so a figure is never
  older than the last action. Bulk loads (seed, import) call ``rollup_rebuild``.
- **Read** (``rollup_totals``) for a cohort narrowed by at most one dimension, starting from
  the units the person sees (``complaints.selectors.visible_scope``) and correcting for the few
  complaints seen outside them (owned) or hidden inside them (about the person looking).
  Anything else is computed directly from the register (``measures``), which stays the
  definition: a test compares the two on random registers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from redress.analytics.cohort import (
    Period,
    organisation_zone,
)
from redress.analytics.models import (
    ComplaintRepeat,
    RollupFigures,
    RollupLevel,
    RollupLock,
    RollupStale,
    RollupState,
)
from redress.analytics.repeats import repeat_links_rebuild
from redress.analytics.rollup_build import rollup_rows
from redress.analytics.rollup_figures import Totals, complaint_figures
from redress.complaints.models import Complaint
from redress.core.bulk import bulk_insert, statistics_refresh
from redress.core.read_memo import remembered
from redress.core.writes import insert

DAY, MONTH = RollupLevel.DAY, RollupLevel.MONTH
Cells = dict[tuple[dt.date, int, str, str], Totals]


def _zone() -> ZoneInfo:
    return organisation_zone()


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _day_bounds(first: dt.date, last: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    return Period(first, last).bounds(zone)


# ---------------------------------------------------------------------------------------------
# Marking and refreshing


def rollup_mark(complaint: Complaint, *, unit_ids: Iterable[int | None] = ()) -> None:
    """Mark the complaint's day and unit (and any unit it has just left) stale."""
    day = complaint.received_at.astimezone(_zone()).date()
    units = sorted({unit for unit in (complaint.unit_id, *unit_ids) if unit is not None})
    # Nobody reads a mark back in the action's transaction: sent with its combined write.
    insert(RollupStale, [{"day": day, "unit_id": unit} for unit in units], later=True)


def rollup_mark_received(received: Iterable[tuple[dt.datetime, int]]) -> None:
    """Mark stale the days and units of complaints written in bulk: (received at, unit id)."""
    zone = _zone()
    cells = {(at.astimezone(zone).date(), unit_id) for at, unit_id in received}
    RollupStale.objects.bulk_create(
        [RollupStale(day=day, unit_id=unit_id) for day, unit_id in sorted(cells)], batch_size=2000
    )


def _cells_of(queryset: Any, zone: ZoneInfo) -> Cells:
    cells: Cells = defaultdict(Totals)
    for place, totals in complaint_figures(queryset, zone):
        for dimension, value in place.values:
            cells[place.day, place.unit_id, dimension, value].add(totals)
    return cells


def _rows(level: str, cells: Cells) -> list[RollupFigures]:
    rows = []
    for (start, unit_id, dimension, value), totals in cells.items():
        if not totals.counts["volume"]:
            continue
        figures, ack_minutes, close_days = totals.stored(dense=level == MONTH)
        rows.append(
            RollupFigures(
                level=level,
                start=start,
                unit_id=unit_id,
                dimension=dimension,
                value=value,
                volume=totals.counts["volume"],
                figures=figures,
                ack_minutes=ack_minutes,
                close_days=close_days,
            )
        )
    return rows


def _months_rewrite(months: Iterable[dt.date], unit_ids: Iterable[int] | None) -> None:
    """Rewrite the month rows of these months (and units) from their day rows."""
    for month in sorted(set(months)):
        following = (month + dt.timedelta(days=32)).replace(day=1)
        days = RollupFigures.objects.filter(level=DAY, start__gte=month, start__lt=following)
        months_rows = RollupFigures.objects.filter(level=MONTH, start=month)
        if unit_ids is not None:
            days = days.filter(unit_id__in=list(unit_ids))
            months_rows = months_rows.filter(unit_id__in=list(unit_ids))
        cells: Cells = defaultdict(Totals)
        for unit_id, dimension, value, figures, ack, close in days.values_list(
            "unit_id", "dimension", "value", "figures", "ack_minutes", "close_days"
        ).iterator(chunk_size=5000):
            cells[month, unit_id, dimension, value].add_stored(
                figures, bytes(ack), bytes(close), dense=False
            )
        months_rows.delete()
        RollupFigures.objects.bulk_create(_rows(MONTH, cells), batch_size=2000)


def _cell_refresh(month: dt.date, unit_id: int, zone: ZoneInfo) -> None:
    """Rewrite the stale days of one month and unit, then the month (one transaction)."""
    with transaction.atomic():
        lock, _created = RollupLock.objects.get_or_create(month=month, unit_id=unit_id)
        RollupLock.objects.select_for_update().filter(pk=lock.pk).first()
        following = (month + dt.timedelta(days=32)).replace(day=1)
        stale = RollupStale.objects.filter(unit_id=unit_id, day__gte=month, day__lt=following)
        # Read before the complaints: a mark made after this read stays for the next refresh.
        marks = list(stale.values_list("pk", "day"))
        if not marks:
            return
        for day in sorted({day for _pk, day in marks}):
            start, end = _day_bounds(day, day, zone)
            complaints = Complaint.objects.filter(
                unit_id=unit_id, received_at__gte=start, received_at__lt=end
            )
            RollupFigures.objects.filter(level=DAY, start=day, unit_id=unit_id).delete()
            RollupFigures.objects.bulk_create(_rows(DAY, _cells_of(complaints, zone)))
        _months_rewrite([month], [unit_id])
        RollupStale.objects.filter(pk__in=[pk for pk, _day in marks]).delete()


def rollup_refresh(
    *, first: dt.date | None = None, last: dt.date | None = None, zone: ZoneInfo | None = None
) -> int:
    """Rewrite the figures of the stale cells (those of the days ``first``..``last``, or all);
    the number of month-and-unit cells rewritten. The worker runs it every few seconds."""
    stale = RollupStale.objects.all()
    if first is not None and last is not None:
        stale = stale.filter(day__gte=first, day__lte=last)
    cells = {(_month(day), unit_id) for day, unit_id in stale.values_list("day", "unit_id")}
    zone = zone or _zone()
    for month, unit_id in sorted(cells):
        _cell_refresh(month, unit_id, zone)
    return len(cells)


def rollup_rebuild(*, first: dt.date | None = None, last: dt.date | None = None) -> int:
    """Build the figures of the months of the days ``first``..``last`` (default: every day of
    the register) from the complaints, month by month, column by column
    (``rollup_build.rollup_rows``); the number of complaints read. After a bulk load, and when
    the organisation's time zone changed."""
    zone = _zone()
    received = Complaint.objects.order_by("received_at").values_list("received_at", flat=True)
    if first is None or last is None:
        earliest, latest = received.first(), received.reverse().first()
        whole = True
        if earliest is None or latest is None:
            first = last = timezone.localdate()
        else:
            first, last = earliest.astimezone(zone).date(), latest.astimezone(zone).date()
    else:
        whole = False
    read = 0
    with transaction.atomic():
        if whole:
            RollupFigures.objects.all().delete()
            RollupStale.objects.all().delete()
        month = _month(first)
        while month <= last:
            following = (month + dt.timedelta(days=32)).replace(day=1)
            start, end = _day_bounds(month, following - dt.timedelta(days=1), zone)
            complaints = Complaint.objects.filter(received_at__gte=start, received_at__lt=end)
            rows = list(rollup_rows(complaints, zone))
            read += sum(
                row["volume"] for row in rows if row["dimension"] == "total" and row["level"] == DAY
            )
            if not whole:
                RollupFigures.objects.filter(start__gte=month, start__lt=following).delete()
            RollupStale.objects.filter(day__gte=month, day__lt=following).delete()
            bulk_insert(RollupFigures, rows)
            month = following
        if whole:
            # Who complained when, for repeat complainants: rewritten with the rest.
            repeat_links_rebuild()
        statistics_refresh([RollupFigures, ComplaintRepeat], rows=read)
        if whole:
            RollupState.objects.all().delete()
            RollupState.objects.create(built_at=timezone.now(), zone=str(zone))
    return read


def rollup_refresh_job() -> None:
    """The worker's periodic job: build the rollup if it was never built (or the time zone
    changed), else refresh the stale cells."""
    if not rollup_ready():
        rollup_rebuild()
    else:
        rollup_refresh()


# ---------------------------------------------------------------------------------------------
# Reading


def rollup_ready(zone: ZoneInfo | None = None) -> bool:
    """Whether the rollup was built, in the organisation's time zone of now."""
    state = remembered(("rollup_state",), RollupState.objects.order_by("-built_at").first)
    return state is not None and state.zone == str(zone or _zone())
