"""The analytics app's own tables: what the organisation did in a month (the denominator of the
complaint rate). Everything else it shows is read from the register."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityMeasure(models.TextChoices):
    ORDERS = "orders", _("Orders")
    CUSTOMERS = "customers", _("Customers")
    CONTRACTS = "contracts", _("Contracts")


class ActivityVolume(models.Model):
    """How many orders, customers or contracts the organisation had in one month, so that
    complaints can be counted per 1,000 of them (the complaint rate, ISO10002.md §4)."""

    month = models.DateField(
        _("month"), help_text=_("Any day of the month; kept as its first day.")
    )
    measure = models.CharField(_("measure"), max_length=16, choices=ActivityMeasure.choices)
    count = models.PositiveBigIntegerField(_("count"), validators=[MinValueValidator(1)])
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("activity volume")
        verbose_name_plural = _("activity volumes")
        ordering = ["-month", "measure"]
        constraints = [
            models.UniqueConstraint(fields=["month", "measure"], name="one_volume_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.get_measure_display()}: {self.count}"
