"""Admin for calendars, time-limit policies and escalation levels; clocks and notices read-only.

A calendar's page shows its days off and swapped working days for this year and the next, so a
manager can check it against the government's notice at a glance. Saving a calendar or a
policy recomputes the deadlines of open complaints after the save commits.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from redress.complaints.models import Channel, Priority
from redress.core.admin import SettingsAdmin
from redress.sla.models import (
    BusinessCalendar,
    CalendarOverride,
    ClockPause,
    DeadlineNotice,
    EscalationLevel,
    SlaPolicy,
    StageClock,
)
from redress.sla.selectors import holiday_names, work_calendar
from redress.sla.services import sla_calendar_changed, sla_recompute_schedule


class CalendarOverrideInline(admin.TabularInline):
    model = CalendarOverride
    extra = 1


def year_overview(row: BusinessCalendar, year: int) -> SafeString:
    """A table of the year's days off and swapped working days, with their names."""
    calendar = work_calendar(row)
    reasons = {o.date: o.name for o in row.overrides.all()}
    names = holiday_names(row.country.upper(), get_language() or "vi")
    rows = []
    for day, working in calendar.special_days(year):
        label = reasons.get(day) or names.holiday_name(day)
        state = _("working day") if working else _("day off")
        rows.append((date_format(day, "l d/m/Y"), state, label))
    working_days = calendar.working_days_in_year(year)
    body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
    return format_html(
        '<table class="sla-year"><caption>{} — {}</caption>'
        "<thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
        year,
        _("%(count)s working days") % {"count": working_days},
        _("Date"),
        _("Kind"),
        _("Reason"),
        body,
    )


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(SettingsAdmin):
    list_display = ["name", "time_zone", "country", "is_24_7", "is_default", "days_off_this_year"]
    inlines = [CalendarOverrideInline]
    readonly_fields = ["this_year", "next_year"]

    @admin.display(description=_("days off this year"))
    def days_off_this_year(self, obj: BusinessCalendar) -> int:
        year = timezone.localdate().year
        return sum(1 for _day, working in work_calendar(obj).special_days(year) if not working)

    @admin.display(description=_("this year"))
    def this_year(self, obj: BusinessCalendar) -> SafeString | str:
        return year_overview(obj, timezone.localdate().year) if obj.pk else "—"

    @admin.display(description=_("next year"))
    def next_year(self, obj: BusinessCalendar) -> SafeString | str:
        return year_overview(obj, timezone.localdate().year + 1) if obj.pk else "—"

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        sla_calendar_changed(calendar_id=form.instance.pk)


class SlaPolicyForm(forms.ModelForm):
    priorities = forms.MultipleChoiceField(
        label=_("priorities"),
        choices=Priority.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    channels = forms.MultipleChoiceField(
        label=_("channels"),
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = SlaPolicy
        fields = [
            "code",
            "name",
            "name_en",
            "description",
            "rank",
            "is_active",
            "priorities",
            "channels",
            "categories",
            "units",
            "vulnerable",
            "negotiation_request",
            "health_safety",
            *(
                f"{stage}_{part}"
                for stage in ("acknowledge", "assess", "decision", "close", "review")
                for part in ("amount", "unit")
            ),
            "near_due_percent",
        ]


STATUTORY_LOCKED = ["negotiation_request", "decision_amount", "decision_unit", "is_active"]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(SettingsAdmin):
    form = SlaPolicyForm
    list_display = ["name", "rank", "is_active", "is_statutory", "targets"]
    list_filter = ["is_active"]
    ordering = ["rank"]
    filter_horizontal = ["categories", "units"]
    fieldsets = [
        (None, {"fields": ["code", "name", "name_en", "description", "rank", "is_active"]}),
        (
            _("Applies to (empty: any)"),
            {
                "fields": [
                    "priorities",
                    "channels",
                    "categories",
                    "units",
                    "vulnerable",
                    "negotiation_request",
                    "health_safety",
                ]
            },
        ),
        (
            _("Targets, counted from receipt"),
            {
                "fields": [
                    ("acknowledge_amount", "acknowledge_unit"),
                    ("assess_amount", "assess_unit"),
                    ("decision_amount", "decision_unit"),
                    ("close_amount", "close_unit"),
                    "near_due_percent",
                ]
            },
        ),
        (
            _("Internal review, counted from its start"),
            {"fields": [("review_amount", "review_unit")]},
        ),
    ]

    @admin.display(description=_("targets"))
    def targets(self, obj: SlaPolicy) -> str:
        parts = [
            f"{stage}: {target}"
            for stage in ("acknowledge", "assess", "decision", "close", "review")
            if (target := obj.target(stage))
        ]
        return " · ".join(parts)

    def get_readonly_fields(self, request: HttpRequest, obj: SlaPolicy | None = None) -> list[str]:
        # A limit set by law is shown, never edited; the model's clean() refuses it as well.
        return STATUTORY_LOCKED if obj is not None and obj.is_statutory else []

    def has_delete_permission(self, request: HttpRequest, obj: SlaPolicy | None = None) -> bool:
        if obj is not None and obj.is_statutory:
            return False
        return super().has_delete_permission(request, obj)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        sla_recompute_schedule()


@admin.register(EscalationLevel)
class EscalationLevelAdmin(admin.ModelAdmin):
    list_display = ["level", "audience", "near_due", "breach", "after_hours", "is_active"]
    list_editable = ["audience", "near_due", "breach", "after_hours", "is_active"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(StageClock)
class StageClockAdmin(ReadOnlyAdmin):
    list_display = [
        "complaint",
        "stage",
        "round",
        "policy",
        "due_at",
        "completed_at",
        "outcome",
        "margin_seconds",
    ]
    list_filter = ["stage", "outcome", "statutory"]
    list_select_related = ["complaint", "policy"]
    search_fields = ["complaint__reference"]
    date_hierarchy = "started_at"


@admin.register(DeadlineNotice)
class DeadlineNoticeAdmin(ReadOnlyAdmin):
    list_display = ["clock", "kind", "level", "audience", "sent_at", "emailed_at"]
    list_filter = ["kind", "level"]
    list_select_related = ["clock__complaint"]


@admin.register(ClockPause)
class ClockPauseAdmin(ReadOnlyAdmin):
    list_display = ["complaint", "started_at", "ended_at", "reason"]
    list_select_related = ["complaint"]
