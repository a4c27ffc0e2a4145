from django.contrib import admin

from redress.sla.models import BusinessCalendar, CalendarOverride


class CalendarOverrideInline(admin.TabularInline):
    model = CalendarOverride
    extra = 1


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone", "country", "is_24_7", "is_default"]
    inlines = [CalendarOverrideInline]
