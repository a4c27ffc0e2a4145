"""The deadline tally: the complaints whose deadline runs, counted per unit, status and the hour
it falls due in, so that "overdue", "due soon" and "due this week" read a few rows per unit and
hour instead of every complaint past its deadline (issue 19; DESIGN.md rule 8). Deadlines
cluster at the end of working days, so hours make hardly more cells than days would (3,095
against 2,731 for 58,000 running deadlines in bench/scale.md's million).

- **Kept by the database.** The running deadline is a generated column
  (``complaints.models.deadline``) that every writer of a stage's deadline, a status or a pause
  moves: the lifecycle, the SLA engine, bulk loads, a repair by hand. The tally is moved where
  the column is: triggers on the complaints' table (migration ``complaints.0020``) add a signed
  row for each cell a write changed, in the writer's transaction (on PostgreSQL one grouped
  insert per statement, so a bulk load adds a row per cell, not per complaint). Exact by
  construction, as the column is; a test compares it with the register after random actions
  and writes of every kind.
- **Merged** with the queue tally by the periodic job (``queue_tally.queue_tally_compact``) and
  **rebuilt** with it (``redress queues --rebuild``).
- **Read** by ``due_counts``: the whole hours inside a range from the tally, the partial hours at
  its ends from the running deadlines' index (at most two hours of deadlines): the hour at its
  start by the deadlines from its start on, the hour under way at its end from the tally less
  the deadlines from its end on, so that the many deadlines due on the hour are always read
  from the tally.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncHour

from redress.complaints.models import Complaint, DeadlineTally
from redress.complaints.queue_tally import TallyScope, tally_emptied

DeadlineCell = tuple[int, str, dt.datetime]
HOUR = dt.timedelta(hours=1)
Key = tuple[Any, ...]
Row = tuple[Key, dict[str, Any]]


def _hour_start(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class DueRange:
    """Complaints whose running deadline is in [``since``, ``until``) (no lower bound for
    None), narrowed by ``where`` on the columns the tally shares with the register (status,
    unit)."""

    until: dt.datetime
    since: dt.datetime | None = None
    where: Q = field(default_factory=Q)

    def split(self) -> tuple[Q | None, Q | None, Q | None, Q | None]:
        """(the tally's whole hours, the same hours in the register, the partial hour at the
        start in the register (the whole range when it lies within one hour), and the rest of
        the hour under way at the end, which those whole hours count and the range does not,
        in the register); None where there is nothing.

        The end's hour is read from the tally whole, less its deadlines from ``until`` on,
        rather than its deadlines before ``until`` from the register: most deadlines fall due
        on the hour (the end of a working day, midnight), so an hour's first instant can hold
        a day's deadlines and the rest of it hardly any."""
        first = None if self.since is None else _hour_start(self.since)
        if first is not None and self.since is not None and first < self.since:
            first += HOUR
        end = _hour_start(self.until)
        if end < self.until:
            end += HOUR
        if first is not None and first >= end:
            return None, None, Q(next_due_at__gte=self.since, next_due_at__lt=self.until), None
        cells = Q(due_hour__lt=end)
        whole = Q(next_due_at__lt=end)
        start = None
        if first is None:
            whole &= Q(next_due_at__isnull=False)
        else:
            cells &= Q(due_hour__gte=first)
            whole &= Q(next_due_at__gte=first)
            if self.since is not None and self.since < first:
                start = Q(next_due_at__gte=self.since, next_due_at__lt=first)
        rest = Q(next_due_at__gte=self.until, next_due_at__lt=end) if self.until < end else None
        return cells, whole, start, rest


def _grouped(queryset: QuerySet[Any], by: Sequence[str], totals: dict[str, Any]) -> list[Row]:
    """Rows of (key, {name: total}) for ``totals`` over ``queryset`` grouped by ``by``."""
    if not by:
        found = queryset.aggregate(**totals)
        return [((), found)]
    return [
        (tuple(row[name] for name in by), row)
        for row in queryset.values(*by).annotate(**totals).order_by()
    ]


def due_counts(
    scope: TallyScope,
    visible: QuerySet[Complaint],
    ranges: Mapping[str, DueRange],
    *,
    by: Sequence[str] = (),
) -> dict[str, dict[Key, int]]:
    """For each named range, how many complaints of ``visible`` (the person's, as ``scope``
    reads the tally for them) have their running deadline in it, grouped by ``by`` (columns of
    both the tally and the register: "status", "unit_id"; the empty key () without). Three
    queries whatever the number of complaints or ranges: the tally's whole hours, the scope's
    corrections over those hours (grouped by correction), and the index over the partial hours at
    the ends."""
    counts: dict[str, dict[Key, int]] = {name: defaultdict(int) for name in ranges}
    parts = {name: (r.where, *r.split()) for name, r in ranges.items()}

    def add(rows: list[Row], sign_of: Mapping[str, tuple[str, int]]) -> None:
        for key, totals in rows:
            for column, (name, sign) in sign_of.items():
                counts[name][key] += sign * (totals[column] or 0)

    tallied = {name: where & cells for name, (where, cells, *_rest) in parts.items() if cells}
    if tallied:
        rows = _grouped(
            scope.cells_of(DeadlineTally).filter(functools.reduce(operator.or_, tallied.values())),
            by,
            {f"t_{name}": Sum("count", filter=q) for name, q in tallied.items()},
        )
        add(rows, {f"t_{name}": (name, 1) for name in tallied})
        if scope.corrections:
            whole = {name: where & w for name, (where, _c, w, *_rest) in parts.items() if w}
            either = functools.reduce(operator.or_, (part for part, _sign in scope.corrections))
            corrected = Complaint.objects.filter(
                either, functools.reduce(operator.or_, whole.values())
            ).annotate(correction=scope.correction_index())
            fields = {f"c_{name}": Count("pk", filter=q) for name, q in whole.items()}
            for (index, *key), totals in _grouped(corrected, ("correction", *by), fields):
                sign = scope.corrections[index][1]
                for name in whole:
                    counts[name][tuple(key)] += sign * (totals[f"c_{name}"] or 0)
    # The partial hour at the start added, the rest of the hour under way at the end taken
    # out (``DueRange.split``), in one query.
    edges = {
        (f"{column}_{name}", name, sign): where & edge
        for name, (where, _c, _w, start, rest) in parts.items()
        for column, sign, edge in (("e", 1, start), ("x", -1, rest))
        if edge
    }
    if edges:
        found = visible.filter(functools.reduce(operator.or_, edges.values()))
        add(
            _grouped(found, by, {key[0]: Count("pk", filter=q) for key, q in edges.items()}),
            {column: (name, sign) for column, name, sign in edges},
        )
    return {
        name: {key: n for key, n in found.items() if n} if by else {(): found[()]}
        for name, found in counts.items()
    }


def register_deadline_cells() -> dict[DeadlineCell, int]:
    """The running deadlines counted directly from the register (one grouped query)."""
    rows = (
        Complaint.objects.filter(next_due_at__isnull=False)
        .annotate(due_hour=TruncHour("next_due_at", tzinfo=dt.UTC))
        .values_list("unit_id", "status", "due_hour")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(unit, status, due_hour): n for unit, status, due_hour, n in rows}


def deadline_tally_cells() -> dict[DeadlineCell, int]:
    """The cells as the tally holds them (cells summing to zero left out)."""
    rows = (
        DeadlineTally.objects.values_list("unit_id", "status", "due_hour")
        .annotate(total=Sum("count"))
        .order_by()
    )
    return {(unit, status, due_hour): total for unit, status, due_hour, total in rows if total}


def deadline_tally_rebuild() -> int:
    """Count the running deadlines again into the tally; returns the cells written. Writers of
    complaints wait meanwhile (their triggers insert into the locked tally)."""
    with transaction.atomic():
        tally_emptied(DeadlineTally)
        rows = [
            DeadlineTally(unit_id=unit, status=status, due_hour=due_hour, count=n)
            for (unit, status, due_hour), n in sorted(register_deadline_cells().items())
        ]
        DeadlineTally.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
