"""Analysis of the complaint stream (ISO 10002 8.2): where complaints come from, how they end,
how old the open ones are, which units keep their deadlines, what remedies cost.

Each breakdown is one or two grouped queries over a cohort, given as a ``tables.Table`` whose
counts carry the drill-down query that lists exactly the complaints counted
(``analytics.drill``). Control charts are in ``analytics.control``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any, cast

from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from redress.analytics import ageing
from redress.analytics.cohort import Cohort, Period
from redress.analytics.drill import OUTCOME_LABELS, Drill, outcome_annotation
from redress.analytics.measures import (
    REVIEW_DECIDED,
    STAGE_FIELDS,
    complaint_conditions,
    overdue_counts,
    review_clocks,
    review_overdue,
)
from redress.analytics.rollup_figures import PAIRS
from redress.analytics.rollup_read import rollup_covers, rollup_grouped
from redress.analytics.tables import BREAKDOWNS, Column, Row, Table, breakdown
from redress.complaints.models import Category, Channel, Complaint, Decision, Priority, Product
from redress.complaints.models.records import Remedy
from redress.core.models import OrgUnit
from redress.core.selectors import organisation_get
from redress.sla.models import StageClock


def _english() -> bool:
    return (get_language() or "vi").startswith("en")


# ---------------------------------------------------------------------------------------------
# Labels of each dimension's values (vocabularies are small: one query each)


def _names(model: type, *, field: str = "name_vi") -> dict[int, str]:
    english = "name_en"
    rows = model.objects.values_list("pk", field, english)  # type: ignore[attr-defined]
    return {pk: (en or vi) if _english() else vi for pk, vi, en in rows}


DIMENSIONS: dict[str, tuple[str, Any]] = {
    "category": ("category_id", gettext_lazy("Category")),
    "product": ("product_id", gettext_lazy("Product or service")),
    "unit": ("unit_id", gettext_lazy("Unit")),
    "channel": ("channel", gettext_lazy("Channel")),
    "priority": ("priority", gettext_lazy("Priority")),
    "outcome": ("outcome", gettext_lazy("Outcome")),
}


def _labeller(dimension: str) -> Callable[[Any], str]:
    names: dict[Any, Any]
    if dimension == "category":
        names = _names(Category)
    elif dimension == "product":
        names = _names(Product)
    elif dimension == "unit":
        names = _names(OrgUnit, field="name")
    elif dimension == "channel":
        names = dict(Channel.choices)
    elif dimension == "priority":
        names = dict(Priority.choices)
    else:
        names = {key: str(label) for key, label in OUTCOME_LABELS.items()}
    none = _("(none)")
    return lambda key: str(names.get(key, none)) if key is not None else none


def _grouped(cohort: Cohort, dimension: str) -> QuerySet[Complaint]:
    queryset = cohort.complaints
    if dimension == "outcome":
        queryset = queryset.annotate(outcome=outcome_annotation())
    return queryset


# ---------------------------------------------------------------------------------------------
# Pareto


def _pareto_counts(cohort: Cohort, dimension: str) -> list[tuple[Any, int]]:
    """(value, complaints) from the largest group down."""
    field = DIMENSIONS[dimension][0]
    if dimension == "unit" and rollup_covers(cohort):
        grouped = rollup_grouped(cohort, "total", "unit")
    elif dimension != "unit" and rollup_covers(cohort, dimension):
        grouped = rollup_grouped(cohort, dimension, "value")
    else:
        grouped = {
            key: Counter(volume=n)
            for key, n in _grouped(cohort, dimension)
            .values(field)
            .annotate(n=Count("pk"))
            .values_list(field, "n")
        }
    counts = [(key, found["volume"]) for key, found in grouped.items()]
    # Ties in a fixed order on every database: by value, "none" last.
    return sorted(counts, key=lambda pair: (-pair[1], pair[0] is None, pair[0] or 0))


def _pareto(cohort: Cohort, dimension: str) -> Table:
    name = DIMENSIONS[dimension][1]
    counts = _pareto_counts(cohort, dimension)
    total = sum(n for _, n in counts)
    label = _labeller(dimension)
    drill = Drill(cohort)
    rows, running = [], 0
    for key, n in counts:
        running += n
        rows.append(
            Row(
                label(key),
                {
                    "count": n,
                    "share": round(100 * n / total, 1),
                    "cumulative": round(100 * running / total, 1),
                },
                {"count": drill.query("volume", **{dimension: key})},
            )
        )
    top = rows[0].label if rows else ""
    summary = (
        _(
            "%(total)d complaints by %(dimension)s; the largest group is %(top)s with "
            "%(share)s%% of them."
        )
        % {
            "total": total,
            "dimension": str(name).lower(),
            "top": top,
            "share": rows[0].values["share"] if rows else 0,
        }
        if rows
        else _("No complaints in this period.")
    )
    return Table(
        code=f"pareto_{dimension}",
        title=BREAKDOWNS[f"pareto_{dimension}"][0],
        summary=summary,
        chart="pareto",
        columns=[
            Column("count", _("Complaints")),
            Column("share", _("Share"), "percent", ""),
            Column("cumulative", _("Cumulative share"), "percent", "line"),
        ],
        rows=rows,
    )


for _dimension, _title in (
    ("category", gettext_lazy("Complaints by category (Pareto)")),
    ("product", gettext_lazy("Complaints by product or service (Pareto)")),
    ("unit", gettext_lazy("Complaints by unit (Pareto)")),
    ("channel", gettext_lazy("Complaints by channel (Pareto)")),
):
    breakdown(f"pareto_{_dimension}", _title)(partial(_pareto, dimension=_dimension))


# ---------------------------------------------------------------------------------------------
# Trends


def _month_starts(period: Period) -> list[dt.date]:
    months, day = [], period.first.replace(day=1)
    while day <= period.last:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def _monthly_counts(cohort: Cohort) -> dict[dt.date, int]:
    if rollup_covers(cohort):
        grouped = rollup_grouped(cohort, "total", "month")
        return {month: found["volume"] for month, found in grouped.items()}  # type: ignore[misc]
    rows = (
        cohort.complaints.annotate(month=TruncMonth("received_at", tzinfo=cohort.zone))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    return {(month.date() if isinstance(month, dt.datetime) else month): n for month, n in rows}


@breakdown("trend_monthly", gettext_lazy("Complaints per month, with the previous year"))
def trend_monthly(cohort: Cohort) -> Table:
    current = _monthly_counts(cohort)
    earlier = _monthly_counts(cohort.with_period(cohort.period.shifted_years(1)))
    drill = Drill(cohort)
    rows = []
    for month in _month_starts(cohort.period):
        last_day = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        inside = Period(max(month, cohort.period.first), min(last_day, cohort.period.last))
        before = month.replace(year=month.year - 1)
        rows.append(
            Row(
                f"{month:%m/%Y}",
                {"count": current.get(month, 0), "previous_year": earlier.get(before, 0)},
                {
                    "count": drill.query("volume", period=inside),
                    "previous_year": drill.query("volume", period=inside.shifted_years(1)),
                },
            )
        )
    total, before_total = sum(current.values()), sum(earlier.values())
    return Table(
        code="trend_monthly",
        title=BREAKDOWNS["trend_monthly"][0],
        summary=_("%(total)d complaints in the period, against %(before)d a year earlier.")
        % {"total": total, "before": before_total},
        chart="line",
        columns=[
            Column("count", _("This period"), "count", "bar"),
            Column("previous_year", _("A year earlier"), "count", "line"),
        ],
        rows=rows,
    )


# ---------------------------------------------------------------------------------------------
# Cross-tabulations


def _crosstab_cells(cohort: Cohort, across: str, down: str) -> list[tuple[Any, Any, int]]:
    """(row value, column value, complaints) for each cell that has any."""
    if down == "unit" and rollup_covers(cohort, across):
        grouped = rollup_grouped(cohort, across, "value_unit")
    elif f"{across}_{down}" in PAIRS and rollup_covers(cohort, f"{across}_{down}"):
        grouped = rollup_grouped(cohort, f"{across}_{down}", "value")
    else:
        row_field, column_field = DIMENSIONS[across][0], DIMENSIONS[down][0]
        queryset = _grouped(cohort, "outcome" if "outcome" in (across, down) else across)
        return list(
            queryset.values(row_field, column_field)
            .annotate(n=Count("pk"))
            .values_list(row_field, column_field, "n")
        )
    cells = []
    for pair, found in grouped.items():
        row_key, column_key = cast(tuple[Any, Any], pair)
        cells.append((row_key, column_key, found["volume"]))
    return cells


def _crosstab(cohort: Cohort, across: str, down: str) -> Table:
    row_name, column_name = DIMENSIONS[across][1], DIMENSIONS[down][1]
    cells = _crosstab_cells(cohort, across, down)
    row_label, column_label = _labeller(across), _labeller(down)
    column_keys = sorted({c for _, c, _ in cells}, key=lambda k: column_label(k))
    row_keys = sorted({r for r, _, _ in cells}, key=lambda k: row_label(k))
    found = {(r, c): n for r, c, n in cells}
    drill = Drill(cohort)
    rows = []
    for r in row_keys:
        values: dict[str, Any] = {}
        links = {}
        for c in column_keys:
            key = str(c)
            values[key] = found.get((r, c), 0)
            if values[key]:
                links[key] = drill.query("volume", **{across: r, down: c})
        rows.append(Row(row_label(r), values, links))
    return Table(
        code=f"crosstab_{across}_{down}",
        title=BREAKDOWNS[f"crosstab_{across}_{down}"][0],
        summary=_("%(rows)s (rows) against %(columns)s (columns): %(total)d complaints.")
        % {
            "rows": row_name,
            "columns": str(column_name).lower(),
            "total": sum(found.values()),
        },
        chart="heatmap",
        columns=[Column(str(c), column_label(c)) for c in column_keys],
        rows=rows,
    )


for _across, _down, _title in (
    ("category", "unit", gettext_lazy("Category by unit")),
    ("category", "outcome", gettext_lazy("Category by outcome")),
    ("channel", "priority", gettext_lazy("Channel by priority")),
):
    breakdown(f"crosstab_{_across}_{_down}", _title)(partial(_crosstab, across=_across, down=_down))


# ---------------------------------------------------------------------------------------------
# Backlog, deadlines, cost


@breakdown("backlog_ageing", gettext_lazy("Open complaints by working-day age and priority"))
def backlog_ageing(cohort: Cohort) -> Table:
    young = ageing.age_condition(cohort.now, younger_than=7)
    middle = ageing.age_condition(cohort.now, younger_than=30)
    buckets = {"0_7": young, "8_30": middle & ~young, "over_30": ~middle}
    labels = {
        "0_7": _("0–7 working days"),
        "8_30": _("8–30 working days"),
        "over_30": _("over 30 working days"),
    }
    by_priority = ageing.backlog_by_priority(cohort)
    if by_priority is None:
        open_now = cohort.visible.exclude(status="closed")
        counts = open_now.values("priority").annotate(
            **{bucket: Count("pk", filter=condition) for bucket, condition in buckets.items()}
        )
        by_priority = {row["priority"]: cast(dict[str, int], row) for row in counts}
    drill = Drill(cohort)
    rows = []
    for bucket in buckets:
        values = {p: by_priority.get(p, {}).get(bucket, 0) for p in Priority.values}
        links = {p: drill.query(f"backlog_{bucket}", priority=p) for p, n in values.items() if n}
        rows.append(Row(labels[bucket], values, links))
    total = sum(sum(row.values.values()) for row in rows)
    oldest = sum(rows[-1].values.values())
    return Table(
        code="backlog_ageing",
        title=BREAKDOWNS["backlog_ageing"][0],
        summary=_("%(total)d complaints are open now; %(oldest)d of them for over 30 working days.")
        % {"total": total, "oldest": oldest},
        chart="stacked",
        columns=[Column(p, label) for p, label in Priority.choices],
        rows=rows,
    )


def _reviews_overdue_by_unit(cohort: Cohort) -> dict[int, int]:
    """Per unit: the internal reviews of the cohort's complaints still running past their
    deadline (counted live: they change with time alone). Their few complaints are read first,
    then those complaints' units: grouping the clocks joined to their complaints made the
    planner start a parallel scan for a few dozen rows (10 ms against 1 at 1M)."""
    late = review_clocks(cohort.complaints).filter(review_overdue(cohort.now))
    complaint_ids = list(late.order_by().values_list("complaint_id", flat=True))
    if not complaint_ids:
        return {}
    units = dict(Complaint.objects.filter(pk__in=set(complaint_ids)).values_list("pk", "unit_id"))
    return dict(Counter(units[complaint_id] for complaint_id in complaint_ids))


def _stages_by_unit(cohort: Cohort) -> list[dict[str, Any]]:
    """Per unit: complaints done on time and late at each stage (late: done late, or not done
    and past the deadline), and the internal reviews, one per round, decided on time
    (``review_met``) over those decided or past their deadline (``review_counted``)."""
    conditions = complaint_conditions(cohort.now)
    if not rollup_covers(cohort):
        aggregates = {}
        for stage in STAGE_FIELDS:
            for outcome in ("on_time", "late"):
                name = f"{stage}_{outcome}"
                aggregates[name] = Count("pk", filter=conditions[name])
        rows: dict[int, dict[str, Any]] = {
            row["unit_id"]: dict(row, review_counted=0, review_met=0)
            for row in cohort.complaints.values("unit_id").annotate(**aggregates)
        }
        decided = (
            review_clocks(cohort.complaints)
            .values_list("complaint__unit_id")
            .annotate(
                counted=Count("pk", filter=REVIEW_DECIDED),
                met=Count("pk", filter=REVIEW_DECIDED & Q(outcome=StageClock.Outcome.MET)),
            )
            .order_by()
        )
        for unit_id, counted, met in decided:
            rows[unit_id]["review_counted"], rows[unit_id]["review_met"] = counted, met
        for unit_id, late_now in _reviews_overdue_by_unit(cohort).items():
            rows[unit_id]["review_counted"] += late_now
        return list(rows.values())
    kept = tuple(f"{stage}_{part}" for stage in STAGE_FIELDS for part in ("on_time", "late_done"))
    grouped = rollup_grouped(cohort, "total", "unit", (*kept, "review_counted", "review_met"))
    overdue = overdue_counts(cohort.complaints, cohort.now, by=("unit_id",))
    reviews_overdue = _reviews_overdue_by_unit(cohort)
    rows_rolled = []
    for unit_id, found in grouped.items():
        row: dict[str, Any] = {"unit_id": unit_id}
        for stage in STAGE_FIELDS:
            late_now = overdue.get((unit_id,), {}).get(f"{stage}_overdue", 0)
            row[f"{stage}_on_time"] = found[f"{stage}_on_time"]
            row[f"{stage}_late"] = found[f"{stage}_late_done"] + late_now
        late_reviews = reviews_overdue.get(cast(int, unit_id), 0)
        row["review_counted"] = found["review_counted"] + late_reviews
        row["review_met"] = found["review_met"]
        rows_rolled.append(row)
    return rows_rolled


@breakdown("sla_by_unit", gettext_lazy("Deadlines kept, by stage and unit"))
def sla_by_unit(cohort: Cohort) -> Table:
    counts = _stages_by_unit(cohort)
    names = _names(OrgUnit, field="name")
    stage_labels = {
        "ack": _("Acknowledgement"),
        "assess": _("Assessment"),
        "decision": _("Decision"),
        "close": _("Closure"),
    }
    drill = Drill(cohort)
    rows = []
    for row in sorted(counts, key=lambda r: names.get(r["unit_id"], "")):
        values: dict[str, Any] = {}
        links = {}
        for stage in STAGE_FIELDS:
            on_time, late = row[f"{stage}_on_time"], row[f"{stage}_late"]
            values[stage] = round(100 * on_time / (on_time + late), 1) if on_time + late else None
            values[f"{stage}_late"] = late
            if late:
                links[f"{stage}_late"] = drill.query(f"{stage}_late", unit=row["unit_id"])
        # Internal reviews count rounds, not complaints (a complaint may be reviewed twice):
        # their late ones have no list of complaints to drill down to.
        counted, met = row["review_counted"], row["review_met"]
        values["review"] = round(100 * met / counted, 1) if counted else None
        values["review_late"] = counted - met
        rows.append(Row(names.get(row["unit_id"], ""), values, links))
    stage_labels["review"] = _("Internal review")
    columns = [Column(stage, label, "percent") for stage, label in stage_labels.items()]
    columns += [
        Column(f"{stage}_late", _("%(stage)s: late") % {"stage": label}, "count", "")
        for stage, label in stage_labels.items()
    ]
    return Table(
        code="sla_by_unit",
        title=BREAKDOWNS["sla_by_unit"][0],
        summary=_(
            "The share of each stage done by its deadline, for %(units)d units; internal "
            "reviews are counted by round."
        )
        % {"units": len(rows)},
        chart="bar",
        columns=columns,
        rows=rows,
    )


def _remedy_sums(cohort: Cohort, currency: str) -> list[dict[str, Any]]:
    """Per category with a remedy: the remedies' cost and the complaints with one, the
    costliest first."""
    if rollup_covers(cohort, "category"):
        grouped = rollup_grouped(
            cohort, "category", "value", (f"remedied:{currency}",), currency=currency
        )
        found = [
            {"category": key, "total": sums["money"], "complaints": sums[f"remedied:{currency}"]}
            for key, sums in grouped.items()
            if sums[f"remedied:{currency}"]
        ]
        return sorted(found, key=lambda row: -row["total"])
    return [
        dict(row)
        for row in Remedy.objects.filter(
            decision__complaint__in=cohort.complaints,
            decision__state=Decision.State.COMMUNICATED,
            currency=currency,
        )
        .values(category=F("decision__complaint__category_id"))
        .annotate(
            total=Coalesce(Sum("amount"), Value(Decimal(0)), output_field=DecimalField()),
            complaints=Count("decision__complaint", distinct=True),
        )
        .order_by("-total")
    ]


@breakdown("remedy_cost", gettext_lazy("Cost of remedies by category"))
def remedy_cost(cohort: Cohort) -> Table:
    currency = organisation_get().currency
    sums = _remedy_sums(cohort, currency)
    label = _labeller("category")
    drill = Drill(cohort)
    rows = [
        Row(
            label(row["category"]),
            {
                "total": row["total"],
                "complaints": row["complaints"],
                "per_complaint": (row["total"] / row["complaints"]).quantize(Decimal(1)),
            },
            {"complaints": drill.query("remedied", category=row["category"])},
        )
        for row in sums
    ]
    total = sum(row.values["total"] for row in rows)
    return Table(
        code="remedy_cost",
        title=BREAKDOWNS["remedy_cost"][0],
        summary=_("Remedies cost %(total)s in all, across %(categories)d categories.")
        % {"total": f"{total:,}".replace(",", "."), "categories": len(rows)},
        chart="bar",
        columns=[
            Column("total", _("Cost"), "money"),
            Column("complaints", _("Complaints with a remedy"), "count", ""),
            Column("per_complaint", _("Cost per complaint"), "money", ""),
        ],
        rows=rows,
    )
