"""Notices to staff (significant complaints, deadlines) shown in the back office."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# The title of a deadline notice names its stage (``sla.rules.Stage`` codes: the deadline
# engine sits beside this app, not below it).
DEADLINE_TITLES = {
    ("near_due", "acknowledge"): _("Acknowledgement due soon"),
    ("near_due", "assess"): _("Initial assessment due soon"),
    ("near_due", "decision"): _("Decision due soon"),
    ("near_due", "close"): _("Closure due soon"),
    ("near_due", "review"): _("Internal review due soon"),
    ("breached", "acknowledge"): _("Acknowledgement overdue"),
    ("breached", "assess"): _("Initial assessment overdue"),
    ("breached", "decision"): _("Decision overdue"),
    ("breached", "close"): _("Closure overdue"),
    ("breached", "review"): _("Internal review overdue"),
}


class Notification(models.Model):
    """A notice to one person. About a complaint, a person has at most one unread notice per
    kind: a repeat refreshes it (``updated_at``, ``repeats``, ``stage``) instead of adding one,
    and acting on the complaint marks it read."""

    class Kind(models.TextChoices):
        SIGNIFICANT = "significant", _("Significant complaint")
        ASSIGNED = "assigned", _("Complaint assigned to you")
        APPROVAL_NEEDED = "approval_needed", _("Decision awaits approval")
        NEAR_DUE = "near_due", _("Deadline near")
        BREACHED = "breached", _("Deadline missed")
        MESSAGE = "message", _("New message from the complainant")
        EMAIL_FAILED = "email_failed", _("Email to the complainant could not be delivered")
        MAILBOX_FAILING = "mailbox_failing", _("A mailbox cannot be read")
        WEBHOOK_DISABLED = "webhook_disabled", _("Webhook switched off after repeated failures")
        CHANNEL_DISABLED = "channel_disabled", _("SMS or Zalo channel switched off after failures")
        TEXT_FAILED = "text_failed", _("SMS or Zalo message to the complainant not delivered")
        SYSTEMIC_ISSUE = "systemic_issue", _("Systemic issue opened")
        SYSTEMIC_SIGNIFICANT = "systemic_significant", _("Significant systemic issue opened")
        CAPA_VERIFY = "capa_verify", _("CAPA awaits its effectiveness verification")
        CAPA_OVERDUE = "capa_overdue", _("CAPA overdue")
        AUDIT_UPCOMING = "audit_upcoming", _("Internal audit coming up")
        AUDIT_OVERDUE = "audit_overdue", _("Internal audit past its planned date")
        TRAINING_EXPIRING = "training_expiring", _("Training about to expire")
        REVIEW_REMINDER = "review_reminder", _("Management review coming up")
        REVIEW_ACTION_OVERDUE = "review_action_overdue", _("Management-review action overdue")
        BREACH_DUE_SOON = "breach_due_soon", _("Breach: the authority must be notified soon")
        BREACH_OVERDUE = (
            "breach_overdue",
            _("Breach: the 72 hours to notify the authority are over"),
        )
        DEADLINE_DIGEST = "deadline_digest", _("Deadlines near or missed")

    class Target(models.TextChoices):
        """Records other than complaints that a notice may be about (by kind and id: this app
        knows nothing of the apps that keep them)."""

        NONE = "", _("None")
        SYSTEMIC_ISSUE = "systemic_issue", _("Systemic issue")
        CAPA = "capa", _("CAPA")
        AUDIT = "audit", _("Internal audit")
        TRAINING = "training", _("A person's training")
        REVIEW = "review", _("Management review")
        BREACH = "breach", _("Personal-data breach")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    complaint = models.ForeignKey(
        "complaints.Complaint", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    target_kind = models.CharField(
        _("about"), max_length=24, choices=Target.choices, blank=True, default=""
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target_label = models.CharField(_("about"), max_length=200, blank=True)
    stage = models.CharField(_("stage"), max_length=16, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last time"), default=timezone.now)
    repeats = models.PositiveIntegerField(_("times"), default=1)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    dedupe_key = models.CharField(max_length=120, blank=True)
    # A digest of deadline notices: {"count": n, "items": [{"reference", "stage", "kind",
    # "due_at"}, ...]} (the first ``DEADLINE_DIGEST_ITEMS`` of them).
    details = models.JSONField(default=dict, db_default={}, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["recipient", "-updated_at"], name="notification_latest"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_once",
            ),
            models.UniqueConstraint(
                fields=["recipient", "complaint", "kind"],
                condition=models.Q(read_at__isnull=True, complaint__isnull=False),
                name="notification_one_unread_per_complaint_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.kind}"

    @property
    def title(self) -> str:
        """What happened, naming the stage of a deadline ("Decision overdue"), or how many
        deadlines a digest names."""
        if self.kind == self.Kind.DEADLINE_DIGEST:
            count = self.details.get("count", 0)
            return ngettext(
                "%(count)s deadline near or missed", "%(count)s deadlines near or missed", count
            ) % {"count": count}
        return str(DEADLINE_TITLES.get((self.kind, self.stage)) or self.get_kind_display())

    @property
    def digest_items(self) -> list[dict[str, object]]:
        """The complaints a deadline digest names, each with its stage's label, whether the
        deadline is near or missed, the deadline and how late it was when the digest was made."""
        items = []
        for item in self.details.get("items", []):
            due = dt.datetime.fromisoformat(item["due_at"]) if item.get("due_at") else None
            items.append(
                {
                    "reference": item["reference"],
                    "stage": DEADLINE_TITLES.get((item["kind"], item["stage"]), item["stage"]),
                    "missed": item["kind"] == self.Kind.BREACHED,
                    "due_at": due,
                }
            )
        return items


class NoticeDigest(models.Model):
    """A person's choice to receive their unread notices by email once a day, and the local
    date of the last digest (so that each person gets at most one a day, whichever worker
    sends it)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notice_digest",
    )
    daily = models.BooleanField(_("daily email digest"), default=False)
    last_sent_on = models.DateField(_("last digest"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice digest")
        verbose_name_plural = _("notice digests")

    def __str__(self) -> str:
        return f"{self.user_id} {'daily' if self.daily else 'off'}"


class MessageTemplate(models.Model):
    """A message to the complainant in one language (ISO 10002 7.1), edited in the admin.

    ``system`` templates are sent by Redress at lifecycle steps; ``reply`` templates are starting
    points for a handler's reply. Bodies use placeholders such as ``{{ reference }}``,
    ``{{ name }}``, ``{{ deadline }}`` and ``{{ tracking_url }}``.
    """

    class Purpose(models.TextChoices):
        SYSTEM = "system", _("Sent automatically")
        REPLY = "reply", _("Reply for handlers")
        SHORT = "short", _("Short message (SMS, Zalo)")

    code = models.SlugField(_("code"), max_length=60)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    purpose = models.CharField(
        _("purpose"), max_length=10, choices=Purpose.choices, default=Purpose.REPLY
    )
    name = models.CharField(_("name"), max_length=120)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["purpose", "code", "language"]
        constraints = [
            models.UniqueConstraint(fields=["code", "language"], name="template_code_language")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"


class OutboundEmail(models.Model):
    """The outbox: every email leaves through here, with retries and its delivery state.

    ``next_attempt_at`` is also a lease: a sender sets it a few minutes ahead before it talks
    to the mail server, so no other worker sends the same email meanwhile.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        RETRYING = "retrying", _("Retrying")
        FAILED = "failed", _("Failed")
        BOUNCED = "bounced", _("Bounced")

    complaint = models.ForeignKey(
        "complaints.Complaint", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    message = models.ForeignKey(
        "complaints.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    email_message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    in_reply_to = models.CharField(max_length=255, blank=True)
    template_code = models.SlugField(_("template"), max_length=60, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # Sent by email instead of the complainant's preferred channel ("sms", "zalo"): why.
    fallback_from = models.CharField(_("instead of"), max_length=16, blank=True)
    fallback_reason = models.CharField(_("why not"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        # No address or subject: the name shows in admin pages and logs (personal data).
        return f"#{self.pk} {self.template_code or 'message'} ({self.state})"


class FallbackReason(models.TextChoices):
    """Why a message went by email instead of the complainant's preferred channel."""

    NO_PHONE = "no_phone", _("no phone number")
    NO_CHANNEL = "no_channel", _("no active channel")
    NO_TEMPLATE = "no_template", _("no short template for this message")
    FAILED = "failed", _("could not be sent")
    UNDELIVERED = "undelivered", _("not delivered")


class TextChannel(models.Model):
    """A gateway that carries short messages to complainants' phones: SMS through an HTTP
    gateway (a generic one described by its URL and field mapping, or a preset for eSMS.vn or
    SpeedSMS), or Zalo notifications (ZNS template messages). docs/channels.md.

    Credentials are stored sealed (``redress.core.sealing``). After ``disable_after`` failed
    attempts in a row the channel is switched off and the administrators are told.
    """

    class Gateway(models.TextChoices):
        GENERIC = "generic", _("Generic HTTP SMS gateway")
        ESMS = "esms", _("eSMS.vn")
        SPEEDSMS = "speedsms", _("SpeedSMS")
        ZALO_ZNS = "zalo_zns", _("Zalo notifications (ZNS)")

    name = models.CharField(_("name"), max_length=100, unique=True)
    gateway = models.CharField(_("gateway"), max_length=16, choices=Gateway.choices)
    url = models.URLField(_("send URL"), max_length=500, blank=True)
    account = models.CharField(_("account"), max_length=200, blank=True)
    api_key = models.CharField(_("API key or access token"), max_length=2000, blank=True)
    api_secret = models.CharField(_("API secret"), max_length=1000, blank=True)
    callback_secret = models.CharField(_("callback secret"), max_length=1000, blank=True)
    sender = models.CharField(_("sender name"), max_length=60, blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    unaccented = models.BooleanField(_("send Vietnamese without accents"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    disable_after = models.PositiveSmallIntegerField(
        _("switch off after failed attempts in a row"), default=5
    )
    failed_in_row = models.PositiveSmallIntegerField(_("failed attempts in a row"), default=0)
    disabled_at = models.DateTimeField(_("switched off"), null=True, blank=True)
    disabled_reason = models.CharField(_("why it was switched off"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("SMS or Zalo channel")
        verbose_name_plural = _("SMS and Zalo channels")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def kind(self) -> str:
        """The complainant's channel it serves: "zalo" or "sms"."""
        return "zalo" if self.gateway == self.Gateway.ZALO_ZNS else "sms"


class OutboundText(models.Model):
    """The outbox of short messages (SMS, Zalo), with the same retries as email and the states
    the gateway reports back: sent (accepted by the gateway), delivered or undelivered (its
    delivery report), failed (after the last retry, or refused for good).

    ``fallback_subject`` and ``fallback_body`` are the email that goes instead when the message
    cannot be delivered and the complainant has an email address (``fallback_email``).
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        RETRYING = "retrying", _("Retrying")
        FAILED = "failed", _("Failed")
        DELIVERED = "delivered", _("Delivered")
        UNDELIVERED = "undelivered", _("Not delivered")

    complaint = models.ForeignKey(
        "complaints.Complaint", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    message = models.ForeignKey(
        "complaints.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.ForeignKey(
        TextChannel, on_delete=models.PROTECT, related_name="texts", verbose_name=_("channel")
    )
    to = models.CharField(_("to"), max_length=32)
    body = models.TextField(_("text"))
    params = models.JSONField(default=dict, blank=True)
    template_code = models.SlugField(_("template"), max_length=60, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    provider_id = models.CharField(_("gateway's id"), max_length=100, blank=True)
    cost = models.DecimalField(_("cost"), max_digits=12, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    reported_at = models.DateTimeField(_("delivery reported"), null=True, blank=True)
    fallback_subject = models.CharField(max_length=300, blank=True)
    fallback_body = models.TextField(blank=True)
    fallback_recorded = models.TextField(blank=True)  # the body without its secrets
    fallback_email = models.ForeignKey(
        OutboundEmail, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_test = models.BooleanField(_("test"), default=False)

    class Meta:
        verbose_name = _("outgoing SMS or Zalo message")
        verbose_name_plural = _("outgoing SMS and Zalo messages")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["channel", "provider_id"]),
        ]

    def __str__(self) -> str:
        # No number or text: the name shows in admin pages and logs (personal data).
        return f"#{self.pk} {self.template_code or 'message'} ({self.state})"
