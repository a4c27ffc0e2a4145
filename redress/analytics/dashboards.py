"""What the dashboards show besides the breakdowns: KPI tiles judged against their targets, the
drill-down behind each tile, and a drill-down query in words.

Each role's dashboard is a list of KPI codes and breakdown codes (``BOARDS``); the back office
draws them. A tile's figure comes from the catalogue (``kpis.kpis_compute``), its target from
``KpiTarget``; where the KPI counts complaints, or is a share of them, the tile links to the
drill-down of the complaints it counts (for an on-time share: the late ones).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from redress.analytics.breakdowns import DIMENSIONS
from redress.analytics.cohort import Cohort
from redress.analytics.drill import OUTCOME_LABELS, Drill, is_about_now
from redress.analytics.kpis import CATALOGUE, Better, Figure, Kpi, kpis_compute
from redress.analytics.models import KpiTarget
from redress.analytics.now import STAGES
from redress.analytics.request import period_check
from redress.complaints.models import Category, Channel, Complaint, Priority, Product
from redress.core.models import OrgUnit

# A tile is amber, not red, when it misses its target by at most this share of the target.
AMBER = Decimal("0.10")


@dataclass(frozen=True)
class Board:
    kpis: tuple[str, ...]
    charts: tuple[str, ...]


BOARDS = {
    "manager": Board(
        kpis=(
            "volume",
            "ack_on_time_pct",
            "assess_on_time_pct",
            "decision_on_time_pct",
            "close_on_time_pct",
            "median_working_days_to_close",
            "backlog_over_30",
            "reopen_pct",
            "escalation_pct",
            "review_on_time_pct",
            "satisfaction_mean",
        ),
        charts=(
            "trend_monthly",
            "pareto_category",
            "backlog_ageing",
            "control_volume",
            "control_ack_on_time",
        ),
    ),
    "top": Board(
        kpis=(
            "volume",
            "significant_count",
            "close_on_time_pct",
            "acceptance_pct",
            "escalation_pct",
            "referral_pct",
            "satisfaction_mean",
            "remedy_cost_total",
            "complaint_rate",
        ),
        charts=("trend_monthly", "pareto_category", "crosstab_category_outcome"),
    ),
    "handler": Board(
        kpis=("ack_on_time_pct", "assess_on_time_pct", "decision_on_time_pct", "close_on_time_pct"),
        charts=(),
    ),
}

# KPIs that count complaints or are a share of them: the drill-down measure listing the
# complaints behind the tile, and which of the figure's numbers is their count ("value",
# "numerator", or "rest": the denominator less the numerator, e.g. the late ones).
KPI_DRILL: dict[str, tuple[str, str]] = {
    "volume": ("volume", "value"),
    "significant_count": ("significant", "value"),
    "ack_on_time_pct": ("ack_late", "rest"),
    "assess_on_time_pct": ("assess_late", "rest"),
    "decision_on_time_pct": ("decision_late", "rest"),
    "close_on_time_pct": ("close_late", "rest"),
    "vulnerable_priority_pct": ("vulnerable_ack_late", "rest"),
    "backlog_0_7": ("backlog_0_7", "value"),
    "backlog_8_30": ("backlog_8_30", "value"),
    "backlog_over_30": ("backlog_over_30", "value"),
    "reopen_pct": ("reopened", "numerator"),
    "escalation_pct": ("reviewed", "numerator"),
    "referral_pct": ("referred_closed", "numerator"),
    "not_accepted_pct": ("not_accepted", "numerator"),
    "withdrawn_pct": ("withdrawn", "numerator"),
}

_STAGE_WORDS = {
    "ack": _("at acknowledgement"),
    "assess": _("at assessment"),
    "decision": _("waiting for a decision"),
    "review": _("under internal review"),
    "close": _("waiting to be closed"),
}
# What the complaints a drill-down lists have in common, in words.
MEASURE_WORDS: dict[str, Any] = {
    "volume": _("all complaints received"),
    "significant": _("marked significant"),
    "open": _("not closed"),
    "closed": _("closed"),
    "ever_closed": _("closed at least once"),
    "reopened": _("reopened"),
    "not_accepted": _("not accepted (not a complaint, or out of scope)"),
    "withdrawn": _("withdrawn"),
    "reviewed": _("taken to internal review"),
    "referred_closed": _("closed after referral to an external body"),
    "negotiation": _("negotiation requests (Law 19/2023 Art. 57)"),
    "ack_on_time": _("acknowledged on time"),
    "ack_late": _("acknowledged late, or not acknowledged and past the deadline"),
    "assess_on_time": _("assessed on time"),
    "assess_late": _("assessed late, or not assessed and past the deadline"),
    "decision_on_time": _("decision communicated on time"),
    "decision_late": _("decision communicated late, or none yet and past the deadline"),
    "close_on_time": _("closed on time"),
    "close_late": _("closed late, or not closed and past the deadline"),
    "ack_late_done": _("acknowledged late"),
    "ack_overdue": _("not acknowledged and past the deadline"),
    "assess_late_done": _("assessed late"),
    "assess_overdue": _("not assessed and past the deadline"),
    "decision_late_done": _("decision communicated late"),
    "decision_overdue": _("no decision communicated and past the deadline"),
    "close_late_done": _("closed late"),
    "close_overdue": _("not closed and past the deadline"),
    "vulnerable_ack_on_time": _("from vulnerable consumers, acknowledged on time"),
    "vulnerable_ack_late_done": _("from vulnerable consumers, acknowledged late"),
    "vulnerable_ack_overdue": _(
        "from vulnerable consumers, not acknowledged and past the deadline"
    ),
    "vulnerable_ack_late": _(
        "from vulnerable consumers, acknowledged late or not yet and past the deadline"
    ),
    "backlog_0_7": _("open now, up to 7 working days old"),
    "backlog_8_30": _("open now, 8 to 30 working days old"),
    "backlog_over_30": _("open now, over 30 working days old"),
    "remedied": _("with a remedy in a communicated decision"),
    "now_open": _("open now"),
    "now_overdue": _("open now and past the running deadline"),
    "now_due_week": _("open now and due by the end of this week"),
}
_NOW_WORDS = {
    "open": MEASURE_WORDS["now_open"],
    "overdue": MEASURE_WORDS["now_overdue"],
    "due_week": MEASURE_WORDS["now_due_week"],
}
ROW_HEADINGS: dict[str, Any] = {
    "trend_monthly": _("Month"),
    "backlog_ageing": _("Age"),
    "sla_by_unit": _("Unit"),
    "remedy_cost": _("Category"),
}


def measure_words(measure: str) -> str:
    """The complaints a measure lists, in words ("" for an unknown measure)."""
    if measure in MEASURE_WORDS:
        return str(MEASURE_WORDS[measure])
    for figure, words in _NOW_WORDS.items():
        for stage in STAGES:
            if measure == f"now_{figure}_{stage}":
                return f"{words}, {_STAGE_WORDS[stage]}"
    return ""


def row_heading(code: str) -> str:
    """The heading of a breakdown's first column (what its rows are)."""
    if code in ROW_HEADINGS:
        return str(ROW_HEADINGS[code])
    if code.startswith("control_"):
        return str(_("Week starting"))
    parts = code.split("_")
    if parts[0] in ("pareto", "crosstab") and len(parts) > 1 and parts[1] in DIMENSIONS:
        return str(DIMENSIONS[parts[1]][1])
    return ""


# ---------------------------------------------------------------------------------------------
# Tiles


def tile_state(better: str, value: Any, target: Decimal | None) -> str:
    """ "met", "near" (within ``AMBER`` of the target), "missed", or "" when there is nothing
    to judge: no target, no value, or a KPI with no direction."""
    if target is None or value is None or better == Better.NEITHER:
        return ""
    number = Decimal(str(value))
    band = abs(target) * AMBER
    if better == Better.HIGHER:
        if number >= target:
            return "met"
        return "near" if number >= target - band else "missed"
    if number <= target:
        return "met"
    return "near" if number <= target + band else "missed"


@dataclass(frozen=True)
class Tile:
    kpi: Kpi
    figure: Figure
    target: Decimal | None
    state: str
    # The drill-down of the complaints behind the figure, how many it lists, and what they are.
    drill: dict[str, str] | None = None
    drill_count: int | None = None
    drill_words: str = ""


def _drill_count(figure: Figure, kind: str) -> int | None:
    if kind == "value":
        number = figure.value
    elif kind == "numerator":
        number = figure.numerator
    else:
        if figure.numerator is None or figure.denominator is None:
            return None
        number = Decimal(str(figure.denominator)) - Decimal(str(figure.numerator))
    return None if number is None else int(number)


def kpi_targets(codes: Iterable[str]) -> dict[str, Decimal]:
    return dict(KpiTarget.objects.filter(kpi__in=list(codes)).values_list("kpi", "target"))


def tiles_compute(cohort: Cohort, codes: Iterable[str]) -> list[Tile]:
    """The tiles of the given KPIs over one cohort: figures, targets and drill-downs (the
    catalogue's aggregate queries, one for the targets)."""
    codes = [code for code in codes if code in CATALOGUE]
    targets = kpi_targets(codes)
    drill = Drill(cohort)
    tiles = []
    for result in kpis_compute(cohort, codes):
        kpi, figure = result.kpi, result.figure
        query, count, words = None, None, ""
        if kpi.code in KPI_DRILL:
            measure, kind = KPI_DRILL[kpi.code]
            query, count = drill.query(measure), _drill_count(figure, kind)
            words = measure_words(measure)
        target = targets.get(kpi.code)
        tiles.append(
            Tile(
                kpi=kpi,
                figure=figure,
                target=target,
                state=tile_state(kpi.better, figure.value, target),
                drill=query,
                drill_count=count,
                drill_words=words,
            )
        )
    return tiles


def significant_recent(cohort: Cohort, *, limit: int = 10) -> list[Complaint]:
    """The latest significant complaints received in the period (one query)."""
    rows: QuerySet[Complaint] = (
        cohort.complaints.filter(is_significant=True)
        .select_related("unit", "category")
        .order_by("-received_at", "-pk")
    )
    return list(rows[:limit])


# ---------------------------------------------------------------------------------------------
# A drill-down query in words


@dataclass(frozen=True)
class DrillDescription:
    words: str
    about_now: bool
    first: dt.date | None
    last: dt.date | None
    at: dt.datetime | None
    # (what, which) pairs: ("Unit", "Customer care"), …
    filters: list[tuple[str, str]]


def _name_by_code(model: type, code: str, language: str) -> str:
    if code == "none":
        return str(_("(none)"))
    row = model.objects.filter(code=code).first()  # type: ignore[attr-defined]
    return row.display_name(language) if row is not None else code


def drill_describe(params: Mapping[str, str], *, language: str) -> DrillDescription:
    """What a (valid) drill-down query lists, for the line above the list: the measure in
    words, the period or the instant, and each filter by name."""
    measure = params.get("measure") or "volume"
    about_now = is_about_now(measure)
    filters: list[tuple[str, str]] = []
    for key, model, label in (
        ("unit", OrgUnit, _("Unit")),
        ("category", Category, _("Category")),
        ("product", Product, _("Product or service")),
    ):
        if params.get(key):
            name = _name_by_code(model, params[key], language)
            if params.get(f"{key}_exact") and key != "product":
                name = str(_("%(name)s (not the ones below it)") % {"name": name})
            filters.append((str(label), name))
    for key, choices, label in (
        ("channel", Channel, _("Channel")),
        ("priority", Priority, _("Priority")),
    ):
        if params.get(key):
            filters.append((str(label), str(dict(choices.choices).get(params[key], params[key]))))
    if params.get("outcome"):
        outcome = OUTCOME_LABELS.get(params["outcome"], params["outcome"])
        filters.append((str(_("Outcome")), str(outcome)))
    at = dt.datetime.fromisoformat(params["at"]) if params.get("at") else None
    period = None
    if not about_now:
        # The same period the drill-down listed: the one asked for, else the default.
        period = period_check(
            dt.date.fromisoformat(params["from"]) if params.get("from") else None,
            dt.date.fromisoformat(params["to"]) if params.get("to") else None,
        )
    return DrillDescription(
        words=measure_words(measure),
        about_now=about_now,
        first=period.first if period else None,
        last=period.last if period else None,
        at=at,
        filters=filters,
    )
