"""The staff home: a dashboard chosen by role (ISO 10002 8.2–8.4).

A complaints manager lands on the open work (open, overdue, due this week, by stage and by
unit), the KPI tiles against their targets, the monthly trend and the control charts with
their signals; top management on the significant complaints, the KPI tiles and the trends; a
handler on their own work by next deadline and their unit's deadlines kept. Everyone else
lands on their work queue, as before. A person with several of these roles can switch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from redress.analytics import now as open_now
from redress.analytics.cohort import Cohort
from redress.analytics.dashboards import BOARDS, significant_recent, tiles_compute
from redress.analytics.drill import Drill
from redress.backoffice.charts import Cell, Chart, cell_html, chart_compute, drill_url
from redress.backoffice.templatetags.dashboards import boards_for, plain_number
from redress.backoffice.views import queues
from redress.backoffice.views.common import page, staff_view
from redress.backoffice.views.figures import analyst, figures_asked
from redress.backoffice.views.queues import rows_for
from redress.complaints.queues import ListFilters, Queue, Sort, paginate, queue_queryset
from redress.core.models import OrgUnit, User
from redress.framework.selectors_objectives import objectives_board
from redress.improvement.selectors import improvement_now

BOARD_LABELS = {
    "manager": _("Complaints manager"),
    "top": _("Top management"),
    "handler": _("My work"),
}
NOW_LABELS = {
    "open": _("open"),
    "overdue": _("past their deadline"),
    "due_week": _("due by the end of this week"),
}
STAGE_LABELS = {
    "ack": _("Acknowledgement"),
    "assess": _("Assessment"),
    "decision": _("Decision"),
    "review": _("Internal review"),
    "close": _("Closure"),
}
# The handler's own complaints shown on the dashboard (the queue has them all).
DEADLINE_ROWS = 10


@dataclass(frozen=True)
class NowCell:
    figure: str
    count: int
    url: str
    label: Any = ""


@dataclass(frozen=True)
class NowRow:
    label: str
    cells: list[NowCell]

    @property
    def cells_html(self) -> SafeString:
        """The row's counts, each linked to its drill-down when there is one, made here rather
        than a template node per cell (a row for each unit)."""
        return mark_safe(  # noqa: S308 (escaped by cell_html)
            "".join(
                cell_html(Cell(plain_number(cell.count), cell.url if cell.count else ""))
                for cell in self.cells
            )
        )


@staff_view
def home(request: HttpRequest) -> HttpResponseBase:
    """The dashboard of the person's role, or their work queue when no dashboard fits."""
    boards = boards_for(request.user)
    if not boards:
        return queues.home(request)
    user = analyst(request)
    asked_board = request.GET.get("board", "")
    board = asked_board if asked_board in boards else boards[0]
    asked = figures_asked(request, user)
    context: dict[str, Any] = {
        "section": "dashboard",
        "board": board,
        "board_asked": asked_board == board,
        "board_label": BOARD_LABELS[board],
        "boards": [(key, BOARD_LABELS[key]) for key in boards],
        "form": asked.form,
        "cohort": asked.cohort,
        "charts": [],
    }
    if asked.cohort is None:
        return page(request, "backoffice/dashboard.html", context, status=400)
    cohort = asked.cohort
    spec = BOARDS[board]
    context["tiles"] = tiles_compute(cohort, spec.kpis)
    context["charts"] = _charts(cohort, spec.charts, asked.query)
    if board in ("manager", "top"):
        context["objectives"] = objectives_board()
    if board == "manager":
        context.update(_open_work(cohort))
        context["improvement_now"] = improvement_now(request.user, timezone.now())  # type: ignore[arg-type]
    elif board == "top":
        context.update(_significant(cohort, context["tiles"]))
    else:
        context.update(_my_work(user, cohort))
    return page(request, "backoffice/dashboard.html", context)


def _charts(cohort: Cohort, codes: tuple[str, ...], query: str) -> list[Chart]:
    return [chart_compute(code, cohort, query=query) for code in codes]


def _open_work(cohort: Cohort) -> dict[str, Any]:
    """Open, overdue and due this week: in all, by stage, by unit; each count links to the
    drill-down of exactly those complaints."""
    work = open_now.open_work(cohort)
    drill = Drill(cohort)

    def cells(counts: dict[str, int], suffix: str = "", **values: Any) -> list[NowCell]:
        return [
            NowCell(
                figure,
                counts[figure],
                drill_url(drill.query(f"now_{figure}{suffix}", **values)),
                NOW_LABELS[figure],
            )
            for figure in open_now.FIGURES
        ]

    english = (get_language() or "vi").startswith("en")
    names = {
        unit.pk: (unit.name_en or unit.name) if english else unit.name
        for unit in OrgUnit.objects.filter(pk__in=list(work.by_unit)).only("name", "name_en")
    }
    unit_rows = sorted(
        (
            NowRow(names.get(unit_id, ""), cells(counts, unit=unit_id))
            for unit_id, counts in work.by_unit.items()
        ),
        key=lambda row: row.label,
    )
    return {
        "now_tiles": cells(work.totals),
        "now_labels": [NOW_LABELS[figure] for figure in open_now.FIGURES],
        "stage_rows": [
            NowRow(str(STAGE_LABELS[stage]), cells(work.by_stage[stage], f"_{stage}"))
            for stage in open_now.STAGES
        ],
        "unit_rows": unit_rows,
    }


def _significant(cohort: Cohort, tiles: list[Any]) -> dict[str, Any]:
    count = next((t.figure.value for t in tiles if t.kpi.code == "significant_count"), None)
    return {
        "significant": significant_recent(cohort),
        "significant_count": count,
        "significant_url": drill_url(Drill(cohort).query("significant")),
    }


def _my_work(user: User, cohort: Cohort) -> dict[str, Any]:
    """The person's own open complaints, next deadline first, and how many are overdue or due
    this week."""
    listed = queue_queryset(user, Queue.MINE, ListFilters(sort=Sort.DEADLINE), now=cohort.now)
    result = paginate(listed, 1, size=DEADLINE_ROWS)
    return {
        "mine": open_now.owned_work(user, now=cohort.now, zone=cohort.zone),
        "rows": rows_for(user, result.rows, now=cohort.now),
        "now": cohort.now,
    }
