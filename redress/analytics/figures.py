"""The measures of a cohort, from the rollup when it covers the cohort, else directly from the
register (``measures``, the definition). The KPIs read them here."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from redress.analytics import measures, repeats, rollup_read
from redress.analytics.cohort import Cohort
from redress.analytics.measures import late_combine, memo_on, overdue_counts


def _rolled(cohort: Cohort) -> bool:
    return memo_on(cohort, "rolled", lambda: rollup_read.rollup_covers(cohort))


def cohort_measures(cohort: Cohort) -> dict[str, Any]:
    """The counts of ``measures.cohort_measures``: kept ones from the rollup, the overdue ones
    (which change with time alone) counted live."""
    if not _rolled(cohort):
        return measures.cohort_measures(cohort)

    def compute() -> dict[str, Any]:
        totals: dict[str, Any] = dict(rollup_read.rollup_totals(cohort).counts)
        for name in measures.settled_names():
            totals.setdefault(name, 0)
        later = tuple(stage for stage in measures.STAGE_FIELDS if stage != "ack")
        totals.update(overdue_counts(cohort.complaints, cohort.now, stages=later)[()])
        # The acknowledgements by day, which the weekly control chart reads too.
        days = measures.ack_overdue_by_day(cohort).values()
        totals["ack_overdue"] = sum(count for count, _vulnerable in days)
        totals["vulnerable_ack_overdue"] = sum(vulnerable for _count, vulnerable in days)
        return late_combine(totals)

    return memo_on(cohort, "complaints", compute)


def hours_to_ack(cohort: Cohort) -> dict[str, Any]:
    if not _rolled(cohort):
        return measures.hours_to_ack(cohort)
    count = rollup_read.rollup_totals(cohort).counts["ack_count"]
    middle = rollup_read.rollup_ack_minutes(cohort).median()
    return {"count": count, "median": None if middle is None else middle / 60}


def working_days_to_close(cohort: Cohort) -> dict[str, Any]:
    if not _rolled(cohort):
        return measures.working_days_to_close(cohort)
    totals = rollup_read.rollup_totals(cohort)
    return {
        "count": totals.counts["close_count"],
        "total": totals.counts["close_total"],
        "median": totals.close_days.median(),
    }


def first_contact(cohort: Cohort) -> int:
    if not _rolled(cohort):
        return measures.first_contact(cohort)
    return int(rollup_read.rollup_totals(cohort).counts["first_contact"])


def decisions(cohort: Cohort) -> dict[str, int]:
    if not _rolled(cohort):
        return measures.decisions(cohort)
    counts = rollup_read.rollup_totals(cohort).counts
    return {key: counts[f"decisions_{key}"] for key in ("communicated", "in_favour", "accepted")}


def reviews(cohort: Cohort) -> dict[str, int]:
    if not _rolled(cohort):
        return measures.reviews(cohort)

    def compute() -> dict[str, int]:
        counts = rollup_read.rollup_totals(cohort).counts
        overdue = measures.review_clocks(cohort.complaints).filter(
            measures.review_overdue(cohort.now)
        )
        return {"counted": counts["review_counted"] + overdue.count(), "met": counts["review_met"]}

    return memo_on(cohort, "reviews", compute)


def remedy_cost(cohort: Cohort, currency: str) -> Decimal:
    if not _rolled(cohort):
        return measures.remedy_cost(cohort, currency)
    return rollup_read.rollup_totals(cohort).remedy.get(currency, Decimal(0))


def satisfaction(cohort: Cohort) -> dict[str, Any]:
    if not _rolled(cohort):
        return measures.satisfaction(cohort)
    counts = rollup_read.rollup_totals(cohort).counts
    found: dict[str, Any] = {
        key: counts[f"satisfaction_{key}"] for key in ("answers", "overall_sum", "top2")
    }
    # A sum over no answers is None, as SQL gives it.
    if not found["answers"]:
        found["overall_sum"] = None
    for name in measures.SATISFACTION_DIMENSIONS:
        answered = counts[f"satisfaction_{name}_count"]
        found[f"{name}_count"] = answered
        found[f"{name}_sum"] = counts[f"satisfaction_{name}_sum"] if answered else None
    return found


def repeat_complainants(cohort: Cohort) -> dict[str, int]:
    """Complainants of the cohort and those who came back (``measures.repeat_complainants``):
    counted over the links (``analytics.repeats``) when they answer the cohort, else searched
    from the cohort's near complaints (``repeats.repeat_narrowed``); without the rollup, by the
    definition."""
    if _rolled(cohort):
        volume = cohort_measures(cohort)["volume"]
        found = memo_on(
            cohort, "repeat_linked", lambda: repeats.repeat_linked(cohort, volume=volume)
        )
        if found is not None:
            return found
        return memo_on(cohort, "repeat_narrowed", lambda: repeats.repeat_narrowed(cohort))
    return measures.repeat_complainants(cohort)
