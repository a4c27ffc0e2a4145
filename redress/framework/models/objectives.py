"""Objectives for complaints handling (ISO 10002 clause 6.2): a measure from the KPI catalogue
(or one entered by hand), a target and a baseline, an owner, a period, and the result found at
each review date."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from redress.core.models import OrgUnit


class ReviewFrequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Every six months")
    YEARLY = "yearly", _("Yearly")


class ObjectiveStatus(models.TextChoices):
    NOT_MEASURED = "not_measured", _("Not measured yet")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    MISSED = "missed", _("Missed")
    MET = "met", _("Met")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Objective(models.Model):
    title = models.CharField(_("title (Vietnamese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    kpi = models.CharField(
        _("KPI"),
        max_length=40,
        blank=True,
        help_text=_("A KPI of the catalogue; empty for a measure entered by hand."),
    )
    manual_measure = models.CharField(_("measure entered by hand"), max_length=200, blank=True)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=20, blank=True)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    baseline = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=4)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the whole organisation."),
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    frequency = models.CharField(
        _("review frequency"), max_length=12, choices=ReviewFrequency.choices
    )
    next_review = models.DateField(_("next review"))
    status = models.CharField(
        _("status"),
        max_length=14,
        choices=ObjectiveStatus.choices,
        default=ObjectiveStatus.NOT_MEASURED,
    )
    actual = models.DecimalField(_("latest result"), max_digits=14, decimal_places=4, null=True)
    created_at = models.DateTimeField(_("created at"))
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["period_end", "title"]
        indexes = [models.Index(fields=["retired_at", "next_review"])]

    def __str__(self) -> str:
        return self.title

    def display_title(self, language: str = "vi") -> str:
        return self.title_en if language == "en" and self.title_en else self.title


class ObjectiveResult(models.Model):
    """The objective's measure on one review date (the history of the objective)."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="results")
    measured_on = models.DateField(_("measured on"))
    window_start = models.DateField(_("from"))
    window_end = models.DateField(_("to"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4, null=True)
    numerator = models.BigIntegerField(_("numerator"), null=True)
    denominator = models.BigIntegerField(_("denominator"), null=True)
    status = models.CharField(_("status"), max_length=14, choices=ObjectiveStatus.choices)
    source = models.CharField(_("source"), max_length=12)  # "kpi" or "manual"
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by_label = models.CharField(_("recorded by"), max_length=150)

    class Meta:
        verbose_name = _("objective result")
        verbose_name_plural = _("objective results")
        ordering = ["objective", "-measured_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.objective} · {self.measured_on}"
