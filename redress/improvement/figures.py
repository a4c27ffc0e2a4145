"""Continual improvement in the analytics catalogue (ISO10002.md §4): the KPIs on systemic
issues and CAPA, and the Pareto of complaints by root cause. Registered into the analytics
app's registries when this app is ready; analytics never imports this app.

The KPIs count the records the person may see (``selectors.issues_visible_to``,
``capas_visible_to``; the whole organisation for the command line and scheduled reports), in
the cohort's period (whole days in the organisation's time zone), narrowed by its unit filter.
"""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from redress.analytics.cohort import Cohort
from redress.analytics.dashboards import ROW_HEADINGS
from redress.analytics.kpis import Better, Figure, Kpi, KpiUnit, kpi_register, percent
from redress.analytics.rollup_read import rollup_covers, rollup_grouped
from redress.analytics.tables import Column, Row, Table, breakdown
from redress.core.selectors import unit_descendant_ids
from redress.improvement.models import Capa, Cause, SystemicIssue
from redress.improvement.selectors import capas_visible_to, issues_visible_to

Model = TypeVar("Model", SystemicIssue, Capa)


def _scoped(cohort: Cohort, queryset: QuerySet[Model]) -> QuerySet[Model]:
    if cohort.filters.unit is not None:
        queryset = queryset.filter(unit_id__in=unit_descendant_ids([cohort.filters.unit]))
    return queryset


def _issues(cohort: Cohort) -> QuerySet[SystemicIssue]:
    start, end = cohort.period.bounds(cohort.zone)
    everything = SystemicIssue.objects.all()
    visible = issues_visible_to(cohort.user) if cohort.user is not None else everything
    return _scoped(cohort, visible).filter(opened_at__gte=start, opened_at__lt=end)


def _capas(cohort: Cohort) -> QuerySet[Capa]:
    visible = capas_visible_to(cohort.user) if cohort.user is not None else Capa.objects.all()
    return _scoped(cohort, visible)


def _bounds(cohort: Cohort) -> tuple[dt.datetime, dt.datetime]:
    return cohort.period.bounds(cohort.zone)


def issues_opened(cohort: Cohort) -> Figure:
    return Figure(_issues(cohort).count())


def issues_with_capa(cohort: Cohort) -> Figure:
    found = _issues(cohort).aggregate(
        total=Count("pk"),
        with_capa=Count("pk", filter=Q(Exists(Capa.objects.filter(source_issue=OuterRef("pk"))))),
    )
    return percent(found["with_capa"], found["total"])


def capa_on_time(cohort: Cohort) -> Figure:
    """CAPA due in the period (and by now) implemented by their due date / those CAPA."""
    start, end = _bounds(cohort)
    due = _capas(cohort).filter(due_at__gte=start, due_at__lt=min(end, cohort.now))
    found = due.aggregate(
        total=Count("pk"),
        on_time=Count(
            "pk", filter=Q(implemented_at__isnull=False, implemented_at__lte=F("due_at"))
        ),
    )
    return percent(found["on_time"], found["total"])


def capa_effective(cohort: Cohort) -> Figure:
    """CAPA verified effective in the period / CAPA verified in the period (effective or not)."""
    start, end = _bounds(cohort)
    verified = _capas(cohort).filter(verified_at__gte=start, verified_at__lt=end)
    found = verified.aggregate(total=Count("pk"), effective=Count("pk", filter=Q(effective=True)))
    return percent(found["effective"], found["total"])


kpi_register(
    Kpi(
        "systemic_issues_opened",
        gettext_lazy("Systemic issues opened"),
        gettext_lazy(
            "Systemic issues opened in the period (by a rule, a control chart or by hand)"
        ),
        KpiUnit.COUNT,
        Better.NEITHER,
        issues_opened,
        section="improvement",
    ),
    Kpi(
        "systemic_with_capa_pct",
        gettext_lazy("Systemic issues with a corrective action"),
        gettext_lazy(
            "Systemic issues opened in the period from which a CAPA was opened / systemic "
            "issues opened in the period"
        ),
        KpiUnit.PERCENT,
        Better.HIGHER,
        issues_with_capa,
        section="improvement",
    ),
    Kpi(
        "capa_on_time_pct",
        gettext_lazy("CAPA implemented on time"),
        gettext_lazy(
            "CAPA due in the period implemented by their due date / CAPA due in the period"
        ),
        KpiUnit.PERCENT,
        Better.HIGHER,
        capa_on_time,
        section="improvement",
    ),
    Kpi(
        "capa_effective_pct",
        gettext_lazy("CAPA verified effective"),
        gettext_lazy(
            "CAPA verified effective in the period / CAPA whose effectiveness was verified in "
            "the period"
        ),
        KpiUnit.PERCENT,
        Better.HIGHER,
        capa_effective,
        section="improvement",
    ),
)


def _cause_names() -> dict[int, str]:
    english = (get_language() or "vi").startswith("en")
    return {
        pk: (en or vi) if english else vi
        for pk, vi, en in Cause.objects.values_list("pk", "name_vi", "name_en")
    }


def _cohort_volume(cohort: Cohort) -> int:
    """The cohort's complaints: summed from the rollup's month and day rows when it covers the
    cohort, else counted."""
    if rollup_covers(cohort):
        return sum(found["volume"] for found in rollup_grouped(cohort, "total", "month").values())
    return cohort.complaints.count()


# What the rows of the Pareto are, for the table view and its downloads.
ROW_HEADINGS["pareto_cause"] = gettext_lazy("Root cause")


@breakdown("pareto_cause", gettext_lazy("Complaints by root cause (Pareto)"))
def pareto_cause(cohort: Cohort) -> Table:
    """The cohort's complaints whose investigation recorded a root cause, by that cause, largest
    first with the cumulative share; those without a recorded cause are counted in a note."""
    # Only the complaints with a recorded cause are grouped (a join from the few investigations
    # with one); the others are the cohort's complaints less those, its number read from the
    # rollup where it covers the cohort (bench/analytics.md).
    grouped = (
        cohort.complaints.filter(investigation__root_cause__isnull=False)
        .values("investigation__root_cause")
        .annotate(n=Count("pk"))
        .order_by("-n", "investigation__root_cause")
        .values_list("investigation__root_cause", "n")
    )
    counts = list(grouped)
    total = sum(n for _key, n in counts)
    without = _cohort_volume(cohort) - total
    names = _cause_names()
    rows, running = [], 0
    for key, n in counts:
        running += n
        rows.append(
            Row(
                names.get(key, str(key)),
                {
                    "count": n,
                    "share": round(100 * n / total, 1),
                    "cumulative": round(100 * running / total, 1),
                },
            )
        )
    summary = (
        _(
            "%(total)d complaints by root cause; the largest group is %(top)s with "
            "%(share)s%% of them."
        )
        % {"total": total, "top": rows[0].label, "share": rows[0].values["share"]}
        if rows
        else _("No complaint of this period has a recorded root cause.")
    )
    notes = (
        [
            ngettext(
                "%(count)d complaint of the period has no recorded root cause.",
                "%(count)d complaints of the period have no recorded root cause.",
                without,
            )
            % {"count": without}
        ]
        if without
        else []
    )
    return Table(
        code="pareto_cause",
        title=gettext_lazy("Complaints by root cause (Pareto)"),
        summary=summary,
        chart="pareto",
        columns=[
            Column("count", _("Complaints")),
            Column("share", _("Share"), "percent", ""),
            Column("cumulative", _("Cumulative share"), "percent", "line"),
        ],
        rows=rows,
        notes=notes,
    )
