"""The follow-up record of the improvement records, and the control chart scans done."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from redress.complaints.models import Complaint


class ImprovementEvent(models.Model):
    """One step in the life of an investigation, a systemic issue or a CAPA. Append-only;
    written by every service of this app beside its audit entry."""

    at = models.DateTimeField(_("time"))
    action = models.CharField(_("action"), max_length=40)
    complaint = models.ForeignKey(
        Complaint, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    issue = models.ForeignKey(
        "improvement.SystemicIssue",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    capa = models.ForeignKey(
        "improvement.Capa", null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(_("from"), max_length=24, blank=True)
    to_status = models.CharField(_("to"), max_length=24, blank=True)
    actor_kind = models.CharField(_("actor kind"), max_length=16)
    actor_label = models.CharField(_("actor"), max_length=150)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("improvement event")
        verbose_name_plural = _("improvement events")
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["complaint", "at"]),
            models.Index(fields=["issue", "at"]),
            models.Index(fields=["capa", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d}"


class SpcScan(models.Model):
    """A week whose control charts were scanned for signals (the scan runs once a week)."""

    week = models.DateField(_("week"), unique=True)
    scanned_at = models.DateTimeField(_("scanned"))
    opened = models.PositiveIntegerField(_("issues opened"), default=0)

    class Meta:
        verbose_name = _("control chart scan")
        verbose_name_plural = _("control chart scans")

    def __str__(self) -> str:
        return str(self.week)
