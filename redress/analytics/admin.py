"""Admin for the targets the dashboards judge KPI tiles against."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from redress.analytics.kpis import CATALOGUE
from redress.analytics.models import KpiTarget, kpi_choices


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
