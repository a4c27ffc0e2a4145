"""The monthly report (ISO 10002 8.4, 8.7: information for management review): the KPIs, every
breakdown as a chart with its data, and the signals of the control charts, as one PDF.

The report is an HTML page (``analytics/report.html``) with print CSS, turned into PDF by
WeasyPrint; the charts are SVG drawn on the server (``analytics.svg``). It is built for the
person asking, from what they may see (``user=None``: the whole organisation, for the report
sent on the schedule, ``analytics.tasks``). Its figures are the KPI catalogue's and the
breakdowns' own, so they agree with the dashboard and the API.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from redress.analytics import spc
from redress.analytics.cohort import Cohort, Filters, Period
from redress.analytics.kpis import KpiResult, KpiUnit, kpis_compute
from redress.analytics.svg import chart_svg, value_format
from redress.analytics.tables import BREAKDOWNS, Table, breakdown_compute
from redress.core.formats import day_format, money_format, number_format
from redress.core.selectors import organisation_get

if TYPE_CHECKING:
    from redress.core.models import User

logger = logging.getLogger(__name__)

# The order the breakdowns appear in; breakdowns registered later and not named here follow.
REPORT_BREAKDOWNS = [
    "trend_monthly",
    "pareto_category",
    "pareto_product",
    "pareto_unit",
    "pareto_channel",
    "crosstab_category_unit",
    "crosstab_category_outcome",
    "crosstab_channel_priority",
    "backlog_ageing",
    "sla_by_unit",
    "remedy_cost",
    "control_volume",
    "control_ack_on_time",
    "control_time_to_close",
]
# A month is too short for a trend or for control limits: trends show the twelve months and
# control charts the 26 weeks up to the end of the period (longer periods are shown whole).
TREND_MONTHS = 12
CONTROL_WEEKS = 26


def _sections() -> dict[str, str]:
    return {
        "volume": _("Volume"),
        "timeliness": _("Timeliness"),
        "backlog": _("Open complaints now"),
        "outcomes": _("Outcomes"),
        "satisfaction": _("Satisfaction"),
        "cost": _("Cost"),
        "improvement": _("Continual improvement"),
        "resources": _("Resources"),
    }


def last_month(today: dt.date) -> Period:
    """The calendar month before the one ``today`` is in."""
    last = today.replace(day=1) - dt.timedelta(days=1)
    return Period(last.replace(day=1), last)


def is_month(period: Period) -> bool:
    return period.first.day == 1 and period == last_month(period.last + dt.timedelta(days=1))


def report_filename(period: Period) -> str:
    """redress-report-2026-03.pdf for a calendar month, else with both days."""
    if is_month(period):
        return f"redress-report-{period.first:%Y-%m}.pdf"
    return f"redress-report-{period.first:%Y-%m-%d}_{period.last:%Y-%m-%d}.pdf"


def period_text(period: Period, language: str | None = None) -> str:
    return f"{day_format(period.first, language=language)} – {day_format(period.last, language=language)}"


def report_window(code: str, period: Period) -> Period:
    """The days a breakdown of the report covers: the period, or for trends and control
    charts the longer run that ends with it."""
    if code.startswith("trend_"):
        month = period.last.month - (TREND_MONTHS - 1)
        year = period.last.year + (month - 1) // 12
        first = dt.date(year, (month - 1) % 12 + 1, 1)
    elif code.startswith("control_"):
        first = period.last - dt.timedelta(days=7 * CONTROL_WEEKS - 1)
    else:
        return period
    return Period(min(first, period.first), period.last)


# ---------------------------------------------------------------------------------------------
# KPIs


def _plain(value: Any) -> str:
    """A numerator or denominator: whole numbers as such, others with two decimals."""
    if value is None:
        return ""
    if isinstance(value, int) or (isinstance(value, Decimal | float) and value == int(value)):
        return number_format(value, 0)
    return number_format(value, 2)


def kpi_value_text(result: KpiResult, *, currency: str = "VND") -> str:
    """A KPI's value with its unit, in the active language ("87,5%", "8.990.000 ₫")."""
    unit, value = result.kpi.unit, result.figure.value
    if value is None:
        return "—"
    if unit == KpiUnit.PERCENT:
        return number_format(value, 1) + "%"
    if unit == KpiUnit.MONEY:
        return money_format(value, currency=currency)
    if unit == KpiUnit.COUNT:
        return number_format(value, 0)
    if unit == KpiUnit.SCORE:
        return number_format(value, 2) + " / 5"
    places = 2 if unit == KpiUnit.PER_THOUSAND else 1
    return f"{number_format(value, places)} {unit.label}"


@dataclass(frozen=True)
class KpiLine:
    code: str
    name: str
    formula: str
    value: str
    numerator: str
    denominator: str


@dataclass(frozen=True)
class KpiSection:
    title: str
    lines: list[KpiLine]


def kpi_sections(results: list[KpiResult], *, currency: str) -> list[KpiSection]:
    titles = _sections()
    grouped: dict[str, list[KpiLine]] = {}
    for result in results:
        kpi, figure = result.kpi, result.figure
        money = kpi.unit == KpiUnit.MONEY
        grouped.setdefault(kpi.section, []).append(
            KpiLine(
                code=kpi.code,
                name=str(kpi.name),
                formula=str(kpi.formula),
                value=kpi_value_text(result, currency=currency),
                numerator=(
                    money_format(figure.numerator, currency=currency)
                    if money and figure.numerator is not None
                    else _plain(figure.numerator)
                ),
                denominator=_plain(figure.denominator),
            )
        )
    return [
        KpiSection(titles.get(section, section.replace("_", " ").capitalize()), lines)
        for section, lines in grouped.items()
    ]


# ---------------------------------------------------------------------------------------------
# Breakdowns


def _rule_names(codes: str) -> str:
    names = {
        spc.RULE_1: _("rule 1"),
        spc.RULE_2: _("rule 2"),
        spc.RULE_3: _("rule 3"),
        spc.RULE_4: _("rule 4"),
    }
    return ", ".join(names.get(code, code) for code in codes.split())


# The columns of a control chart that are computed, not counted: shown with two decimals.
CONTROL_LINES = ("centre", "ucl", "lcl")


def cell_text(value: Any, unit: str, key: str = "", *, control: bool = False) -> str:
    if key == "signal":
        return _rule_names(str(value or ""))
    if control and key in CONTROL_LINES and unit not in ("percent", "proportion"):
        return number_format(value, 2)
    return value_format(value, unit)


@dataclass
class ChartBlock:
    table: Table
    svg: SafeString
    first_header: str
    headers: list[str]
    rows: list[tuple[str, list[str]]]
    notes: list[str] = field(default_factory=list)
    signals: list[str] = field(default_factory=list)
    window: str = ""


def chart_block(table: Table, *, window: Period | None = None) -> ChartBlock:
    if table.chart == "control":
        first_header = _("Week of")
    elif table.code.startswith("trend_"):
        first_header = _("Month")
    else:
        first_header = ""
    control = table.chart == "control"
    rows = [
        (
            row.label,
            [
                cell_text(row.values.get(c.key), c.unit, c.key, control=control)
                for c in table.columns
            ],
        )
        for row in table.rows
    ]
    notes = [str(note) for note in table.notes]
    signals: list[str] = []
    if table.chart == "control" and table.rows:
        # The first note states the baseline; each later one is a signal with its weeks.
        notes, signals = notes[:1], notes[1:]
    return ChartBlock(
        table=table,
        svg=chart_svg(table),
        first_header=first_header,
        headers=[str(c.label) for c in table.columns],
        rows=rows,
        notes=notes,
        signals=signals,
        window=period_text(window) if window is not None else "",
    )


def report_codes() -> list[str]:
    known = [code for code in REPORT_BREAKDOWNS if code in BREAKDOWNS]
    return known + sorted(code for code in BREAKDOWNS if code not in REPORT_BREAKDOWNS)


def chart_blocks(cohort: Cohort) -> list[ChartBlock]:
    blocks = []
    for code in report_codes():
        window = report_window(code, cohort.period)
        try:
            table = breakdown_compute(code, cohort.with_period(window))
        except spc.BaselineTooShort:
            logger.info("report: %s has too few points for its limits; left out", code)
            continue
        blocks.append(chart_block(table, window=window if window != cohort.period else None))
    return blocks


# ---------------------------------------------------------------------------------------------
# The report


def _css_string(text: str) -> SafeString:
    """A CSS string literal holding ``text`` (the page footer's words)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ")
    return mark_safe(f'"{escaped}"')  # noqa: S308 - quoted and escaped for CSS


def report_context(
    period: Period, *, user: User | None, language: str, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Everything the report shows, in the active language."""
    now = now or timezone.now()
    cohort = Cohort(user=user, period=period, filters=Filters(), now=now)
    organisation = organisation_get()
    name = organisation.name_en if language == "en" and organisation.name_en else organisation.name
    local_now = now.astimezone(cohort.zone)
    blocks = chart_blocks(cohort)
    if user is None or cohort.sees_everything:
        scope = _("The whole organisation.")
    else:
        scope = _("The complaints %(name)s may see.") % {
            "name": user.get_full_name() or user.get_username()
        }
    return {
        "language": language,
        "organisation": name,
        "title": _("Monthly complaints report") if is_month(period) else _("Complaints report"),
        "period": period_text(period, language),
        "generated": f"{day_format(local_now.date(), language=language)} {local_now:%H:%M}",
        "scope": scope,
        "kpi_sections": kpi_sections(kpis_compute(cohort), currency=organisation.currency),
        "blocks": blocks,
        "signal_blocks": [block for block in blocks if block.signals],
        "control_blocks": [block for block in blocks if block.table.chart == "control"],
        "page_label": _css_string(_("Page")),
        "footer_label": _css_string(f"{name} · {period_text(period, language)}"),
    }


def monthly_report_html(
    period: Period,
    *,
    user: User | None = None,
    language: str = "vi",
    now: dt.datetime | None = None,
) -> str:
    with translation.override(language):
        return render_to_string(
            "analytics/report.html", report_context(period, user=user, language=language, now=now)
        )


def monthly_report_pdf(
    period: Period,
    *,
    user: User | None = None,
    language: str = "vi",
    now: dt.datetime | None = None,
) -> bytes:
    """The report of ``period`` as PDF, in ``language``, for what ``user`` may see (None: the
    whole organisation)."""
    # WeasyPrint loads Pango when imported: only the processes that render a report pay for it.
    from weasyprint import HTML

    html = monthly_report_html(period, user=user, language=language, now=now)
    pdf = HTML(string=html).write_pdf()
    assert pdf is not None
    return bytes(pdf)
