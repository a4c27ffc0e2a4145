"""Reading the rollup (``analytics.rollup``) for a cohort: its totals (the KPIs) and its counts
grouped by a dimension's value, by unit or by day (the breakdowns and control charts).

A cohort is read from the rollup when it is narrowed by at most one dimension (category,
channel, priority, product) besides the unit. The rows counted are those of the units the
person sees (``complaints.selectors.visible_scope``), in the period (whole months as month
rows, the other days as day rows); then the complaints the person sees outside those units
(those they own) are added and those hidden inside them (about the person) taken out, both
counted from the register, where they are few.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.fields.json import KT, KeyTransform
from django.db.models.functions import Cast, Coalesce

from redress.analytics.cohort import NONE, Cohort, Period, category_descendant_ids
from redress.analytics.measures import memo_on
from redress.analytics.models import RollupFigures, RollupLevel, RollupStale
from redress.analytics.rollup import rollup_ready, rollup_refresh
from redress.analytics.rollup_figures import (
    PAIRS,
    Histogram,
    Place,
    Totals,
    complaint_figures,
    figures_of,
)
from redress.complaints.models import Complaint
from redress.complaints.selectors import VisibleScope, scope_corrections_any, visible_scope
from redress.core.read_memo import remembered
from redress.core.selectors import unit_descendant_ids

DAY, MONTH = RollupLevel.DAY, RollupLevel.MONTH


def _dimension(cohort: Cohort) -> tuple[str, list[str]] | None:
    """The one dimension the cohort is narrowed by and its values (None: more than one)."""
    f = cohort.filters
    chosen: list[tuple[str, list[str]]] = []
    if f.category is not None:
        values = (
            [""] if f.category == NONE else sorted(map(str, category_descendant_ids(f.category)))
        )
        chosen.append(("category", values))
    if f.channel:
        chosen.append(("channel", [f.channel]))
    if f.priority:
        chosen.append(("priority", [f.priority]))
    if f.product is not None:
        chosen.append(("product", [""] if f.product == NONE else [str(f.product)]))
    if len(chosen) > 1:
        return None
    return chosen[0] if chosen else ("total", [""])


def rollup_covers(cohort: Cohort, dimension: str = "total") -> bool:
    """Whether the cohort can be read from the rollup (grouped by ``dimension``'s values):
    narrowed by at most one dimension, that one if grouped by another, and the rollup built."""
    chosen = _dimension(cohort)
    if chosen is None or chosen[0] not in ("total", dimension) and dimension != "total":
        return False
    return rollup_ready(cohort.zone)


def _period_filter(period: Period, *, days_only: bool = False) -> Q:
    """Whole months of the period as month rows, the days before and after them as day rows
    (each an index range)."""
    first_whole = _month_start(period.first, 0 if period.first.day == 1 else 1)
    after = _month_start(period.last, 1)  # the first day after the last whole month
    if period.last != after - dt.timedelta(days=1):
        after = _month_start(period.last, 0)
    if days_only or first_whole >= after:
        return Q(level=DAY, start__gte=period.first, start__lte=period.last)
    # The whole months are consecutive: one range of month rows (a period from the register's
    # first day would otherwise list every month since).
    condition = Q(level=MONTH, start__gte=first_whole, start__lt=after)
    if period.first < first_whole:
        condition |= Q(level=DAY, start__gte=period.first, start__lt=first_whole)
    if after <= period.last:
        condition |= Q(level=DAY, start__gte=after, start__lte=period.last)
    return condition


def _month_start(day: dt.date, months_later: int) -> dt.date:
    """The first day of the month ``months_later`` months after ``day``'s."""
    month = day.month - 1 + months_later
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


@dataclass(frozen=True)
class Scope:
    """The rows to read and the corrections to make for one cohort."""

    rows: QuerySet[RollupFigures]
    seen_elsewhere: QuerySet[Complaint] | None  # added
    hidden: QuerySet[Complaint] | None  # taken out


def _scope(cohort: Cohort, dimension: str = "total", *, days_only: bool = False) -> Scope | None:
    """What to read for the cohort (None: the person sees nothing)."""
    chosen = _dimension(cohort)
    if chosen is None:
        raise ValueError("the rollup does not cover a cohort narrowed by two dimensions")
    seen = memo_on(cohort, "rollup_seen", lambda: _seen(cohort))
    if seen is None:
        return None
    units, seen_elsewhere, hidden = seen
    rows = RollupFigures.objects.filter(_period_filter(cohort.period, days_only=days_only))
    if chosen[0] != "total" or dimension == "total":
        rows = rows.filter(dimension=chosen[0], value__in=chosen[1])
    else:
        rows = rows.filter(dimension=dimension)
    if units is not None:
        rows = rows.filter(unit_id__in=units)
    return Scope(rows, seen_elsewhere, hidden)


Seen = tuple[list[int] | None, QuerySet[Complaint] | None, QuerySet[Complaint] | None]


def _seen(cohort: Cohort) -> Seen | None:
    """For every read of one cohort, once: its stale cells refreshed, the units whose rows it
    reads (None: all) and the corrections (None when there is nothing to correct)."""
    if remembered("rollup_stale_any", RollupStale.objects.exists):
        rollup_refresh(first=cohort.period.first, last=cohort.period.last, zone=cohort.zone)
    scope = visible_scope(cohort.user) if cohort.user is not None else None
    if scope is not None and scope.nothing:
        return None
    units: set[int] | None = None
    if scope is not None and not scope.everything:
        units = set(scope.units)
    if cohort.filters.unit is not None:
        subtree = unit_descendant_ids([cohort.filters.unit])
        units = subtree if units is None else units & subtree
    if scope is None or cohort.user is None:
        return (None if units is None else sorted(units)), None, None
    seen_elsewhere = hidden = None
    # The corrections start from what picks out their few complaints (the owner, the subject
    # of the complaint), so that they read an index, not the period's complaints.
    everyone = Cohort(None, cohort.period, cohort.filters, cohort.now).complaints
    ever_elsewhere, ever_hidden = scope_corrections_any(cohort.user, scope)
    if ever_elsewhere:
        found = _seen_elsewhere(scope, everyone)
        seen_elsewhere = found if found.exists() else None
    if ever_hidden:
        found = _hidden(scope, everyone, units)
        hidden = found if found.exists() else None
    return (None if units is None else sorted(units)), seen_elsewhere, hidden


# A page reads several cohorts of one person (the period, the year before, the backlog's ages);
# whether the person sees any complaint outside their units, or has any hidden inside them, is
# asked once over the whole register (an index look-up each), and per cohort only when so.


def _seen_elsewhere(scope: VisibleScope, complaints: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """The complaints the person sees outside the units of their scope (none: an empty set)."""
    if scope.everything or scope.also is None:
        return complaints.none()
    found = complaints.filter(scope.also).exclude(unit_id__in=sorted(scope.units))
    return found.exclude(scope.hidden) if scope.hidden is not None else found


def _hidden(
    scope: VisibleScope, complaints: QuerySet[Complaint], units: set[int] | None
) -> QuerySet[Complaint]:
    """The complaints hidden from the person inside ``units`` (None: every unit)."""
    if scope.hidden is None:
        return complaints.none()
    found = complaints.filter(scope.hidden)
    return found.filter(unit_id__in=sorted(units)) if units is not None else found


def _corrections(cohort: Cohort, scope: Scope) -> list[tuple[Totals, int]]:
    """The figures of the complaints the person sees outside the rows read (+1) and of those
    hidden inside them (-1), once per cohort."""

    def compute() -> list[tuple[Totals, int]]:
        found = []
        if scope.seen_elsewhere is not None:
            found.append((figures_of(scope.seen_elsewhere, cohort.zone), 1))
        if scope.hidden is not None:
            found.append((figures_of(scope.hidden, cohort.zone), -1))
        return found

    return memo_on(cohort, "rollup_corrections", compute)


def rollup_totals(cohort: Cohort) -> Totals:
    """The figures of the cohort (``rollup_covers`` must hold), its stale cells refreshed: all
    but the minutes to acknowledge (``rollup_ack_minutes``). Only their median needs them, and
    they are most of the bytes a month row holds, so they are read only when it is asked for."""

    def compute() -> Totals:
        totals = Totals()
        scope = _scope(cohort)
        if scope is None:
            return totals
        # The figures' parts it adds, not the whole: the minutes to acknowledge are most of a
        # stored row's bytes (about half of this read's time at 1M).
        parts = ("counts", "remedy", "close_days")
        stored = scope.rows.values_list(
            "level", *(KeyTransform(part, "figures") for part in parts), "close_days"
        )
        for level, *found, close in stored:
            row = {part: value for part, value in zip(parts, found, strict=True) if value}
            totals.add_stored(row, None, bytes(close), dense=level == MONTH)
        for figures, sign in _corrections(cohort, scope):
            totals.add(replace(figures, ack_minutes=Histogram()), sign)
        return totals

    return memo_on(cohort, "rollup", compute)


def rollup_ack_minutes(cohort: Cohort) -> Histogram:
    """The whole minutes to acknowledge the cohort's complaints, as a histogram."""

    def compute() -> Histogram:
        histogram = Histogram()
        scope = _scope(cohort)
        if scope is None:
            return histogram
        stored = scope.rows.values_list(
            "level", KeyTransform("ack_minutes", "figures"), "ack_minutes"
        )
        for level, figures, packed in stored:
            histogram.add_stored(figures or {}, bytes(packed), dense=level == MONTH)
        for figures, sign in _corrections(cohort, scope):
            histogram.add_histogram(figures.ack_minutes, sign)
        return histogram

    return memo_on(cohort, "rollup_ack_minutes", compute)


def _counted(key: str) -> Coalesce:
    return Coalesce(Sum(Cast(KT(f"figures__counts__{key}"), IntegerField())), 0)


def _as_key(dimension: str, value: str) -> Hashable:
    """A stored value as the register holds it (ids for categories and products; a pair for
    the pairs of dimensions)."""
    if dimension in ("category", "product"):
        return int(value) if value else None
    if dimension in PAIRS:
        first, second = dimension.split("_")
        left, right = value.split("|")
        return _as_key(first, left), _as_key(second, right)
    return value


def rollup_grouped(
    cohort: Cohort,
    dimension: str,
    by: str,
    counts: tuple[str, ...] = (),
    *,
    currency: str | None = None,
) -> dict[Hashable, Counter[str]]:
    """The counts of the cohort grouped ``by`` "value" (of ``dimension``), "unit", "month",
    "day" or "day_value" (pairs) (``rollup_covers(cohort, dimension)`` must hold); summed in
    SQL."""
    counts = ("volume", *counts)
    days_only = by in ("day", "day_value")
    scope = _scope(cohort, dimension, days_only=days_only)
    grouped: dict[Hashable, Counter[str]] = defaultdict(Counter)
    if scope is None:
        return grouped
    fields = {
        "value": ["value"],
        "unit": ["unit_id"],
        "month": ["start"],
        "day": ["start"],
        "day_value": ["start", "value"],
        "value_unit": ["value", "unit_id"],
    }[by]
    sums: dict[str, Any] = {key: _counted(key) for key in counts[1:]}
    if currency is not None:
        # The remedies' cost in ``currency``, as "money" (a Decimal).
        money = Cast(
            KT(f"figures__remedy__{currency}"), DecimalField(max_digits=20, decimal_places=2)
        )
        sums["money"] = Coalesce(Sum(money), Value(Decimal(0)))
    rows = scope.rows.values(*fields).annotate(total=Sum("volume"), **sums).order_by()
    place_key: Callable[[Place], Hashable]
    if by == "value":

        def place_key(place: Place) -> Hashable:
            return _as_key(dimension, dict(place.values)[dimension])

        def row_key(row: dict[str, object]) -> Hashable:
            return _as_key(dimension, str(row["value"]))
    elif by == "day_value":

        def place_key(place: Place) -> Hashable:
            return place.day, _as_key(dimension, dict(place.values)[dimension])

        def row_key(row: dict[str, object]) -> Hashable:
            return row["start"], _as_key(dimension, str(row["value"]))
    elif by == "value_unit":

        def place_key(place: Place) -> Hashable:
            return _as_key(dimension, dict(place.values)[dimension]), place.unit_id

        def row_key(row: dict[str, object]) -> Hashable:
            return _as_key(dimension, str(row["value"])), row["unit_id"]
    elif by == "unit":

        def place_key(place: Place) -> Hashable:
            return place.unit_id

        def row_key(row: dict[str, object]) -> Hashable:
            return row["unit_id"]
    else:
        shorten: Callable[[dt.date], dt.date] = (
            (lambda day: day) if by == "day" else (lambda day: day.replace(day=1))
        )

        def place_key(place: Place) -> Hashable:
            return shorten(place.day)

        def row_key(row: dict[str, object]) -> Hashable:
            start = row["start"]
            assert isinstance(start, dt.date)
            return shorten(start)

    for row in rows:
        target = grouped[row_key(row)]
        target["volume"] += row["total"] or 0
        for key in counts[1:]:
            target[key] += row[key] or 0
        if currency is not None:
            # Whole amounts, as remedies are recorded (``Remedy.amount``).
            target["money"] += Decimal(row["money"]).quantize(Decimal(1))  # type: ignore[assignment]
    for queryset, sign in ((scope.seen_elsewhere, 1), (scope.hidden, -1)):
        if queryset is None:
            continue
        for place, totals in complaint_figures(queryset, cohort.zone):
            target = grouped[place_key(place)]
            for key in counts:
                target[key] += sign * totals.counts[key]
            if currency is not None:
                target["money"] += sign * totals.remedy.get(currency, Decimal(0))  # type: ignore[assignment]
    # A group whose only complaints are hidden from the person is not one.
    return {key: found for key, found in grouped.items() if found["volume"]}
