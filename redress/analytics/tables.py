"""The one shape every breakdown, trend and control chart is given in, so that one component
draws any of them (a chart, its table view, its CSV and XLSX, the PDF report) and every count
links to the complaints it counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from redress.core.errors import ValidationFailed

if TYPE_CHECKING:
    from redress.analytics.cohort import Cohort


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    # "count", "percent", "money", "working_days", "hours", "score", "text", "date"
    unit: str = "count"
    # How to draw the column: "bar", "line", "scatter" (points), "limit" (a control limit,
    # dashed), or "" (table only: labels, keys).
    draw: str = "bar"


@dataclass(frozen=True)
class Row:
    """One line: its label, its values by column key, and for each column whose figure is a
    count of complaints, the queue query that lists exactly those complaints."""

    label: str
    values: dict[str, Any]
    drill: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Table:
    code: str
    title: str | Promise
    # One sentence for screen readers and the report: what the chart shows, in words.
    summary: str
    # "pareto" (bars and a cumulative line), "line", "bar", "stacked", "heatmap", "control"
    chart: str
    columns: list[Column]
    rows: list[Row]
    notes: list[str] = field(default_factory=list)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


Breakdown = Callable[["Cohort"], Table]
# Every breakdown and control chart by its code: (title, function). The modules that define
# them register here when the app is ready (``AnalyticsConfig.ready``).
BREAKDOWNS: dict[str, tuple[Any, Breakdown]] = {}


def breakdown(code: str, title: Any) -> Callable[[Breakdown], Breakdown]:
    def register(function: Breakdown) -> Breakdown:
        BREAKDOWNS[code] = (title, function)
        return function

    return register


def breakdown_compute(code: str, cohort: Cohort) -> Table:
    """One breakdown by its code, or a refusal naming the parameter."""
    if code not in BREAKDOWNS:
        message = _("There is no breakdown “%(code)s” (choose among: %(choices)s).") % {
            "code": code,
            "choices": ", ".join(sorted(BREAKDOWNS)),
        }
        raise ValidationFailed(message, fields={"breakdown": [message]})
    return BREAKDOWNS[code][1](cohort)
