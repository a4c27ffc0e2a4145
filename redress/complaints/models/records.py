"""The follow-up record, decisions with remedies, messages, attachments and satisfaction."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from redress.complaints.models.choices import Channel, Outcome, Reaction, RemedyType
from redress.complaints.models.complaint import Complaint


class ComplaintEvent(models.Model):
    """One step in the life of a complaint (ISO 10002 follow-up form). Append-only.

    The portal timeline shows the events marked visible to the complainant; the back office
    shows them all.
    """

    # Not indexed alone: the (complaint, at) index leads with it.
    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    at = models.DateTimeField(_("time"))
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from"), max_length=32, blank=True)
    to_status = models.CharField(_("to"), max_length=32)
    actor_kind = models.CharField(_("actor kind"), max_length=16)
    actor_label = models.CharField(_("actor"), max_length=150)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(_("method"), max_length=16, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    visible_to_complainant = models.BooleanField(_("visible to the complainant"), default=False)

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["complaint", "at"]), models.Index(fields=["action", "at"])]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.action}"


class Decision(models.Model):
    """A proposed or final decision on a complaint (7.7), with its remedies."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned for rework")
        COMMUNICATED = "communicated", _("Communicated")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="decisions")
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PROPOSED
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    summary = models.TextField(_("decision"))
    reasons = models.TextField(_("reasons"))
    is_review = models.BooleanField(_("decision of the internal review"), default=False)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    returned_reason = models.TextField(_("why it was returned"), blank=True)
    communicated_at = models.DateTimeField(_("communicated"), null=True, blank=True)
    communicated_via = models.CharField(
        _("communicated via"), max_length=16, choices=Channel.choices, blank=True
    )
    reaction = models.CharField(
        _("complainant's reaction"), max_length=16, choices=Reaction.choices, blank=True
    )
    reaction_at = models.DateTimeField(_("reaction recorded"), null=True, blank=True)
    reaction_note = models.TextField(_("reaction note"), blank=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["proposed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.get_outcome_display()}"


class Remedy(models.Model):
    """What the organisation will do for the complainant (ISO10002.md §3.3)."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="remedies")
    type = models.CharField(_("type"), max_length=24, choices=RemedyType.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=0, default=0)
    currency = models.CharField(_("currency"), max_length=3, default="VND")
    due_at = models.DateField(_("due"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("fulfilled"), null=True, blank=True)
    waived_reason = models.TextField(_("waived because"), blank=True)

    class Meta:
        verbose_name = _("remedy")
        verbose_name_plural = _("remedies")

    def __str__(self) -> str:
        return self.get_type_display()

    @property
    def is_settled(self) -> bool:
        return self.fulfilled_at is not None or bool(self.waived_reason)


class Message(models.Model):
    """A message from or to the complainant, or an internal note among staff."""

    class Direction(models.TextChoices):
        INBOUND = "inbound", _("From the complainant")
        OUTBOUND = "outbound", _("To the complainant")
        INTERNAL = "internal", _("Internal note")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("time"))
    email_message_id = models.CharField(max_length=255, blank=True, db_index=True)
    # The address an inbound email came from: threading by headers can bring mail from someone
    # else (a relative forwarding it), which staff must not take for the complainant's words.
    from_address = models.CharField(_("sent from"), max_length=254, blank=True)
    delivery_state = models.CharField(_("delivery"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["complaint", "created_at"])]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.direction}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Stored under the content hash, never the uploaded name: no path tricks, no clashes.
    return f"attachments/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    """A file sent with a complaint or a message, kept with its hash, size and real type."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64, db_index=True)
    content_type = models.CharField(_("type"), max_length=100)
    uploaded_at = models.DateTimeField(_("uploaded"))
    uploaded_by_label = models.CharField(_("uploaded by"), max_length=150)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class SatisfactionResponse(models.Model):
    """The complainant's view of how the complaint was handled (ISO 10002 8.3), once per complaint."""

    complaint = models.OneToOneField(
        Complaint, on_delete=models.CASCADE, related_name="satisfaction"
    )
    overall = models.PositiveSmallIntegerField(
        _("overall"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    fairness = models.PositiveSmallIntegerField(
        _("fairness"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    clarity = models.PositiveSmallIntegerField(
        _("clarity"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    speed = models.PositiveSmallIntegerField(
        _("speed"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    courtesy = models.PositiveSmallIntegerField(
        _("courtesy"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"))

    class Meta:
        verbose_name = _("satisfaction response")
        verbose_name_plural = _("satisfaction responses")

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.overall}/5"


class ExternalReferral(models.Model):
    """A complaint taken to a body outside the organisation (ISO 10003; Law 19/2023 ch. 5):
    a provincial Department of Industry and Trade, a consumer association, mediation, court."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="referrals")
    provider = models.CharField(_("external body"), max_length=200)
    consent_at = models.DateTimeField(_("complainant's consent"))
    note = models.TextField(_("note"), blank=True)
    referred_at = models.DateTimeField(_("referred"))
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        verbose_name = _("external referral")
        verbose_name_plural = _("external referrals")

    def __str__(self) -> str:
        return f"{self.complaint_id} → {self.provider}"
