"""Admin for the organisation's monthly activity volumes (the complaint rate's denominator)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin

from redress.analytics.models import ActivityVolume


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
