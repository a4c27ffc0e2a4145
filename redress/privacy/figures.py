"""Data-subject requests in the analytics catalogue (docs/kpis.md): ``dsar_on_time_pct``.
Registered when the privacy app is ready; analytics never imports this app.

The figure is the organisation's, whoever looks (it counts requests, not complaints, and shows
nobody's data): the visibility gate and the cohort's filters other than the period do not
narrow it."""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy

from redress.analytics.cohort import Cohort
from redress.analytics.kpis import Better, Figure, Kpi, KpiUnit, kpi_register, percent
from redress.privacy.models import DataSubjectRequest


def dsar_on_time(cohort: Cohort) -> Figure:
    """Requests received in the period and closed (done or refused) by their completion
    deadline / requests received in the period that are closed, or open past their deadline.
    An open request not yet due is left out: it is neither on time nor late yet."""
    start, end = cohort.period.bounds(cohort.zone)
    received = DataSubjectRequest.objects.filter(
        received_at__gte=start, received_at__lt=end, completion_due_at__isnull=False
    )
    closed = Q(completed_at__isnull=False, completed_at__lte=cohort.now)
    found = received.aggregate(
        on_time=Count("pk", filter=closed & Q(completed_at__lte=F("completion_due_at"))),
        counted=Count("pk", filter=closed | Q(completion_due_at__lte=cohort.now)),
    )
    return percent(found["on_time"], found["counted"])


kpi_register(
    Kpi(
        "dsar_on_time_pct",
        gettext_lazy("Data-subject requests done on time"),
        gettext_lazy(
            "Data-subject requests received in the period and closed by their deadline / those "
            "closed or past their deadline"
        ),
        KpiUnit.PERCENT,
        Better.HIGHER,
        dsar_on_time,
        section="timeliness",
    ),
)
