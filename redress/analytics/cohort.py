"""Which complaints a figure counts: the cohort (ISO10002.md §4).

A KPI about a stage counts the complaints *received* in the period, so that a period's figure
describes how that period's complaints were handled, whenever the handling happened. The
period is a range of whole days, both ends included, in the organisation's time zone. Filters
narrow the cohort: a unit (with every unit below it), a category (with its sub-categories), a
channel, a priority, a product. Every cohort starts from the visibility gate of the person
looking (``complaints_visible_to``): nobody counts complaints they may not see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone

from redress.complaints.models import Category, Complaint
from redress.complaints.selectors import complaints_visible_to
from redress.core.models import OrgUnit
from redress.core.roles import ORGANISATION_WIDE_ROLES, Role
from redress.core.selectors import (
    organisation_get,
    tree_descendant_ids,
    unit_descendant_ids,
    user_roles,
)

if TYPE_CHECKING:
    from redress.core.models import User

# A category or product filter of NONE keeps the complaints without one (code "none").
NONE = 0
# The longest period a figure may cover (longer requests are refused, not truncated).
MAX_PERIOD_DAYS = 3660


def category_descendant_ids(category_id: int) -> set[int]:
    """The category and every category below it."""
    return tree_descendant_ids(Category, [category_id])


@dataclass(frozen=True)
class Filters:
    """What narrows a cohort besides the period; None means any."""

    unit: int | None = None
    category: int | None = None
    channel: str | None = None
    priority: str | None = None
    product: int | None = None

    def as_query(self) -> dict[str, Any]:
        """The filters as the queue's query parameters (drill-down links)."""
        values = {
            "unit": self.unit,
            "category": self.category,
            "channel": self.channel,
            "priority": self.priority,
            "product": self.product,
        }
        return {key: value for key, value in values.items() if value not in (None, "")}


@dataclass(frozen=True)
class Period:
    """Whole days ``first``..``last``, both included, in the organisation's time zone."""

    first: dt.date
    last: dt.date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError("the period ends before it starts")

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def bounds(self, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
        """The first instant of the period and the first instant after it."""
        start = dt.datetime.combine(self.first, dt.time.min, tzinfo=tz)
        end = dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        return start, end

    def shifted_years(self, years: int) -> Period:
        """The same days ``years`` earlier (29 February becomes the 28th)."""

        def shift(day: dt.date) -> dt.date:
            try:
                return day.replace(year=day.year - years)
            except ValueError:
                return day.replace(year=day.year - years, day=28)

        return Period(shift(self.first), shift(self.last))


def organisation_zone() -> ZoneInfo:
    return ZoneInfo(organisation_get().time_zone or timezone.get_default_timezone_name())


@dataclass
class Cohort:
    """The complaints a person may see, received in a period, narrowed by filters.

    ``now`` fixes "now" for the figures that depend on it (overdue, backlog), so that every
    figure of one answer is computed at the same instant.
    """

    user: User | None  # None: the whole organisation (the command line, scheduled reports)
    period: Period
    filters: Filters = field(default_factory=Filters)
    now: dt.datetime = field(default_factory=timezone.now)

    @cached_property
    def zone(self) -> ZoneInfo:
        return organisation_zone()

    @cached_property
    def visible(self) -> QuerySet[Complaint]:
        """What the person may see, narrowed by the filters (any time of receipt)."""
        queryset = (
            complaints_visible_to(self.user) if self.user is not None else Complaint.objects.all()
        )
        f = self.filters
        if f.unit is not None:
            queryset = queryset.filter(unit_id__in=unit_descendant_ids([f.unit]))
        if f.category == NONE:
            queryset = queryset.filter(category__isnull=True)
        elif f.category is not None:
            queryset = queryset.filter(category_id__in=category_descendant_ids(f.category))
        if f.channel:
            queryset = queryset.filter(channel=f.channel)
        if f.priority:
            queryset = queryset.filter(priority=f.priority)
        if f.product == NONE:
            queryset = queryset.filter(product__isnull=True)
        elif f.product is not None:
            queryset = queryset.filter(product_id=f.product)
        return queryset

    @cached_property
    def complaints(self) -> QuerySet[Complaint]:
        """The cohort: the visible, filtered complaints received in the period."""
        start, end = self.period.bounds(self.zone)
        return self.visible.filter(received_at__gte=start, received_at__lt=end)

    @cached_property
    def sees_everything(self) -> bool:
        """Whether the person sees every complaint of the organisation (top management,
        auditors, or complaints managers of a top-level unit)."""
        if self.user is None:
            return True
        roles = user_roles(self.user)
        if ORGANISATION_WIDE_ROLES & set(roles):
            return True
        managed = roles.get(Role.COMPLAINTS_MANAGER, set())
        return OrgUnit.objects.filter(parent__isnull=True).exclude(pk__in=managed).count() == 0

    def with_period(self, period: Period) -> Cohort:
        return Cohort(user=self.user, period=period, filters=self.filters, now=self.now)
