"""The figures of a set of complaints, complaint by complaint, for the rollup (``rollup``).

Each complaint contributes counts (one per condition of ``measures.complaint_conditions`` it
meets, except the overdue ones, which change with time and are counted live), its decisions,
remedies and satisfaction answers, and its place in two histograms: the whole minutes to
acknowledge and the working days to the first closure, from which the medians are read
exactly. The same conditions as the direct computation are evaluated in SQL, so the two agree.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo

import numpy as np
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet, Sum

from redress.analytics.drill import outcome_annotation
from redress.analytics.measures import (
    IN_FAVOUR,
    REVIEW_DECIDED,
    SATISFACTION_DIMENSIONS,
    ack_minutes,
    complaint_conditions,
    first_close_clocks,
    first_contact_condition,
    review_clocks,
    settled_names,
)
from redress.analytics.negotiation import (
    SETTLED,
    LegalLimits,
    clock_judge,
    clock_values,
    decision_clocks,
)
from redress.complaints.models import Complaint, Decision, Reaction, SatisfactionResponse
from redress.complaints.models.records import Remedy
from redress.sla.models import StageClock

# The dimensions a cohort may be narrowed by and still be read from the rollup (one at a time),
# and the pairs the cross-tabulations read (value "a|b").
DIMENSIONS = ("total", "category", "channel", "priority", "product")
PAIRS = ("channel_priority", "category_outcome")


# A month's histograms keep the values from 0 to this in a list (fast to store, read and add
# up); a day's, with few complaints, and the rare larger values, in a dict. 20,160 minutes are
# two weeks.
DENSE = 20_160


def histogram_stored(
    values: np.ndarray[Any, Any], counts: np.ndarray[Any, Any], *, dense: bool
) -> tuple[dict[str, Any], bytes]:
    """What the rollup stores of a histogram given as its values in order and their (non-zero)
    counts: for a day, the values then their counts, packed as 32-bit little-endian integers;
    for a month (``dense``), the counts of the values from 0 to ``DENSE`` packed as the
    narrowest unsigned integers that hold them (``WIDTHS``) and the rare larger values as two
    lists. Packed, a day's histograms stay out of its JSON figures, which then stay small
    enough to be read without decompressing (PostgreSQL compresses a row's value over about
    2 kB)."""
    if not dense:
        packed = np.concatenate([values, counts]).astype("<i4").tobytes() if len(values) else b""
        return {}, packed
    packed, width = b"", 4
    inside = (values >= 0) & (values < DENSE)
    if inside.any():
        width = _narrowest(counts[inside])
        array = np.zeros(int(values[inside].max()) + 1, dtype=WIDTHS[width])
        array[values[inside]] = counts[inside]
        packed = array.tobytes()
    values, counts = values[~inside], counts[~inside]
    stored: dict[str, Any] = {"values": values.tolist(), "counts": counts.tolist()}
    if width != 4:
        stored["width"] = width
    return stored, packed


# A month's counts packed in the fewest bytes that hold the largest (its stored "width"; 4 when
# not given, as the rollup stored them before). PostgreSQL sends binary columns as hex text, so
# the bytes read decide what a dashboard's read costs: most minutes of a month count a few
# acknowledgements, and one byte each holds them.
WIDTHS = {1: "<u1", 2: "<u2", 4: "<i4"}


def _narrowest(counts: np.ndarray[Any, Any]) -> int:
    if counts.min() < 0:
        return 4
    largest = int(counts.max())
    return 1 if largest < 2**8 else 2 if largest < 2**16 else 4


class Histogram:
    """How many times each whole number was seen; adds up with another, gives the median.

    The values from 0 to ``DENSE`` are counted in a numpy array (a month's thousands of minutes
    add up in one vector operation); the others are kept as (values, counts) arrays, combined
    only when the median or the stored form is asked for."""

    __slots__ = ("dense", "parts", "single")

    def __init__(self) -> None:
        self.dense: np.ndarray[Any, np.dtype[np.int64]] = np.zeros(0, dtype=np.int64)
        # (values, counts) arrays, possibly repeating values; counts may be negative.
        self.parts: list[tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]] = []
        # Values counted one complaint at a time (building a day's figures).
        self.single: Counter[int] = Counter()

    def add(self, value: int, count: int = 1) -> None:
        self.single[value] += count

    def _add_dense(self, dense: np.ndarray[Any, Any], sign: int) -> None:
        if len(dense) > len(self.dense):
            grown = np.zeros(len(dense), dtype=np.int64)
            grown[: len(self.dense)] = self.dense
            self.dense = grown
        self.dense[: len(dense)] += sign * dense.astype(np.int64)

    def add_histogram(self, other: Histogram, sign: int = 1) -> None:
        if len(other.dense):
            self._add_dense(other.dense, sign)
        self.parts.extend((values, sign * counts) for values, counts in other.parts)
        for value, count in other.single.items():
            self.single[value] += sign * count

    def _combined(self) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """Every value counted and its count, in order, zeros left out."""
        inside = np.flatnonzero(self.dense)
        single_values = np.fromiter(self.single.keys(), dtype=np.int64, count=len(self.single))
        single_counts = np.fromiter(self.single.values(), dtype=np.int64, count=len(self.single))
        values = np.concatenate([inside, single_values, *(v for v, _ in self.parts)])
        counts = np.concatenate([self.dense[inside], single_counts, *(c for _, c in self.parts)])
        unique, where = np.unique(values, return_inverse=True)
        totals = np.bincount(where, weights=counts, minlength=len(unique)).astype(np.int64)
        keep = totals != 0
        return unique[keep], totals[keep]

    def count(self) -> int:
        parts = sum(int(c.sum()) for _, c in self.parts)
        return int(self.dense.sum()) + parts + sum(self.single.values())

    def stored(self, *, dense: bool = False) -> tuple[dict[str, Any], bytes]:
        """What the rollup stores: the values and their counts as two lists, or (``dense``, for
        a month) those from 0 to ``DENSE`` as packed counts (``histogram_stored``)."""
        return histogram_stored(*self._combined(), dense=dense)

    def add_stored(self, stored: dict[str, Any], packed: bytes, *, dense: bool) -> None:
        """Add a histogram as ``histogram_stored`` gave it (``dense`` for a month's). A day's
        values may also be in ``stored``, as the rollup stored them before they were packed."""
        if packed and dense:
            width = WIDTHS[int(stored.get("width", 4))]
            self._add_dense(np.frombuffer(packed, dtype=width), 1)
        elif packed:
            both = np.frombuffer(packed, dtype="<i4").astype(np.int64)
            half = len(both) // 2
            self.parts.append((both[:half], both[half:]))
        if stored.get("values"):
            self.parts.append(
                (
                    np.array(stored["values"], dtype=np.int64),
                    np.array(stored["counts"], dtype=np.int64),
                )
            )

    def median(self) -> float | None:
        """The median of the values counted (the mean of the two middle ones when their number
        is even), as ``measures.median`` gives it from the values themselves."""
        values, counts = self._combined()
        total = int(counts.sum())
        if total <= 0:
            return None
        running = np.cumsum(counts)
        wanted = [total // 2] if total % 2 else [total // 2 - 1, total // 2]
        # The k-th value (from 0) is the first whose running count exceeds k.
        found = [int(values[int(np.searchsorted(running, k, side="right"))]) for k in wanted]
        return sum(found) / len(found)


@dataclass
class Totals:
    """Counts and sums, two histograms and the remedy cost per currency; they add up."""

    counts: Counter[str] = field(default_factory=Counter)
    ack_minutes: Histogram = field(default_factory=Histogram)
    close_days: Histogram = field(default_factory=Histogram)
    remedy: dict[str, Decimal] = field(default_factory=dict)

    def add(self, other: Totals, sign: int = 1) -> None:
        for key, count in other.counts.items():
            self.counts[key] += sign * count
        self.ack_minutes.add_histogram(other.ack_minutes, sign)
        self.close_days.add_histogram(other.close_days, sign)
        for currency, amount in other.remedy.items():
            self.remedy[currency] = self.remedy.get(currency, Decimal(0)) + sign * amount

    def stored(self, *, dense: bool = False) -> tuple[dict[str, Any], bytes, bytes]:
        """The figures as the rollup stores them: a JSON object, and the two histograms packed
        (``histogram_stored``; ``dense`` for a month)."""
        ack, ack_packed = self.ack_minutes.stored(dense=dense)
        close, close_packed = self.close_days.stored(dense=dense)
        figures = {
            "counts": {key: value for key, value in self.counts.items() if value},
            "ack_minutes": ack,
            "close_days": close,
            "remedy": {currency: str(amount) for currency, amount in self.remedy.items()},
        }
        return figures, ack_packed, close_packed

    def add_stored(
        self,
        figures: dict[str, Any],
        ack_packed: bytes | None,
        close_packed: bytes,
        *,
        dense: bool,
    ) -> None:
        """Add figures as ``stored`` gave them (without building another ``Totals``); ``dense``
        for a month's; without the minutes to acknowledge when ``ack_packed`` is None."""
        counts = self.counts
        for key, value in figures.get("counts", {}).items():
            counts[key] += value
        if ack_packed is not None:
            self.ack_minutes.add_stored(figures.get("ack_minutes", {}), ack_packed, dense=dense)
        self.close_days.add_stored(figures.get("close_days", {}), close_packed, dense=dense)
        for currency, amount in figures.get("remedy", {}).items():
            self.remedy[currency] = self.remedy.get(currency, Decimal(0)) + Decimal(amount)


@dataclass(frozen=True)
class Place:
    """Where one complaint's figures are kept: its day of receipt (the organisation's), its
    unit, and its value in each dimension."""

    day: dt.date
    unit_id: int
    values: tuple[tuple[str, str], ...]


@dataclass
class Related:
    """The figures of ``queryset``'s complaints kept in other tables, as plain rows: for each
    count, the complaint ids and their values; each first closure's (complaint id, working
    days); each (complaint id, currency, cost) of the remedies of communicated decisions."""

    counts: dict[str, tuple[list[int], list[int]]] = field(default_factory=dict)
    close_days: tuple[list[int], list[int]] = field(default_factory=lambda: ([], []))
    remedies: list[tuple[int, str, Decimal]] = field(default_factory=list)

    def add(self, key: str, complaint_id: int, value: int) -> None:
        ids, values = self.counts.setdefault(key, ([], []))
        ids.append(complaint_id)
        values.append(value)


def related_rows(queryset: QuerySet[Complaint]) -> Related:
    """Decisions, remedies, satisfaction answers and first-closure times of the complaints of
    ``queryset`` (a fixed number of queries)."""
    related = Related()
    decisions = (
        Decision.objects.filter(complaint__in=queryset, state=Decision.State.COMMUNICATED)
        .order_by()
        .values("complaint_id")
        .annotate(
            communicated=Count("pk"),
            in_favour=Count("pk", filter=Q(outcome__in=IN_FAVOUR)),
            accepted=Count("pk", filter=Q(reaction=Reaction.ACCEPTED)),
        )
    )
    for decided in decisions:
        for key in ("communicated", "in_favour", "accepted"):
            related.add(f"decisions_{key}", decided["complaint_id"], decided[key])
    remedies = (
        Remedy.objects.filter(
            decision__complaint__in=queryset, decision__state=Decision.State.COMMUNICATED
        )
        .order_by()
        .values("decision__complaint_id", "currency")
        .annotate(total=Sum("amount"))
    )
    for cost in remedies:
        related.remedies.append(
            (cost["decision__complaint_id"], cost["currency"], cost["total"] or Decimal(0))
        )
    satisfaction: dict[str, Any] = {
        "answers": Count("pk"),
        "overall_sum": Sum("overall"),
        "top2": Count("pk", filter=Q(overall__gte=4)),
    }
    for name in SATISFACTION_DIMENSIONS:
        satisfaction[f"{name}_sum"] = Sum(name)
        satisfaction[f"{name}_count"] = Count(name)
    answers = (
        SatisfactionResponse.objects.filter(complaint__in=queryset)
        .order_by()
        .values("complaint_id")
        .annotate(**satisfaction)
    )
    for answer in cast(list[dict[str, Any]], list(answers)):
        for key in satisfaction:
            related.add(f"satisfaction_{key}", answer["complaint_id"], answer[key] or 0)
    # The 7-working-day rule's settled clocks (``analytics.negotiation``).
    limits, now = LegalLimits(), dt.datetime.now(tz=dt.UTC)
    for clock in clock_values(decision_clocks(queryset).filter(SETTLED)):
        counted, met = clock_judge(clock, now, limits)
        related.add("vn7_counted", clock["complaint_id"], int(counted))
        related.add("vn7_met", clock["complaint_id"], int(met))
    # Internal reviews decided, on time or not (``measures.REVIEW_DECIDED``).
    reviews = (
        review_clocks(queryset)
        .filter(REVIEW_DECIDED)
        .order_by()
        .values("complaint_id")
        .annotate(counted=Count("pk"), met=Count("pk", filter=Q(outcome=StageClock.Outcome.MET)))
    )
    for review in cast(list[dict[str, Any]], list(reviews)):
        related.add("review_counted", review["complaint_id"], review["counted"])
        related.add("review_met", review["complaint_id"], review["met"])
    for complaint_id, days in first_close_clocks(queryset).values_list(
        "complaint_id", "working_days"
    ):
        if days is None:  # excluded by ``first_close_clocks``; for the type checker
            continue
        related.close_days[0].append(complaint_id)
        related.close_days[1].append(days)
    return related


def _related(queryset: QuerySet[Complaint]) -> dict[int, Totals]:
    """``related_rows`` per complaint."""
    found = related_rows(queryset)
    related: dict[int, Totals] = defaultdict(Totals)
    for key, (ids, values) in found.counts.items():
        for complaint_id, value in zip(ids, values, strict=True):
            related[complaint_id].counts[key] += value
    for complaint_id, currency, total in found.remedies:
        totals = related[complaint_id]
        totals.remedy[currency] = totals.remedy.get(currency, Decimal(0)) + total
        # Complaints with a remedy in this currency (one row per complaint and currency).
        totals.counts[f"remedied:{currency}"] = 1
    for complaint_id, days in zip(*found.close_days, strict=True):
        totals = related[complaint_id]
        totals.counts["close_count"] += 1
        totals.counts["close_total"] += days
        totals.close_days.add(days)
    return related


@functools.cache
def _figured() -> tuple[QuerySet[Complaint], tuple[str, ...]]:
    """Every complaint with a flag per settled measure (``meets_<name>``) and its outcome, and
    the flags' names. Built once per process: a settled measure's condition never changes
    (those that change with time are not settled), and building the forty-odd expressions was
    most of the time it took to figure a few complaints, which a handler's dashboard does on
    every request for the complaints they own outside their units."""
    conditions = complaint_conditions(dt.datetime.now(tz=dt.UTC))
    flags = {
        f"meets_{name}": ExpressionWrapper(conditions[name], output_field=BooleanField())
        for name in settled_names()
        if name != "volume"
    }
    flags["meets_first_contact"] = ExpressionWrapper(
        first_contact_condition(), output_field=BooleanField()
    )
    return Complaint.objects.annotate(**flags, outcome=outcome_annotation()), tuple(flags)


def complaint_figures(
    queryset: QuerySet[Complaint], zone: ZoneInfo
) -> Iterator[tuple[Place, Totals]]:
    """Each complaint of ``queryset`` (complaints narrowed by filters alone) with its place and
    its figures (a fixed number of queries, whatever the number of complaints)."""
    figured, flags = _figured()
    related = _related(queryset)
    rows = (figured & queryset).values(
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
    for row in rows.iterator(chunk_size=2000):
        totals = related.pop(row["pk"], None) or Totals()
        counts = totals.counts
        counts["volume"] += 1
        for name in flags:
            if row[name]:
                counts[name.removeprefix("meets_")] += 1
        if row["acknowledged_at"] is not None:
            counts["ack_count"] += 1
            totals.ack_minutes.add(ack_minutes(row["received_at"], row["acknowledged_at"]))
        values = (
            ("total", ""),
            ("category", str(row["category_id"] or "")),
            ("channel", row["channel"]),
            ("priority", row["priority"]),
            ("product", str(row["product_id"] or "")),
            ("channel_priority", f"{row['channel']}|{row['priority']}"),
            ("category_outcome", f"{row['category_id'] or ''}|{row['outcome']}"),
        )
        day = row["received_at"].astimezone(zone).date()
        yield Place(day, row["unit_id"], values), totals


def figures_of(queryset: QuerySet[Complaint], zone: ZoneInfo) -> Totals:
    """The figures of every complaint of ``queryset`` added up."""
    totals = Totals()
    for _place, figures in complaint_figures(queryset, zone):
        totals.add(figures)
    return totals
