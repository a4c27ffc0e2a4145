"""Reads of the objectives: those in force, their history, and the measure an objective's
KPI gives over its period so far (read from the analytics KPI catalogue, the same figures the
dashboards and the API show)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from redress.analytics.cohort import Cohort, Filters, Period
from redress.analytics.kpis import CATALOGUE
from redress.framework.models import Objective, ObjectiveResult, ObjectiveStatus, ReviewFrequency
from redress.framework.models.objectives import Direction

# Statuses an objective can be shown with on a dashboard, worst first.
STATUS_ORDER = (
    ObjectiveStatus.MISSED,
    ObjectiveStatus.AT_RISK,
    ObjectiveStatus.NOT_MEASURED,
    ObjectiveStatus.ON_TRACK,
    ObjectiveStatus.MET,
)


MONTHS = {
    ReviewFrequency.MONTHLY: 1,
    ReviewFrequency.QUARTERLY: 3,
    ReviewFrequency.HALF_YEARLY: 6,
    ReviewFrequency.YEARLY: 12,
}


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def review_after(objective: Objective, day: dt.date) -> dt.date:
    """The next review date after ``day``: one frequency step on, never after the period's
    end (the last review is on the end date)."""
    return min(_add_months(day, MONTHS[ReviewFrequency(objective.frequency)]), objective.period_end)


def objectives_active() -> QuerySet[Objective]:
    return Objective.objects.filter(retired_at__isnull=True).select_related("owner", "unit")


def objective_history(objective: Objective) -> QuerySet[ObjectiveResult]:
    return objective.results.order_by("-measured_on", "-pk")


def objectives_due(on: dt.date) -> QuerySet[Objective]:
    """Objectives whose review date has come (the job measures those with a KPI)."""
    return objectives_active().filter(next_review__lte=on).order_by("next_review", "pk")


@dataclass(frozen=True)
class Measure:
    window: Period
    value: Decimal | None
    numerator: int | None
    denominator: int | None


def _decimal(value: object) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.0001"))


def _whole(value: object) -> int | None:
    return None if value is None else int(value)  # type: ignore[call-overload]


def objective_window(objective: Objective, on: dt.date) -> Period:
    """From the start of the objective's period to ``on`` (or the period's end, if sooner)."""
    last = min(on, objective.period_end)
    return Period(objective.period_start, max(last, objective.period_start))


def objective_kpi_measure(objective: Objective, on: dt.date) -> Measure:
    """The objective's KPI over the complaints received from the period's start to ``on``, for
    the whole organisation or the objective's unit with its sub-units."""
    window = objective_window(objective, on)
    cohort = Cohort(user=None, period=window, filters=Filters(unit=objective.unit_id))
    figure = CATALOGUE[objective.kpi].compute(cohort)
    return Measure(
        window, _decimal(figure.value), _whole(figure.numerator), _whole(figure.denominator)
    )


def objective_status(objective: Objective, value: Decimal | None, on: dt.date) -> str:
    """Met or missed once the period has ended; before then on track while the target is met
    so far, at risk when it is not."""
    if value is None:
        return ObjectiveStatus.NOT_MEASURED
    reached = (
        value >= objective.target
        if objective.direction == Direction.HIGHER
        else value <= objective.target
    )
    if on >= objective.period_end:
        return ObjectiveStatus.MET if reached else ObjectiveStatus.MISSED
    return ObjectiveStatus.ON_TRACK if reached else ObjectiveStatus.AT_RISK


def objectives_board() -> list[Objective]:
    """Active objectives for the dashboards, worst status first (bounded)."""
    rank: dict[str, int] = {str(status): index for index, status in enumerate(STATUS_ORDER)}
    rows = list(objectives_active().order_by("period_end", "pk")[:50])
    return sorted(rows, key=lambda objective: (rank.get(objective.status, 9), objective.pk))
