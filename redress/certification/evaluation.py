"""What an evaluator is and what it returns.

An evaluator is a small function registered by name (``@evaluator("policy_current")``) that
reads live records through the selectors of the lower apps and says whether they evidence an
item: ``Status.EVIDENCED``, ``WEAK`` (with its reason: stale, below target, missing for a
period) or ``MISSING``; the evidence found (counts, dates, the page that shows it) and, when
weak or missing, the gap and the page where it is fixed. Evaluators read aggregates only (counts,
the latest date, the KPI catalogue over the rollup), never one complaint at a time, so that the
map costs the same at a thousand complaints or a million.

``Context`` is shared by every evaluator of one readiness run: one ``now`` and the figures
several evaluators read (the KPIs of the last twelve months, the satisfaction totals) computed
once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from redress.analytics.cohort import Cohort, Filters, Period, organisation_zone
from redress.analytics.kpis import Figure, kpis_compute
from redress.analytics.satisfaction import Results, satisfaction_totals


class Status(models.TextChoices):
    EVIDENCED = "evidenced", _("Evidenced")
    WEAK = "weak", _("Weak")
    MISSING = "missing", _("Missing")


class Reason(models.TextChoices):
    STALE = "stale", _("Stale")
    BELOW_TARGET = "below_target", _("Below target")
    GAP_IN_PERIOD = "gap_in_period", _("Missing for a period")
    OVERDUE = "overdue", _("Overdue")


# What a status is worth in a score (per cent of an item's evidence).
STATUS_SCORE = {
    Status.EVIDENCED: Decimal(100),
    Status.WEAK: Decimal(50),
    Status.MISSING: Decimal(0),
}


@dataclass(frozen=True)
class Fact:
    """One piece of evidence found: what it is and its value (a count, a date, a share)."""

    label: str | Promise
    value: Any


@dataclass(frozen=True)
class Link:
    label: str | Promise
    url: str


@dataclass(frozen=True)
class Evaluation:
    status: Status
    facts: tuple[Fact, ...] = ()
    reason: Reason | None = None
    # The gap, said as what to do, and where it is done (for weak or missing evidence).
    gap: str | Promise = ""
    fix: Link | None = None
    # The page that shows the evidence.
    source: Link | None = None

    @property
    def score(self) -> Decimal:
        return STATUS_SCORE[self.status]


def page(url_name: str, label: str | Promise, *args: Any) -> Link:
    return Link(label, reverse(f"backoffice:{url_name}", args=args))


def evidenced(*facts: Fact, source: Link | None = None) -> Evaluation:
    return Evaluation(Status.EVIDENCED, tuple(facts), source=source)


def weak(
    reason: Reason, gap: str | Promise, fix: Link | None, *facts: Fact, source: Link | None = None
) -> Evaluation:
    return Evaluation(Status.WEAK, tuple(facts), reason, gap, fix, source)


def missing(
    gap: str | Promise, fix: Link | None, *facts: Fact, source: Link | None = None
) -> Evaluation:
    return Evaluation(Status.MISSING, tuple(facts), None, gap, fix, source)


@dataclass
class Context:
    """One readiness run: its instant, and the figures several evaluators share."""

    now: dt.datetime
    window_days: int = 365
    _kpis: dict[str, Figure] = field(default_factory=dict, repr=False)

    @cached_property
    def zone(self) -> ZoneInfo:
        return organisation_zone()

    @cached_property
    def today(self) -> dt.date:
        return self.now.astimezone(self.zone).date()

    def period(self, days: int | None = None) -> Period:
        """The whole days up to and including today, ``days`` of them (default the window)."""
        days = days or self.window_days
        return Period(self.today - dt.timedelta(days=days - 1), self.today)

    @cached_property
    def cohort(self) -> Cohort:
        """Every complaint of the organisation received in the window (no one's visibility:
        the map is the organisation's)."""
        return Cohort(user=None, period=self.period(), filters=Filters(), now=self.now)

    def kpi(self, code: str) -> Figure:
        """A KPI of the analytics catalogue over the window, computed once per run (the
        catalogue reads the rollup when it covers the window)."""
        if code not in self._kpis:
            (result,) = kpis_compute(self.cohort, [code])
            self._kpis[code] = result.figure
        return self._kpis[code]

    @cached_property
    def satisfaction(self) -> Results:
        return satisfaction_totals(self.cohort)

    def days_since(self, when: dt.date | dt.datetime) -> int:
        day = when.astimezone(self.zone).date() if isinstance(when, dt.datetime) else when
        return (self.today - day).days


Evaluator = Callable[[Context, dict[str, Any]], Evaluation]
REGISTRY: dict[str, Evaluator] = {}


def evaluator(name: str) -> Callable[[Evaluator], Evaluator]:
    """Register ``function`` under ``name``, the name the maps' evidence rules use."""

    def register(function: Evaluator) -> Evaluator:
        if name in REGISTRY:
            raise ValueError(f"evaluator {name!r} registered twice")
        REGISTRY[name] = function
        return function

    return register


def evaluators_unknown(names: Iterable[str]) -> list[str]:
    """The names no evaluator is registered under (a map naming one is refused)."""
    return sorted(set(names) - set(REGISTRY))


def below(value: Any, target: Any, *, higher_is_better: bool = True) -> bool:
    if value is None:
        return False
    value, target = Decimal(str(value)), Decimal(str(target))
    return value < target if higher_is_better else value > target
