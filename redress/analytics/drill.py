"""From a figure to the complaints it counts (the drill-down), and back.

A breakdown gives each count a query (``Drill.query``): the period, the filters, the measure
and the instant the figure was computed at. The queue lists ``drill_complaints`` of that query:
the same cohort and the same condition (``measures.complaint_conditions``), so the list holds
exactly the complaints counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from redress.analytics import ageing
from redress.analytics import now as now_module
from redress.analytics.cohort import NONE, Cohort, Period, organisation_zone
from redress.analytics.measures import NOT_ACCEPTED, complaint_conditions
from redress.analytics.request import NONE_CODE, cohort_for
from redress.complaints.models import Category, Complaint, ComplaintEvent, Decision, Product
from redress.complaints.models.records import Remedy
from redress.core.errors import ValidationFailed
from redress.core.models import OrgUnit
from redress.core.selectors import organisation_get

if TYPE_CHECKING:
    from redress.core.models import User

OUTCOME_LABELS = {
    "upheld": gettext_lazy("Upheld"),
    "partly_upheld": gettext_lazy("Partly upheld"),
    "not_upheld": gettext_lazy("Not upheld"),
    "not_accepted": gettext_lazy("Not accepted"),
    "withdrawn": gettext_lazy("Withdrawn"),
    "pending": gettext_lazy("No decision yet"),
}
# The drill-down's own parameters beside the cohort's (from, to, unit, category, …).
PARAMETERS = ("measure", "outcome", "at", "unit_exact", "category_exact")
# Filters that take the units or categories below too, unless the query says "exact".
EXACT = ("unit", "category")


def outcome_annotation() -> Case:
    """How a complaint ended so far: withdrawn, not accepted, the outcome of its latest
    communicated decision, or no decision yet."""
    latest = (
        Decision.objects.filter(complaint=OuterRef("pk"), state=Decision.State.COMMUNICATED)
        .order_by("-communicated_at", "-pk")
        .values("outcome")[:1]
    )
    withdrawn = ComplaintEvent.objects.filter(complaint=OuterRef("pk"), action="withdraw")
    return Case(
        When(Exists(withdrawn), then=Value("withdrawn")),
        When(classification__in=NOT_ACCEPTED, then=Value("not_accepted")),
        default=Coalesce(Subquery(latest), Value("pending")),
    )


def _remedied() -> Q:
    remedies = Remedy.objects.filter(
        decision__complaint=OuterRef("pk"),
        decision__state=Decision.State.COMMUNICATED,
        currency=organisation_get().currency,
    )
    return Q(Exists(remedies))


def _backlog_condition(bucket: str, now: dt.datetime) -> Q:
    young = ageing.age_condition(now, younger_than=7)
    middle = ageing.age_condition(now, younger_than=30)
    return {"0_7": young, "8_30": middle & ~young, "over_30": ~middle}[bucket]


def measure_condition(measure: str, now: dt.datetime) -> Q:
    """The condition of a measure that counts complaints, or a refusal naming it."""
    if measure.startswith("backlog_") and measure[8:] in ("0_7", "8_30", "over_30"):
        return ~Q(status="closed") & _backlog_condition(measure[8:], now)
    if measure == "remedied":
        return _remedied()
    if measure.startswith("now_"):
        found = now_module.now_conditions(now, organisation_zone()).get(measure)
        if found is not None:
            return found
    conditions = complaint_conditions(now)
    if measure not in conditions:
        message = _("Unknown measure “%(measure)s”.") % {"measure": measure}
        raise ValidationFailed(message, fields={"measure": [message]})
    return conditions[measure]


def is_about_now(measure: str) -> bool:
    """Whether the measure counts the open complaints now, whenever received."""
    return measure.startswith(("backlog_", "now_"))


class Drill:
    """Builds the drill-down queries of one cohort's figures."""

    def __init__(self, cohort: Cohort) -> None:
        self.cohort = cohort
        self._codes: dict[str, dict[int, str]] = {}

    def _code(self, model: type, pk: int | None) -> str:
        if pk is None or pk == NONE:
            return NONE_CODE
        name = model.__name__
        if name not in self._codes:
            self._codes[name] = dict(model.objects.values_list("pk", "code"))  # type: ignore[attr-defined]
        return self._codes[name].get(pk, "")

    def query(self, measure: str, *, period: Period | None = None, **values: Any) -> dict[str, str]:
        """The queue's query for the complaints a figure counts: the cohort's filters, with
        ``values`` (a unit, category, product, channel, priority or outcome) narrowing them."""
        filters = self.cohort.filters
        chosen: dict[str, Any] = {
            "unit": filters.unit,
            "category": filters.category,
            "product": filters.product,
            "channel": filters.channel,
            "priority": filters.priority,
        }
        chosen.update(values)
        query: dict[str, str] = {"measure": measure, "at": self.cohort.now.isoformat()}
        if not is_about_now(measure):
            period = period or self.cohort.period
            query["from"], query["to"] = period.first.isoformat(), period.last.isoformat()
        models = {"unit": OrgUnit, "category": Category, "product": Product}
        for key, value in chosen.items():
            if key in models:
                if value is not None or key in values:
                    query[key] = self._code(models[key], value)
                if key in values and key in EXACT:
                    # A breakdown's row is that unit or category alone, not the ones below.
                    query[f"{key}_exact"] = "1"
            elif value:
                query[key] = str(value)
        return query


def drill_complaints(user: User, params: Mapping[str, str]) -> QuerySet[Complaint]:
    """The complaints a drill-down query lists: exactly those its figure counted, among what
    the person may see. Wrong parameters are refused, naming them."""
    now = None
    if params.get("at"):
        try:
            now = dt.datetime.fromisoformat(params["at"])
        except ValueError as error:
            message = _("Enter a valid date and time.")
            raise ValidationFailed(message, fields={"at": [message]}) from error
    measure = params.get("measure") or "volume"
    first = _day(params, "from")
    last = _day(params, "to")
    cohort = cohort_for(
        user,
        first=first,
        last=last,
        unit=params.get("unit", ""),
        category=params.get("category", ""),
        channel=params.get("channel", ""),
        priority=params.get("priority", ""),
        product=params.get("product", ""),
        now=now,
    )
    queryset = cohort.visible if is_about_now(measure) else cohort.complaints
    queryset = queryset.filter(measure_condition(measure, cohort.now))
    if params.get("unit_exact") and cohort.filters.unit is not None:
        queryset = queryset.filter(unit_id=cohort.filters.unit)
    if params.get("category_exact") and cohort.filters.category not in (None, NONE):
        queryset = queryset.filter(category_id=cohort.filters.category)
    outcome = params.get("outcome", "")
    if outcome:
        if outcome not in OUTCOME_LABELS:
            message = _("Unknown value “%(value)s” (choose among: %(choices)s).") % {
                "value": outcome,
                "choices": ", ".join(OUTCOME_LABELS),
            }
            raise ValidationFailed(message, fields={"outcome": [message]})
        queryset = queryset.annotate(outcome=outcome_annotation()).filter(outcome=outcome)
    return queryset


def _day(params: Mapping[str, str], name: str) -> dt.date | None:
    if not params.get(name):
        return None
    try:
        return dt.date.fromisoformat(params[name])
    except ValueError as error:
        message = _("Enter a valid date (YYYY-MM-DD).")
        raise ValidationFailed(message, fields={name: [message]}) from error
