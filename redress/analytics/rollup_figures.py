"""The figures of a set of complaints, complaint by complaint, for the rollup (``rollup``).

Each complaint contributes counts (one per condition of ``measures.complaint_conditions`` it
meets, except the overdue ones, which change with time and are counted live), its decisions,
remedies and satisfaction answers, and its place in two histograms: the whole minutes to
acknowledge and the working days to the first closure, from which the medians are read
exactly. The same conditions as the direct computation are evaluated in SQL, so the two agree.
"""

from __future__ import annotations

import datetime as dt
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


@dataclass
class Totals:
    """Counts and sums, two histograms and the remedy cost per currency; they add up."""

    counts: Counter[str] = field(default_factory=Counter)
    ack_minutes: Counter[int] = field(default_factory=Counter)
    close_days: Counter[int] = field(default_factory=Counter)
    remedy: dict[str, Decimal] = field(default_factory=dict)

    def add(self, other: Totals, sign: int = 1) -> None:
        for target, source in (
            (self.counts, other.counts),
            (self.ack_minutes, other.ack_minutes),
            (self.close_days, other.close_days),
        ):
            for key, count in source.items():
                target[key] += sign * count  # type: ignore[index]
        for currency, amount in other.remedy.items():
            self.remedy[currency] = self.remedy.get(currency, Decimal(0)) + sign * amount

    def as_json(self) -> dict[str, Any]:
        return {
            "counts": {key: value for key, value in self.counts.items() if value},
            "ack_minutes": {str(key): value for key, value in self.ack_minutes.items() if value},
            "close_days": {str(key): value for key, value in self.close_days.items() if value},
            "remedy": {currency: str(amount) for currency, amount in self.remedy.items()},
        }

    def add_json(self, stored: dict[str, Any]) -> None:
        """Add figures as ``as_json`` stored them (without building another ``Totals``)."""
        counts = self.counts
        for key, value in stored.get("counts", {}).items():
            counts[key] += value
        for name, histogram in (("ack_minutes", self.ack_minutes), ("close_days", self.close_days)):
            for key, value in stored.get(name, {}).items():
                histogram[int(key)] += value
        for currency, amount in stored.get("remedy", {}).items():
            self.remedy[currency] = self.remedy.get(currency, Decimal(0)) + Decimal(amount)


def histogram_median(histogram: Counter[int]) -> float | None:
    """The median of the values a histogram counts (the mean of the two middle ones when their
    number is even), as ``measures.median`` gives it from the values themselves."""
    total = sum(histogram.values())
    if total <= 0:
        return None
    wanted = [total // 2] if total % 2 else [total // 2 - 1, total // 2]
    found: list[int] = []
    seen = 0
    for value in sorted(key for key, count in histogram.items() if count):
        seen += histogram[value]
        while wanted and wanted[0] < seen:
            found.append(value)
            wanted.pop(0)
        if not wanted:
            break
    return sum(found) / len(found)


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
        totals.close_days[days] += 1
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
            totals.ack_minutes[ack_minutes(row["received_at"], row["acknowledged_at"])] += 1
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
