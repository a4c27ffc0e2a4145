"""Analysis pages (ISO 10002 8.2–8.4). The satisfaction report (8.3): what complainants said
of the handling of the complaints received in a period, for the complaints the person may see."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext

from redress.analytics.cohort import Cohort
from redress.analytics.request import analytics_allowed
from redress.analytics.satisfaction import (
    DIMENSIONS,
    Breakdown,
    last_whole_months,
    satisfaction_breakdown,
    satisfaction_comments,
    satisfaction_totals,
)
from redress.backoffice.forms.analytics import PeriodFilterForm
from redress.backoffice.views.common import page, staff_view
from redress.backoffice.views.queues import _page_number
from redress.complaints.models import Category
from redress.complaints.queues import user_unit_ids
from redress.core.models import OrgUnit, User
from redress.core.roles import ORGANISATION_WIDE_ROLES
from redress.core.selectors import user_roles


def _choices(user: User) -> tuple[Any, Any]:
    """The units (those the person works in, or all for an organisation-wide role) and the
    categories offered in the filters."""
    if ORGANISATION_WIDE_ROLES & set(user_roles(user)):
        units = OrgUnit.objects.filter(is_active=True)
    else:
        units = OrgUnit.objects.filter(pk__in=user_unit_ids(user))
    categories = Category.objects.filter(is_active=True).order_by("code")
    return units.order_by("name"), categories


@staff_view
def satisfaction(request: HttpRequest) -> HttpResponse:
    """The satisfaction report: totals, the breakdowns, the comments (a page of 50). Filters
    that do not hold (reversed dates, an unknown unit) are shown on the form, with 422, and
    nothing is computed."""
    user: User = request.user  # type: ignore[assignment]
    if not analytics_allowed(user):
        raise PermissionDenied(
            gettext("Your role does not give access to the satisfaction report.")
        )
    now = timezone.now()
    default = last_whole_months(timezone.localdate(now))
    units, categories = _choices(user)
    form = PeriodFilterForm(
        request.GET or None, default=default, units=units, categories=categories
    )
    context: dict[str, Any] = {"section": "satisfaction", "form": form, "dimensions": DIMENSIONS}
    if form.is_bound and not form.is_valid():
        return page(request, "backoffice/satisfaction_report.html", context, status=422)
    cohort = Cohort(user=user, period=form.period(), filters=form.filters(), now=now)
    comments = satisfaction_comments(cohort, page=_page_number(request))
    context |= {
        "period": cohort.period,
        "totals": satisfaction_totals(cohort),
        "breakdowns": [
            (by, Breakdown(by).label, satisfaction_breakdown(cohort, by)) for by in Breakdown.values
        ],
        "result": comments,
        "some_masked": any(comment.masked for comment in comments.rows),
    }
    return page(request, "backoffice/satisfaction_report.html", context)
