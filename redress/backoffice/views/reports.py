"""The complaints report as PDF (ISO 10002 8.4): the KPIs, breakdowns and control-chart signals
of a period, for top management, complaints managers and auditors, built from what the person
may see (``analytics.report``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language, gettext

from redress.analytics.cohort import Period, organisation_zone
from redress.analytics.report import last_month, monthly_report_pdf, report_filename
from redress.analytics.request import analytics_allowed, period_check
from redress.backoffice.forms.reports import ReportPeriodForm
from redress.backoffice.views.common import REPORT_ROLES, page, staff_view
from redress.core.errors import ValidationFailed
from redress.core.forms import form_add_error
from redress.core.selectors import user_roles


def report_allowed(user: Any) -> bool:
    return analytics_allowed(user) and bool(REPORT_ROLES & set(user_roles(user)))


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def _period(first: dt.date | None, last: dt.date | None) -> Period:
    """The period asked for, or a refusal naming ``from`` or ``to``."""
    if first is None and last is None:
        return last_month(timezone.now().astimezone(organisation_zone()).date())
    if first is None:
        assert last is not None
        first = last.replace(day=1)
    if last is None:
        last = _month_end(first)
    return period_check(first, last)


def _refused(request: HttpRequest, form: ReportPeriodForm) -> HttpResponse:
    return page(
        request, "backoffice/report_form.html", {"form": form, "section": "report"}, status=422
    )


@staff_view
def report_form(request: HttpRequest) -> HttpResponse:
    """The page to choose the period of the report (last month by default)."""
    if not report_allowed(request.user):
        raise PermissionDenied(gettext("Your role does not give access to the report."))
    period = last_month(timezone.now().astimezone(organisation_zone()).date())
    form = ReportPeriodForm(initial={"from": period.first, "to": period.last})
    return page(request, "backoffice/report_form.html", {"form": form, "section": "report"})


@staff_view
def report_pdf(request: HttpRequest) -> HttpResponse:
    """``?from=YYYY-MM-DD&to=YYYY-MM-DD``: the report of those days as a PDF download; a day
    that is malformed, reversed or too far apart re-shows the form with the field's problem
    (422)."""
    if not report_allowed(request.user):
        raise PermissionDenied(gettext("Your role does not give access to the report."))
    form = ReportPeriodForm(request.GET)
    if not form.is_valid():
        return _refused(request, form)
    try:
        period = _period(form.cleaned_data.get("from"), form.cleaned_data.get("to"))
    except ValidationFailed as error:
        form_add_error(form, error)
        return _refused(request, form)
    pdf = monthly_report_pdf(period, user=request.user, language=get_language() or "vi")  # type: ignore[arg-type]
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report_filename(period)}"'
    return response
