"""Business calendars: when the organisation works, and which days are off."""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class BusinessCalendar(models.Model):
    """Working days and hours of a unit (default Mon–Fri 08:00–17:00 with a lunch break)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Ho_Chi_Minh")
    country = models.CharField(
        _("public holidays of"), max_length=2, default="VN", blank=True, help_text=_("Country code; empty: none.")
    )
    working_weekdays = models.CharField(
        _("working weekdays"), max_length=13, default="0,1,2,3,4", help_text=_("0 = Monday … 6 = Sunday")
    )
    day_start = models.TimeField(_("day starts"), default=dt.time(8, 0))
    lunch_start = models.TimeField(_("lunch starts"), null=True, blank=True, default=dt.time(12, 0))
    lunch_end = models.TimeField(_("lunch ends"), null=True, blank=True, default=dt.time(13, 0))
    day_end = models.TimeField(_("day ends"), default=dt.time(17, 0))
    is_24_7 = models.BooleanField(_("24/7"), default=False, help_text=_("Every hour of every day counts."))
    is_default = models.BooleanField(_("organisation default"), default=False)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="one_default_calendar"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CalendarOverride(models.Model):
    """A change to one day of one year: an extra day off, or a swapped working Saturday."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off")
        WORKING_DAY = "working_day", _("Working day")

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="overrides")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar change")
        verbose_name_plural = _("calendar changes")
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="one_override_per_day")]
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"
