"""Figures: the KPI catalogue over a period, for what the token's person may see
(ISO 10002 8.4; definitions in docs/kpis.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema

from redress.analytics.cohort import Cohort
from redress.analytics.kpis import Figure, KpiResult, kpis_compute
from redress.analytics.request import cohort_for
from redress.analytics.tables import Table, breakdown_compute
from redress.api.auth import READ, api_user
from redress.api.errors import error_responses
from redress.api.schemas import Code, Day, In, Text400

router = Router(tags=["analytics"])


class KpiQuery(In):
    first: Day | None = Field(
        None, alias="from", description="First day of the period (organisation's time zone)."
    )
    last: Day | None = Field(None, alias="to", description="Last day of the period, inclusive.")
    unit: Code = Field("", description="A unit's code: that unit and the units below it.")
    category: Code = Field("", description="A category's code, with its sub-categories.")
    channel: Code = ""
    priority: Code = ""
    product: Code = ""
    kpi: Text400 = Field("", description="KPI codes, comma-separated; default: all.")


class KpiOut(Schema):
    code: str
    name: str
    value: float | int | None
    numerator: float | int | None
    denominator: float | int | None
    unit: str
    better: str = Field(description="higher, lower or neither")
    formula: str
    period_based: bool = Field(
        description="false for figures about now (the backlog), which the period does not narrow"
    )


class KpisOut(Schema):
    first: str = Field(alias="from")
    last: str = Field(alias="to")
    kpis: list[KpiOut]


def _number(value: Any) -> float | int | None:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value  # type: ignore[no-any-return]


def kpi_out(result: KpiResult) -> dict[str, Any]:
    kpi, figure = result.kpi, result.figure
    return {
        "code": kpi.code,
        "name": kpi.name_in(get_language() or "vi"),
        **_figure(figure),
        "unit": kpi.unit.value,
        "better": kpi.better.value,
        "formula": str(kpi.formula),
        "period_based": kpi.cohort_based,
    }


def _figure(figure: Figure) -> dict[str, Any]:
    return {
        "value": _number(figure.value),
        "numerator": _number(figure.numerator),
        "denominator": _number(figure.denominator),
    }


@router.get(
    "/kpis",
    auth=READ,
    response={200: KpisOut, **error_responses(401, 403, 422, 429)},
    operation_id="kpi_list",
    summary="KPIs over a period",
    by_alias=True,
)
def kpi_list(request: HttpRequest, query: Query[KpiQuery]) -> Any:
    """Every KPI of the catalogue (or those asked for in ``kpi``) over the complaints received
    in the period that the token's person may see. Figures about now (the backlog) ignore the
    period. Dates are inclusive, in the organisation's time zone; the period defaults to the
    last twelve months and may cover at most ten years."""
    cohort = cohort_for(
        api_user(request),
        first=query.first,
        last=query.last,
        unit=query.unit,
        category=query.category,
        channel=query.channel,
        priority=query.priority,
        product=query.product,
    )
    codes = [code.strip() for code in query.kpi.split(",") if code.strip()] or None
    return {
        "from": cohort.period.first.isoformat(),
        "to": cohort.period.last.isoformat(),
        "kpis": [kpi_out(result) for result in kpis_compute(cohort, codes)],
    }


class ColumnOut(Schema):
    key: str
    label: str
    unit: str


class RowOut(Schema):
    label: str
    values: dict[str, Any]
    drill: dict[str, dict[str, str]] = Field(
        description="For each count: the query that lists exactly those complaints in the "
        "back office (/staff/analytics/complaints/?…)."
    )


class BreakdownOut(Schema):
    code: str
    title: str
    summary: str
    chart: str
    first: str = Field(alias="from")
    last: str = Field(alias="to")
    columns: list[ColumnOut]
    rows: list[RowOut]
    notes: list[str]


def table_out(table: Table, cohort: Cohort) -> dict[str, Any]:
    return {
        "code": table.code,
        "title": str(table.title),
        "summary": table.summary,
        "chart": table.chart,
        "from": cohort.period.first.isoformat(),
        "to": cohort.period.last.isoformat(),
        "columns": [{"key": c.key, "label": str(c.label), "unit": c.unit} for c in table.columns],
        "rows": [
            {
                "label": row.label,
                "values": {key: _number(value) for key, value in row.values.items()},
                "drill": row.drill,
            }
            for row in table.rows
        ],
        "notes": [str(note) for note in table.notes],
    }


class BreakdownQuery(In):
    first: Day | None = Field(None, alias="from")
    last: Day | None = Field(None, alias="to")
    unit: Code = ""
    category: Code = ""
    channel: Code = ""
    priority: Code = ""
    product: Code = ""


@router.get(
    "/analytics/{breakdown}",
    auth=READ,
    response={200: BreakdownOut, **error_responses(401, 403, 422, 429)},
    operation_id="breakdown_get",
    summary="One breakdown, trend or control chart over a period",
    by_alias=True,
)
def breakdown_get(request: HttpRequest, breakdown: str, query: Query[BreakdownQuery]) -> Any:
    """A breakdown by its code: `pareto_category`, `pareto_product`, `pareto_unit`,
    `pareto_channel`, `trend_monthly`, `crosstab_category_unit`, `crosstab_category_outcome`,
    `crosstab_channel_priority`, `backlog_ageing`, `sla_by_unit`, `remedy_cost`,
    `control_volume`, `control_ack_on_time`, `control_time_to_close`. Same period and filters
    as `/kpis`."""
    cohort = cohort_for(
        api_user(request),
        first=query.first,
        last=query.last,
        unit=query.unit,
        category=query.category,
        channel=query.channel,
        priority=query.priority,
        product=query.product,
    )
    return table_out(breakdown_compute(breakdown, cohort), cohort)
