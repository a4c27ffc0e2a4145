"""The personal-data breach register (Law 91/2025, Decree 356/2025; ISO10002.md REQ-PD-3): each
incident with when it was found, what data and whom it touches, the 72-hour clock to notify the
authority (A05, Ministry of Public Security), and the decision to inform the people affected."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The law's clock: the authority is notified within 72 hours of the breach being found
# (clock hours, not working hours).
NOTIFY_AUTHORITY_HOURS = 72


class DataCategory(models.TextChoices):
    IDENTITY = "identity", _("Identity (name, identity number, date of birth)")
    CONTACT = "contact", _("Contact details (email, phone, address)")
    COMPLAINT = "complaint", _("Complaint contents and messages")
    ATTACHMENTS = "attachments", _("Attachments and documents")
    FINANCIAL = "financial", _("Financial data (accounts, payments)")
    SENSITIVE = "sensitive", _("Sensitive personal data (health, and the like)")
    STAFF = "staff", _("Staff accounts")


class SubjectsDecision(models.TextChoices):
    UNDECIDED = "", _("Not decided yet")
    INFORM = "inform", _("Inform the people affected")
    NOT_INFORM = "not_inform", _("Do not inform them")


class BreachIncident(models.Model):
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what happened"))
    discovered_at = models.DateTimeField(_("found"))
    occurred_at = models.DateTimeField(_("happened"), null=True, blank=True)
    data_categories = models.JSONField(_("data concerned"), default=list)
    people_affected = models.PositiveIntegerField(_("people affected"), null=True, blank=True)
    affected_description = models.TextField(_("who is affected"), blank=True)
    cause = models.TextField(_("cause"), blank=True)
    containment = models.TextField(_("measures taken"), blank=True)
    notify_due_at = models.DateTimeField(_("notify the authority by"))
    authority_notified_at = models.DateTimeField(_("authority notified"), null=True, blank=True)
    authority_reference = models.CharField(_("authority's reference"), max_length=100, blank=True)
    late_reason = models.TextField(_("reason for the late notification"), blank=True)
    subjects_decision = models.CharField(
        _("inform the people affected?"),
        max_length=12,
        choices=SubjectsDecision.choices,
        blank=True,
        default=SubjectsDecision.UNDECIDED,
    )
    subjects_reason = models.TextField(_("reason for the decision"), blank=True)
    subjects_informed_at = models.DateTimeField(_("people informed"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)

    class Meta:
        verbose_name = _("personal-data breach")
        verbose_name_plural = _("personal-data breaches")
        ordering = ["-discovered_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="breach_reference_unique")
        ]
        indexes = [models.Index(fields=["closed_at", "notify_due_at"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"BR-{self.year}-{self.sequence:03d}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def category_labels(self) -> list[str]:
        labels = dict(DataCategory.choices)
        return [str(labels.get(code, code)) for code in self.data_categories]


class BreachNotice(models.Model):
    """One reminder of a breach's clock sent to staff. The unique constraint makes each go out
    once, whichever worker runs the job."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Notification to the authority due soon")
        OVERDUE = "overdue", _("Notification to the authority overdue")

    incident = models.ForeignKey(BreachIncident, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    recipients = models.JSONField(_("recipients"), default=list)
    sent_at = models.DateTimeField(_("sent"))

    class Meta:
        verbose_name = _("breach reminder")
        verbose_name_plural = _("breach reminders")
        constraints = [
            models.UniqueConstraint(fields=["incident", "kind"], name="breach_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.kind}"
