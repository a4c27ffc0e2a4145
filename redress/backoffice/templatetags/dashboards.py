"""Template helpers of the dashboards: who sees them, figures in the person's language, and the
chart component (``{% chart chart %}``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from redress.analytics.request import analytics_allowed
from redress.backoffice.charts import Chart, drill_url, figure_text, number
from redress.core.roles import Role
from redress.core.selectors import user_roles

register = template.Library()

# The dashboard each role lands on, in order of precedence when a person holds several.
BOARD_ROLES = (
    ("manager", Role.COMPLAINTS_MANAGER),
    ("top", Role.TOP_MANAGEMENT),
    ("handler", Role.HANDLER),
)


def boards_for(user: Any) -> list[str]:
    if not getattr(user, "is_authenticated", False):
        return []
    roles = user_roles(user)
    return [board for board, role in BOARD_ROLES if role in roles]


@register.filter
def boards(user: Any) -> list[str]:
    return boards_for(user)


@register.filter
def may_analyse(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and analytics_allowed(user)


@register.filter
def figure(value: Any, unit: str) -> str:
    """A KPI's value with its unit: ``{{ tile.figure.value|figure:tile.kpi.unit }}``."""
    text = figure_text(value, unit)
    if value is None:
        return text
    suffix = {
        "hours": _("hours"),
        "working_days": _("working days"),
        "score": "/ 5",
        "per_1000": _("per 1,000"),
    }.get(unit)
    return f"{text} {suffix}" if suffix else text


@register.filter
def plain_number(value: Any) -> str:
    """A numerator or denominator: whole numbers without decimals, others with two."""
    if value is None:
        return "—"
    places = 0 if float(value) == int(value) else 2
    return number(value, places)


@register.inclusion_tag("backoffice/partials/chart.html", takes_context=True)
def chart(
    context: template.Context, chart: Chart, standalone: bool = False, level: int = 2
) -> dict[str, Any]:
    """The chart component; ``level`` is its title's heading level, ``standalone`` leaves out
    the link to the chart's own page."""
    return {
        "c": chart,
        "standalone": standalone,
        "level": level,
        "LANGUAGE_CODE": context.get("LANGUAGE_CODE"),
    }


@register.filter(name="drill_url")
def drill_url_filter(query: dict[str, str] | None) -> str:
    """The drill-down page of a drill query."""
    return drill_url(query) if query else ""
