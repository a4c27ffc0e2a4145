"""Admin for the organisation's monthly activity volumes (the complaint rate's denominator), the
targets the dashboards judge KPI tiles against and, read-only, the record of the monthly reports
sent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from redress.analytics.kpis import CATALOGUE
from redress.analytics.models import ActivityVolume, KpiTarget, ReportDispatch, kpi_choices


class ActivityVolumeForm(forms.ModelForm):
    class Meta:
        model = ActivityVolume
        fields = ["month", "measure", "count", "note"]

    def clean_month(self) -> dt.date:
        # Any day stands for its month; the rate counts months by their first day.
        month: dt.date = self.cleaned_data["month"]
        return month.replace(day=1)


@admin.register(ActivityVolume)
class ActivityVolumeAdmin(admin.ModelAdmin):
    form = ActivityVolumeForm
    list_display = ["month", "measure", "count", "note"]
    list_filter = ["measure"]
    date_hierarchy = "month"


@admin.register(ReportDispatch)
class ReportDispatchAdmin(admin.ModelAdmin):
    """What the schedule sent (``analytics.tasks``): read only, so that a report is never sent
    twice by editing its record."""

    list_display = ["period_first", "period_last", "sent_at", "recipients_count", "attempts"]
    readonly_fields = [
        "period_first",
        "period_last",
        "sent_at",
        "recipients_count",
        "delivered_to",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
    ]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class KpiTargetForm(forms.ModelForm):
    kpi = forms.ChoiceField(label=_("KPI"), choices=kpi_choices)

    class Meta:
        model = KpiTarget
        fields = ["kpi", "target", "note"]


@admin.register(KpiTarget)
class KpiTargetAdmin(admin.ModelAdmin):
    form = KpiTargetForm
    list_display = ["kpi", "name", "target", "better", "note"]
    search_fields = ["kpi", "note"]

    @admin.display(description=_("name"))
    def name(self, row: KpiTarget) -> str:
        kpi = CATALOGUE.get(row.kpi)
        return str(kpi.name) if kpi else "—"

    @admin.display(description=_("direction"))
    def better(self, row: KpiTarget) -> str:
        kpi = CATALOGUE.get(row.kpi)
        return str(kpi.better.label) if kpi else "—"
