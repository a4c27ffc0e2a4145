"""Notices to staff (significant complaints, deadlines) shown in the back office."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
        """What happened, naming the stage of a deadline ("Decision overdue")."""
        return str(DEADLINE_TITLES.get((self.kind, self.stage)) or self.get_kind_display())


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

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        # No address or subject: the name shows in admin pages and logs (personal data).
        return f"#{self.pk} {self.template_code or 'message'} ({self.state})"
