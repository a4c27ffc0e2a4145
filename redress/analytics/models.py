"""The analytics app's own tables: what the organisation did in a month (the denominator of the
complaint rate), the targets of the KPIs and the record of the monthly reports sent. Everything
else it shows is read from the register."""

from django.core.exceptions import ValidationError
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


class ReportDispatch(models.Model):
    """The monthly report of one period sent on the schedule (``analytics.tasks``). One row per
    period, taken before anything is sent, so that a restarted or second worker never sends
    the same report twice; ``delivered_to`` lists who already has it, so a retry after a
    failure sends only to the others."""

    period_first = models.DateField(_("first day"))
    period_last = models.DateField(_("last day"))
    # When the sending finished: everyone has it, or the attempts ran out (``last_error``).
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    recipients_count = models.PositiveIntegerField(_("recipients"), default=0)
    delivered_to = models.JSONField(_("delivered to (user ids)"), default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # A lease while a worker sends, then the time of the next attempt after a failure.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("report sending")
        verbose_name_plural = _("report sendings")
        ordering = ["-period_first"]
        constraints = [
            models.UniqueConstraint(
                fields=["period_first", "period_last"], name="one_report_dispatch_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period_first:%Y-%m-%d}–{self.period_last:%Y-%m-%d}"


def kpi_choices() -> list[tuple[str, str]]:
    """The KPIs of the catalogue that have a direction (a target means nothing otherwise)."""
    from redress.analytics.kpis import CATALOGUE, Better  # the catalogue imports these models

    return [
        (code, f"{kpi.name} ({code})")
        for code, kpi in CATALOGUE.items()
        if kpi.better != Better.NEITHER
    ]


class KpiTarget(models.Model):
    """The level the organisation aims at for one KPI (ISO 10002 8.4, objectives). A dashboard
    tile is green when the figure meets it, amber when within ``analytics.dashboards.AMBER``
    of it, red beyond, in the KPI's direction (higher or lower is better)."""

    kpi = models.CharField(_("KPI"), max_length=64, unique=True)
    target = models.DecimalField(
        _("target"),
        max_digits=16,
        decimal_places=2,
        help_text=_(
            "In the KPI's unit: a percentage as 95 for 95 %; money in the organisation's currency."
        ),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        ordering = ["kpi"]

    def __str__(self) -> str:
        return f"{self.kpi}: {self.target}"

    def clean(self) -> None:
        if self.kpi not in dict(kpi_choices()):
            raise ValidationError({"kpi": _("Choose a KPI of the catalogue that has a direction.")})


class RollupLevel(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")


class RollupFigures(models.Model):
    """The figures of the complaints received on one day (or in one month) in one unit, in
    total or for one value of one dimension (category, channel, priority, product): the counts
    and sums that change only when a complaint does, and the histograms the medians are read
    from (``analytics.rollup``). A dashboard reads a year as twelve months per unit, not as the
    year's complaints. Rebuilt from the register at any time; never the only copy of anything."""

    level = models.CharField(max_length=5, choices=RollupLevel.choices)
    start = models.DateField()  # the day, or the first day of the month
    unit = models.ForeignKey("core.OrgUnit", on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(max_length=20)
    value = models.CharField(max_length=40, blank=True)  # "" for the total and for "none"
    volume = models.PositiveIntegerField(default=0)
    figures = models.JSONField(default=dict)
    # A month's histograms (minutes to acknowledge, working days to close) as packed counts:
    # read and added up far faster than the same numbers in JSON (bench/analytics.md).
    ack_minutes = models.BinaryField(default=b"")
    close_days = models.BinaryField(default=b"")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["level", "dimension", "start", "unit", "value"], name="one_rollup_row"
            )
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.start} unit {self.unit_id} {self.dimension}={self.value}"


class RollupStale(models.Model):
    """A day and unit whose figures changed since the rollup last read them: written with every
    lifecycle action, read and cleared by ``rollup_refresh``. Only ever inserted by the actions,
    so they never wait for each other."""

    id = models.BigAutoField(primary_key=True)
    day = models.DateField(db_index=True)
    unit_id = models.IntegerField()

    def __str__(self) -> str:
        return f"{self.day} unit {self.unit_id}"


class RollupLock(models.Model):
    """One row per month and unit, locked while their figures are rewritten, so that two
    refreshes of the same cells never interleave."""

    month = models.DateField()
    unit_id = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "unit_id"], name="one_rollup_lock")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} unit {self.unit_id}"


class RollupState(models.Model):
    """When the rollup was last built from the whole register. Until it has been, figures are
    computed directly from the register."""

    built_at = models.DateTimeField()
    zone = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.built_at:%Y-%m-%d %H:%M} ({self.zone})"


class ComplaintRepeat(models.Model):
    """Where one complaint stands among its complainant's complaints (in order of receipt, then
    id), for "repeat complainants" (``analytics.repeats``; docs/kpis.md): when the complaint
    before it was received, whether another of theirs lies within 90 days either side, and when
    the last such complaint before it was received. With these, the complainants of a period and
    those of them who came back are each a count over an index, not a search per complaint.
    Written with every receipt, by the import and by the rollup's rebuild; rebuilt from the
    register at any time; never the only copy of anything."""

    complaint = models.OneToOneField(
        "complaints.Complaint", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    complainant_id = models.BigIntegerField()
    received_at = models.DateTimeField()
    previous_at = models.DateTimeField(null=True)
    near_another = models.BooleanField(default=False)
    previous_near_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["complainant_id"], name="repeat_complainant"),
            # Complaints whose complainant's previous complaint fell in a period.
            models.Index(
                fields=["previous_at", "received_at"],
                name="repeat_previous",
                condition=models.Q(previous_at__isnull=False),
            ),
            # Complaints with another within 90 days, by receipt and by the previous such one.
            models.Index(
                fields=["received_at"], name="repeat_near", condition=models.Q(near_another=True)
            ),
            models.Index(
                fields=["previous_near_at", "received_at"],
                name="repeat_previous_near",
                condition=models.Q(near_another=True, previous_near_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"complaint {self.complaint_id} of complainant {self.complainant_id}"
