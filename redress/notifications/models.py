"""Notices to staff (significant complaints, deadlines) shown in the back office."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        SIGNIFICANT = "significant", _("Significant complaint")
        ASSIGNED = "assigned", _("Complaint assigned to you")
        APPROVAL_NEEDED = "approval_needed", _("Decision awaits approval")
        NEAR_DUE = "near_due", _("Deadline near")
        BREACHED = "breached", _("Deadline missed")
        MESSAGE = "message", _("New message from the complainant")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    complaint = models.ForeignKey("complaints.Complaint", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    dedupe_key = models.CharField(max_length=120, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], condition=~models.Q(dedupe_key=""), name="notification_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.kind}"
