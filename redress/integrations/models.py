"""What other systems are allowed to do with Redress, and what Redress tells them.

API tokens let a person or an integration (call centre, chat bridge, Zalo OA) call /api/v1 as
a user; webhook subscriptions receive signed lifecycle events, delivered from an outbox.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    READ = "read", _("Read complaints and reference data")
    WRITE = "write", _("Create complaints, messages and attachments")
    ACTIONS = "actions", _("Take lifecycle actions")


class EventType(models.TextChoices):
    RECEIVED = "complaint.received", _("Complaint received")
    STATUS_CHANGED = "complaint.status_changed", _("Status changed")
    DEADLINE_BREACHED = "complaint.deadline_breached", _("Deadline breached")
    DECISION_COMMUNICATED = "complaint.decision_communicated", _("Decision communicated")
    CLOSED = "complaint.closed", _("Complaint closed")
    SYSTEMIC_ISSUE_OPENED = "systemic_issue.opened", _("Systemic issue opened")
    CAPA_OVERDUE = "capa.overdue", _("CAPA overdue")


class ApiToken(models.Model):
    """A bearer token for /api/v1. It acts as its user, with that user's roles, and only within
    its scopes. Only a hash of the token is stored; the token itself is shown once."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("Personal")
        INTEGRATION = "integration", _("Integration")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PERSONAL)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acts as"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text=_(
            "The token has this person's roles; an integration acts through a service account."
        ),
    )
    scopes = models.JSONField(_("scopes"), default=list)
    source_system = models.CharField(
        _("source system"),
        max_length=64,
        blank=True,
        help_text=_("Recorded on complaints the integration creates (e.g. call-centre, zalo-oa)."),
    )
    prefix = models.CharField(_("prefix"), max_length=16, db_index=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    rate_limit_per_minute = models.PositiveIntegerField(
        _("requests per minute"), default=600, help_text=_("Requests above this rate get HTTP 429.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by_label = models.CharField(_("created by"), max_length=150, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])


class WebhookSubscription(models.Model):
    """An endpoint of another system that receives lifecycle events, signed with its secret.

    After ``disable_after`` deliveries in a row have failed every attempt, the subscription is
    switched off and administrators are told; an administrator turns it back on.
    """

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    # Sealed at rest (redress.core.sealing): write it with ``seal``, read it with ``unseal``.
    secret = models.CharField(
        _("signing secret"),
        max_length=500,
        help_text=_("Shared with the receiver, which checks the signature."),
    )
    events = models.JSONField(_("events"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    max_attempts = models.PositiveSmallIntegerField(_("attempts per event"), default=8)
    disable_after = models.PositiveSmallIntegerField(
        _("disable after failed events in a row"), default=5
    )
    failed_in_row = models.PositiveIntegerField(
        _("failed events in a row"), default=0, editable=False
    )
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True, editable=False)
    disabled_reason = models.TextField(_("why it was disabled"), blank=True, editable=False)
    last_success_at = models.DateTimeField(
        _("last delivered"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def wants(self, event_type: str) -> bool:
        return event_type in (self.events or [])


class WebhookDelivery(models.Model):
    """One event for one subscription: the outbox row and its delivery log.

    ``body`` is the exact JSON that is signed and sent, the same on every attempt.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        RETRYING = "retrying", _("Retrying")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled (subscription off)")
        WITHHELD = "withheld", _("Withheld (processing restricted)")

    subscription = models.ForeignKey(
        WebhookSubscription,
        verbose_name=_("subscription"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event_id = models.CharField(_("event id"), max_length=40, db_index=True)
    event_type = models.CharField(_("event"), max_length=40, choices=EventType.choices)
    complaint = models.ForeignKey(
        "complaints.Complaint", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("payload"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(
        _("last HTTP status"), null=True, blank=True
    )
    last_error = models.TextField(_("last error"), blank=True)
    last_response = models.TextField(_("last response (start)"), blank=True)
    last_duration_ms = models.PositiveIntegerField(_("last duration (ms)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.subscription_id}"
