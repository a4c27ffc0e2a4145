"""The rollup's rows for many complaints at once, column by column (``rollup.rollup_rebuild``).

``rollup_figures.complaint_figures`` gives one complaint's figures as a ``Totals`` (a Counter
and two histograms), and the refresh of a few stale days adds them up cell by cell. For a whole
register that is about 80 % of a seed's rollup time (bench/analytics.md, "Rebuild"): here the
same query's rows and the same related figures become plain columns, and every cell of a month
(each day and the month itself, in total and per value of each dimension) is summed with numpy
by sorting the complaints on their cell. The rows written are the ones the refresh writes
(``test_rollup.test_a_rebuild_writes_what_the_refreshes_wrote``): the same conditions, the same
stored form of the counts, histograms and remedy costs.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from django.db.models import BooleanField, ExpressionWrapper, QuerySet

from redress.analytics.drill import outcome_annotation
from redress.analytics.measures import (
    ack_minutes,
    complaint_conditions,
    first_contact_condition,
    settled_names,
)
from redress.analytics.models import RollupLevel
from redress.analytics.rollup_figures import histogram_stored, related_rows
from redress.complaints.models import Complaint

DAY, MONTH = RollupLevel.DAY, RollupLevel.MONTH
Array = np.ndarray[Any, Any]

# The dimensions of a place (``rollup_figures.complaint_figures``), in the same order.
DIMENSION_NAMES = (
    "total",
    "category",
    "channel",
    "priority",
    "product",
    "channel_priority",
    "category_outcome",
)
SATISFACTION_KEYS = (
    "answers",
    "overall_sum",
    "top2",
    *(
        f"{name}_{part}"
        for name in ("fairness", "clarity", "speed", "courtesy")
        for part in ("sum", "count")
    ),
)


class Columns:
    """One column per stored count, one row per complaint."""

    def __init__(self, count_keys: Sequence[str], size: int) -> None:
        self.keys = list(count_keys)
        self.index = {key: i for i, key in enumerate(self.keys)}
        self.counts = np.zeros((size, len(self.keys)), dtype=np.int64)


def _flags() -> dict[str, ExpressionWrapper]:
    conditions = complaint_conditions(dt.datetime.now(tz=dt.UTC))
    flags = {
        f"meets_{name}": ExpressionWrapper(conditions[name], output_field=BooleanField())
        for name in settled_names()
        if name != "volume"
    }
    flags["meets_first_contact"] = ExpressionWrapper(
        first_contact_condition(), output_field=BooleanField()
    )
    return flags


def _run_lengths(group: Array, value: Array) -> tuple[Array, Array, Array]:
    """Each distinct (group, value) pair in order, with how many times it occurs."""
    if not len(group):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    order = np.lexsort((value, group))
    group, value = group[order], value[order]
    starts = np.flatnonzero(
        np.concatenate([[True], (group[1:] != group[:-1]) | (value[1:] != value[:-1])])
    )
    counts = np.diff(np.concatenate([starts, [len(group)]]))
    return group[starts], value[starts], counts


class Histograms:
    """The histogram of each group: (group, value, count) in order of group, then value."""

    def __init__(self, group: Array, value: Array, groups: int) -> None:
        self.group, self.value, self.count = _run_lengths(group, value)
        self.bounds = np.searchsorted(self.group, np.arange(groups + 1))

    def of(self, group: int) -> tuple[Array, Array]:
        start, end = self.bounds[group], self.bounds[group + 1]
        return self.value[start:end], self.count[start:end]


def rollup_rows(queryset: QuerySet[Complaint], zone: ZoneInfo) -> Iterator[dict[str, Any]]:
    """The day rows and month rows (``RollupFigures`` fields) of the complaints of
    ``queryset``, which must be whole months of the organisation's days."""
    flags = _flags()
    fields = (
        "pk",
        "outcome",
        "received_at",
        "acknowledged_at",
        "unit_id",
        "category_id",
        "channel",
        "priority",
        "product_id",
        *flags,
    )
    rows = list(
        queryset.annotate(**flags, outcome=outcome_annotation()).order_by("pk").values_list(*fields)
    )
    if not rows:
        return
    size = len(rows)
    names = [name.removeprefix("meets_") for name in flags]
    related = related_rows(queryset)
    currencies = sorted({currency for _pk, currency, _total in related.remedies})
    columns = Columns(
        [
            "volume",
            *names,
            "ack_count",
            "decisions_communicated",
            "decisions_in_favour",
            "decisions_accepted",
            *(f"satisfaction_{key}" for key in SATISFACTION_KEYS),
            "close_count",
            "close_total",
            "vn7_counted",
            "vn7_met",
            "review_counted",
            "review_met",
            *(f"remedied:{currency}" for currency in currencies),
        ],
        size,
    )
    (pks, outcomes, received, acknowledged, units, categories, channels, priorities, products) = (
        list(column) for column in zip(*(row[:9] for row in rows), strict=True)
    )
    pk_array = np.array(pks, dtype=np.int64)
    counts = columns.counts
    counts[:, 0] = 1
    flag_matrix = np.array([row[9:] for row in rows], dtype=bool).reshape(size, len(flags))
    counts[:, 1 : 1 + len(flags)] = flag_matrix
    acked = [i for i, when in enumerate(acknowledged) if when is not None]
    counts[acked, columns.index["ack_count"]] = 1
    ack_rows = np.array(acked, dtype=np.int64)
    ack_values = np.array(
        [ack_minutes(received[i], acknowledged[i]) for i in acked], dtype=np.int64
    )
    days = np.array([at.astimezone(zone).date().toordinal() for at in received], dtype=np.int64)
    del rows

    def place(ids: Sequence[int], *columns: Sequence[Any]) -> tuple[Array, ...]:
        """The rows of these complaints, and the columns given for them; a complaint received
        after the complaints were read (not among them) is left out."""
        wanted = np.array(ids, dtype=np.int64)
        rows = np.minimum(np.searchsorted(pk_array, wanted), size - 1)
        known = pk_array[rows] == wanted
        return rows[known], *(np.array(column, dtype=object)[known] for column in columns)

    for key, (key_ids, key_values) in related.counts.items():
        found, found_values = place(key_ids, key_values)
        np.add.at(counts[:, columns.index[key]], found, found_values.astype(np.int64))
    close_rows, close_found = place(*related.close_days)
    close_values = close_found.astype(np.int64)
    np.add.at(counts[:, columns.index["close_count"]], close_rows, 1)
    np.add.at(counts[:, columns.index["close_total"]], close_rows, close_values)
    remedies: list[tuple[int, str, Decimal]] = []
    if related.remedies:
        remedy_ids, currencies_of, totals = zip(*related.remedies, strict=True)
        remedy_rows, found_currencies, found_totals = place(remedy_ids, currencies_of, totals)
        for row, currency, total in zip(remedy_rows, found_currencies, found_totals, strict=True):
            counts[row, columns.index[f"remedied:{currency}"]] = 1
            remedies.append((int(row), str(currency), total))
    values = {
        "total": [""] * size,
        "category": [str(c or "") for c in categories],
        "channel": channels,
        "priority": priorities,
        "product": [str(p or "") for p in products],
        "channel_priority": [f"{c}|{p}" for c, p in zip(channels, priorities, strict=True)],
        "category_outcome": [f"{c or ''}|{o}" for c, o in zip(categories, outcomes, strict=True)],
    }
    unit_codes, unit_index = np.unique(np.array(units, dtype=np.int64), return_inverse=True)
    # The month of each distinct day, computed once per day.
    month_of = {
        int(day): dt.date.fromordinal(int(day)).replace(day=1).toordinal()
        for day in np.unique(days)
    }
    months = np.array([month_of[int(day)] for day in days], dtype=np.int64)
    for level, starts in ((DAY, days), (MONTH, months)):
        for dimension in DIMENSION_NAMES:
            yield from _level_rows(
                level,
                dimension,
                starts,
                unit_codes,
                unit_index,
                values[dimension],
                columns,
                (ack_rows, ack_values),
                (close_rows, close_values),
                remedies,
            )


def _level_rows(
    level: str,
    dimension: str,
    starts: Array,
    unit_codes: Array,
    unit_index: Array,
    values: list[str],
    columns: Columns,
    ack: tuple[Array, Array],
    close: tuple[Array, Array],
    remedies: list[tuple[int, str, Decimal]],
) -> Iterator[dict[str, Any]]:
    """The rows of one level and one dimension: one per (start, unit, value) that occurs."""
    names, value_index = np.unique(np.array(values, dtype=object), return_inverse=True)
    base = int(starts.min())
    key = ((starts - base) * len(unit_codes) + unit_index) * len(names) + value_index
    keys, group = np.unique(key, return_inverse=True)
    order = np.argsort(group, kind="stable")
    bounds = np.flatnonzero(np.concatenate([[True], np.diff(group[order]) != 0]))
    sums = np.add.reduceat(columns.counts[order], bounds, axis=0)
    groups = len(keys)
    ack_histograms = Histograms(group[ack[0]], ack[1], groups)
    close_histograms = Histograms(group[close[0]], close[1], groups)
    costs: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for row, currency, total in remedies:
        cost = costs[int(group[row])]
        cost[currency] = cost.get(currency, Decimal(0)) + total
    dense = level == MONTH
    per_unit = len(names)
    for g, packed_key in enumerate(keys.tolist()):
        start, rest = divmod(packed_key, len(unit_codes) * per_unit)
        unit, value = divmod(rest, per_unit)
        counted = {
            name: int(found)
            for name, found in zip(columns.keys, sums[g].tolist(), strict=True)
            if found
        }
        ack_stored, ack_packed = histogram_stored(*ack_histograms.of(g), dense=dense)
        close_stored, close_packed = histogram_stored(*close_histograms.of(g), dense=dense)
        yield {
            "level": level,
            "start": dt.date.fromordinal(base + start),
            "unit_id": int(unit_codes[unit]),
            "dimension": dimension,
            "value": names[value],
            "volume": counted["volume"],
            "figures": {
                "counts": counted,
                "ack_minutes": ack_stored,
                "close_days": close_stored,
                "remedy": {currency: str(amount) for currency, amount in costs[g].items()},
            },
            "ack_minutes": ack_packed,
            "close_days": close_packed,
        }
