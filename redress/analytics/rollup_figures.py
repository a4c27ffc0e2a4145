"""The figures of a set of complaints, complaint by complaint, for the rollup (``rollup``).

Each complaint contributes counts (one per condition of ``measures.complaint_conditions`` it
meets, except the overdue ones, which change with time and are counted live), its decisions,
remedies and satisfaction answers, and its place in two histograms: the whole minutes to
acknowledge and the working days to the first closure, from which the medians are read
exactly. The same conditions as the direct computation are evaluated in SQL, so the two agree.
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet, Sum

from redress.analytics.measures import (
    IN_FAVOUR,
    SATISFACTION_DIMENSIONS,
    ack_minutes,
    complaint_conditions,
    first_close_clocks,
    first_contact_condition,
    settled_names,
)
from redress.complaints.models import Complaint, Decision, Reaction, SatisfactionResponse
from redress.complaints.models.records import Remedy

# The dimensions a cohort may be narrowed by and still be read from the rollup (one at a time).
DIMENSIONS = ("total", "category", "channel", "priority", "product")


# Values from 0 to this are counted in a list (fast to store, read and add up); the rare
# others in a dict. 20,160 minutes are two weeks.
DENSE = 20_160


class Histogram:
    """How many times each whole number was seen; adds up with another, gives the median."""

    __slots__ = ("dense", "sparse")

    def __init__(self) -> None:
        self.dense: list[int] = []
        self.sparse: Counter[int] = Counter()

    def add(self, value: int, count: int = 1) -> None:
        if 0 <= value < DENSE:
            if value >= len(self.dense):
                self.dense.extend([0] * (value + 1 - len(self.dense)))
            self.dense[value] += count
        else:
            self.sparse[value] += count

    def merge(self, dense: list[int], sparse: dict[Any, int], sign: int = 1) -> None:
        if len(dense) > len(self.dense):
            self.dense.extend([0] * (len(dense) - len(self.dense)))
        head = self.dense[: len(dense)]
        combine = operator.add if sign > 0 else operator.sub
        self.dense[: len(dense)] = map(combine, head, dense)
        for value, count in sparse.items():
            self.sparse[int(value)] += sign * count

    def add_histogram(self, other: Histogram, sign: int = 1) -> None:
        self.merge(other.dense, other.sparse, sign)

    def count(self) -> int:
        return sum(self.dense) + sum(self.sparse.values())

    def as_json(self) -> dict[str, Any]:
        dense = list(self.dense)
        while dense and not dense[-1]:
            dense.pop()
        return {
            "dense": dense,
            "sparse": {str(key): value for key, value in self.sparse.items() if value},
        }

    def add_json(self, stored: dict[str, Any]) -> None:
        self.merge(stored.get("dense", []), stored.get("sparse", {}))

    def median(self) -> float | None:
        """The median of the values counted (the mean of the two middle ones when their number
        is even), as ``measures.median`` gives it from the values themselves."""
        total = self.count()
        if total <= 0:
            return None
        wanted = [total // 2] if total % 2 else [total // 2 - 1, total // 2]
        below = sorted((value, count) for value, count in self.sparse.items() if value < 0)
        above = sorted((value, count) for value, count in self.sparse.items() if value >= 0)
        ordered = itertools.chain(below, enumerate(self.dense), above)
        found: list[int] = []
        seen = 0
        for value, count in ordered:
            if not count:
                continue
            seen += count
            while wanted and wanted[0] < seen:
                found.append(value)
                wanted.pop(0)
            if not wanted:
                break
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

    def as_json(self) -> dict[str, Any]:
        return {
            "counts": {key: value for key, value in self.counts.items() if value},
            "ack_minutes": self.ack_minutes.as_json(),
            "close_days": self.close_days.as_json(),
            "remedy": {currency: str(amount) for currency, amount in self.remedy.items()},
        }

    def add_json(self, stored: dict[str, Any]) -> None:
        """Add figures as ``as_json`` stored them (without building another ``Totals``)."""
        counts = self.counts
        for key, value in stored.get("counts", {}).items():
            counts[key] += value
        self.ack_minutes.add_json(stored.get("ack_minutes", {}))
        self.close_days.add_json(stored.get("close_days", {}))
        for currency, amount in stored.get("remedy", {}).items():
            self.remedy[currency] = self.remedy.get(currency, Decimal(0)) + Decimal(amount)


@dataclass(frozen=True)
class Place:
    """Where one complaint's figures are kept: its day of receipt (the organisation's), its
    unit, and its value in each dimension."""

    day: dt.date
    unit_id: int
    values: tuple[tuple[str, str], ...]


def _related(queryset: QuerySet[Complaint]) -> dict[int, Totals]:
    """Decisions, remedies, satisfaction answers and first-closure times, per complaint."""
    related: dict[int, Totals] = defaultdict(Totals)
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
        counts = related[decided["complaint_id"]].counts
        for key in ("communicated", "in_favour", "accepted"):
            counts[f"decisions_{key}"] += decided[key]
    remedies = (
        Remedy.objects.filter(
            decision__complaint__in=queryset, decision__state=Decision.State.COMMUNICATED
        )
        .order_by()
        .values("decision__complaint_id", "currency")
        .annotate(total=Sum("amount"))
    )
    for cost in remedies:
        remedy = related[cost["decision__complaint_id"]].remedy
        remedy[cost["currency"]] = remedy.get(cost["currency"], Decimal(0)) + (
            cost["total"] or Decimal(0)
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
        counts = related[answer["complaint_id"]].counts
        for key in satisfaction:
            counts[f"satisfaction_{key}"] += answer[key] or 0
    for complaint_id, days in first_close_clocks(queryset).values_list(
        "complaint_id", "working_days"
    ):
        if days is None:  # excluded by ``first_close_clocks``; for the type checker
            continue
        totals = related[complaint_id]
        totals.counts["close_count"] += 1
        totals.counts["close_total"] += days
        totals.close_days.add(days)
    return related


def complaint_figures(
    queryset: QuerySet[Complaint], zone: ZoneInfo
) -> Iterator[tuple[Place, Totals]]:
    """Each complaint of ``queryset`` with its place and its figures (a fixed number of
    queries, whatever the number of complaints)."""
    conditions = complaint_conditions(dt.datetime.now(tz=dt.UTC))
    flags = {
        f"meets_{name}": ExpressionWrapper(conditions[name], output_field=BooleanField())
        for name in settled_names()
        if name != "volume"
    }
    flags["meets_first_contact"] = ExpressionWrapper(
        first_contact_condition(), output_field=BooleanField()
    )
    related = _related(queryset)
    rows = queryset.annotate(**flags).values(
        "pk",
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
        )
        day = row["received_at"].astimezone(zone).date()
        yield Place(day, row["unit_id"], values), totals


def figures_of(queryset: QuerySet[Complaint], zone: ZoneInfo) -> Totals:
    """The figures of every complaint of ``queryset`` added up."""
    totals = Totals()
    for _place, figures in complaint_figures(queryset, zone):
        totals.add(figures)
    return totals
