"""Figures in the back office: the period and filters every figure page reads, the drill-down
list behind a count, each breakdown on its own page, and its figures as CSV or XLSX."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _

from redress.analytics.cohort import Cohort
from redress.analytics.dashboards import drill_describe, row_heading
from redress.analytics.drill import drill_complaints
from redress.analytics.exports import table_csv, table_xlsx
from redress.analytics.request import analytics_allowed, cohort_for
from redress.analytics.tables import BREAKDOWNS
from redress.backoffice.charts import chart_compute, table_compute
from redress.backoffice.forms.dashboards import FigureFilterForm
from redress.backoffice.views.common import page, staff_view
from redress.backoffice.views.queues import _page_number, rows_for
from redress.complaints.models import Category
from redress.complaints.queues import paginate, user_unit_ids
from redress.core.errors import NotPermitted, ValidationFailed
from redress.core.forms import form_add_error
from redress.core.models import OrgUnit, User
from redress.core.roles import ORGANISATION_WIDE_ROLES
from redress.core.selectors import user_roles

# The drill-down's parameters by name, for its refusals ("From: …").
PARAMETER_LABELS = {
    "from": pgettext_lazy("period", "From"),
    "to": pgettext_lazy("period", "To"),
    "unit": gettext_lazy("Unit"),
    "category": gettext_lazy("Category"),
    "channel": gettext_lazy("Channel"),
    "priority": gettext_lazy("Priority"),
    "product": gettext_lazy("Product or service"),
    "measure": gettext_lazy("Measure"),
    "outcome": gettext_lazy("Outcome"),
    "at": gettext_lazy("As of"),
}
DRILL_PAGE_SIZE = 50


def analyst(request: HttpRequest) -> User:
    """The person asking, if their role gives access to figures; else 403."""
    user: User = request.user  # type: ignore[assignment]
    if not analytics_allowed(user):
        raise PermissionDenied(_("Your role does not give access to figures."))
    return user


@dataclass
class Asked:
    """The filter form as asked, and the cohort when the filters were valid (else None:
    nothing is computed and the form shows each problem by its field)."""

    form: FigureFilterForm
    cohort: Cohort | None
    query: str = ""


def _options(user: User) -> tuple[list[OrgUnit], list[Category]]:
    """The units and categories offered in the filters (two queries)."""
    units = OrgUnit.objects.filter(is_active=True).order_by("name")
    if not ORGANISATION_WIDE_ROLES & set(user_roles(user)):
        units = units.filter(pk__in=user_unit_ids(user))
    categories = Category.objects.filter(is_active=True).order_by("code")
    return list(units), list(categories)


def figures_asked(request: HttpRequest, user: User) -> Asked:
    """Read the period and filters of a figure page; refusals land on the form's fields."""
    units, categories = _options(user)
    form = FigureFilterForm(request.GET, units=units, categories=categories)
    if not form.is_valid():
        return Asked(form, None)
    data = form.cleaned_data
    try:
        cohort = cohort_for(
            user,
            first=data.get("from"),
            last=data.get("to"),
            unit=data.get("unit") or "",
            category=data.get("category") or "",
            channel=data.get("channel") or "",
        )
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error
    except ValidationFailed as error:
        form_add_error(form, error)
        return Asked(form, None)
    # Show the period that was computed (the default one when none was asked for).
    shown = request.GET.copy()
    shown["from"] = cohort.period.first.isoformat()
    shown["to"] = cohort.period.last.isoformat()
    form = FigureFilterForm(shown, units=units, categories=categories)
    form.is_valid()
    return Asked(form, cohort, urlencode(form.query()))


# ---------------------------------------------------------------------------------------------
# The drill-down


def _refusal(error: ValidationFailed) -> list[str]:
    if not error.fields:
        return [error.message]
    return [
        f"{PARAMETER_LABELS.get(name, name)}: {' '.join(str(p) for p in problems)}"
        for name, problems in error.fields.items()
    ]


@staff_view
def drill(request: HttpRequest) -> HttpResponse:
    """The complaints a figure counts: exactly those, among what the person may see, in pages
    of 50, newest first, with what they have in common and how many there are. A wrong
    parameter is refused (400) naming it, and nothing is listed."""
    user = analyst(request)
    params: dict[str, str] = {
        key: str(value) for key, value in request.GET.items() if key != "page"
    }
    template = "backoffice/analytics_complaints.html"
    try:
        queryset = drill_complaints(user, params)
        description = drill_describe(params, language=get_language() or "vi")
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error
    except ValidationFailed as error:
        refused = {"section": "charts", "errors": _refusal(error)}
        return page(request, template, refused, status=400)
    now = timezone.now()
    found = queryset.count()
    listed = (
        queryset.annotate(due_at=F("next_due_at"))
        .select_related("complainant", "unit", "owner", "category")
        .order_by("-received_at", "-pk")
    )
    result = paginate(listed, _page_number(request), size=DRILL_PAGE_SIZE)
    context: dict[str, Any] = {
        "section": "charts",
        "found": found,
        "description": description,
        "result": result,
        "rows": rows_for(user, result.rows, now=now),
        "now": now,
    }
    return page(request, template, context)


# ---------------------------------------------------------------------------------------------
# Each breakdown on its own page, and its figures as files


@staff_view
def charts(request: HttpRequest) -> HttpResponse:
    """Every breakdown and control chart, by title."""
    analyst(request)
    entries = sorted(((str(title), code) for code, (title, _f) in BREAKDOWNS.items()))
    return page(
        request, "backoffice/analytics_charts.html", {"section": "charts", "entries": entries}
    )


@staff_view
def chart(request: HttpRequest, code: str) -> HttpResponse:
    """One breakdown with its period and filters: chart, table view and downloads."""
    if code not in BREAKDOWNS:
        raise Http404(code)
    user = analyst(request)
    asked = figures_asked(request, user)
    context: dict[str, Any] = {
        "section": "charts",
        "form": asked.form,
        "cohort": asked.cohort,
        "title": BREAKDOWNS[code][0],
    }
    if asked.cohort is None:
        return page(request, "backoffice/analytics_chart.html", context, status=400)
    context["charts"] = [chart_compute(code, asked.cohort, query=asked.query)]
    return page(request, "backoffice/analytics_chart.html", context)


@staff_view
def export(request: HttpRequest, code: str) -> HttpResponse:
    """A breakdown's figures as CSV or XLSX (``format``), for the same period and filters as
    its chart; a wrong filter is a 400 naming it."""
    if code not in BREAKDOWNS:
        raise Http404(code)
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        raise Http404(fmt)
    user = analyst(request)
    asked = figures_asked(request, user)
    if asked.cohort is None:
        problems = [
            f"{f.label}: {' '.join(str(e) for e in f.errors)}" for f in asked.form if f.errors
        ]
        body = "\n".join(problems + [str(e) for e in asked.form.non_field_errors()])
        return HttpResponse(body, status=400, content_type="text/plain; charset=utf-8")
    cohort = asked.cohort
    table = table_compute(code, cohort)
    heading = row_heading(code)
    filename = f"{code}-{cohort.period.first:%Y%m%d}-{cohort.period.last:%Y%m%d}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(
            table_csv(table, heading=heading), content_type="text/csv; charset=utf-8"
        )
    else:
        about = [
            (_("Period"), f"{cohort.period.first:%d/%m/%Y} – {cohort.period.last:%d/%m/%Y}"),
            (_("Filters"), asked.query or "—"),
            (_("Computed at"), f"{timezone.localtime(cohort.now):%d/%m/%Y %H:%M}"),
        ]
        response = HttpResponse(
            table_xlsx(table, heading=heading, about=about),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
