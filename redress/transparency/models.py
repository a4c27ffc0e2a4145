"""What the organisation tells the public about complaining (ISO 10002 4.4 transparency).

The public page is a ``Notice``: how to complain, the steps and their target times, charges,
how personal data is used and where else to go. Each version is a row; a published version is
never changed or deleted, so anyone can later see what the public was told on a given day.
The external bodies a complainant may turn to (ISO 10003; Law 19/2023 ch. 5) are a list the
organisation keeps up to date.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Notice(models.Model):
    """One version of the public information about complaining."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    version = models.PositiveIntegerField(_("version"), unique=True, editable=False)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.DRAFT, editable=False
    )
    intro_vi = models.TextField(_("introduction (Vietnamese)"))
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    how_vi = models.TextField(_("how to complain (Vietnamese)"))
    how_en = models.TextField(_("how to complain (English)"), blank=True)
    charges_vi = models.TextField(_("charges (Vietnamese)"))
    charges_en = models.TextField(_("charges (English)"), blank=True)
    privacy_vi = models.TextField(_("personal data notice (Vietnamese)"))
    privacy_en = models.TextField(_("personal data notice (English)"), blank=True)
    review_vi = models.TextField(_("internal review (Vietnamese)"))
    review_en = models.TextField(_("internal review (English)"), blank=True)
    # The retention periods as the rules were set when this version was published, written
    # into it so that what a complainant consented to stays on record (privacy's rules change;
    # a change publishes a new version). Empty for a version published before this was kept.
    retention_vi = models.TextField(
        _("retention periods (Vietnamese)"), blank=True, db_default="", editable=False
    )
    retention_en = models.TextField(
        _("retention periods (English)"), blank=True, db_default="", editable=False
    )
    change_note = models.CharField(
        _("what changed"),
        max_length=300,
        blank=True,
        help_text=_("For the record; not shown to the public."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("public information version")
        verbose_name_plural = _("public information versions")
        ordering = ["-version"]
        permissions = [("publish_notice", _("Can publish the public information"))]
        indexes = [models.Index(fields=["state", "published_at"])]

    def __str__(self) -> str:
        return _("Version %(version)s") % {"version": self.version}

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    def text(self, part: str, language: str) -> str:
        """The part in the language; Vietnamese when the English text is missing."""
        english = getattr(self, f"{part}_en") if language == "en" else ""
        return english or getattr(self, f"{part}_vi")


class NoticeStep(models.Model):
    """A step of the handling, with the organisation's commitment for it (ISO 10002 7.2–7.9).

    ``stage`` ties the step to the lifecycle, so that the portal can show a complainant the
    commitment for the stage their complaint is in when no deadline has been computed for it.
    """

    class Stage(models.TextChoices):
        RECEIVE = "receive", _("Receipt")
        ACKNOWLEDGE = "acknowledge", _("Acknowledgement")
        ASSESS = "assess", _("Assessment and investigation")
        DECIDE = "decide", _("Decision")
        CLOSE = "close", _("Closing")

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(pgettext_lazy("sort", "order"), default=0)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, blank=True)
    title_vi = models.CharField(_("step (Vietnamese)"), max_length=200)
    title_en = models.CharField(_("step (English)"), max_length=200, blank=True)
    body_vi = models.TextField(_("what happens (Vietnamese)"), blank=True)
    body_en = models.TextField(_("what happens (English)"), blank=True)
    target_vi = models.CharField(_("target time (Vietnamese)"), max_length=200, blank=True)
    target_en = models.CharField(_("target time (English)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title_vi

    def text(self, part: str, language: str) -> str:
        english = getattr(self, f"{part}_en") if language == "en" else ""
        return english or getattr(self, f"{part}_vi")


class ExternalBody(models.Model):
    """A body outside the organisation a complainant may turn to (ISO 10003; Law 19/2023 ch. 5)."""

    order = models.PositiveSmallIntegerField(pgettext_lazy("sort", "order"), default=0)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_vi = models.TextField(_("what it does (Vietnamese)"), blank=True)
    description_en = models.TextField(_("what it does (English)"), blank=True)
    website = models.URLField(_("website"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.TextField(_("address"), blank=True)
    is_active = models.BooleanField(_("shown to complainants"), default=True)
    is_negotiation_or_mediation = models.BooleanField(
        _("negotiation or mediation route"),
        default=False,
        help_text=_(
            "Not shown for a complaint affecting the public or many consumers' interest: the "
            "law allows neither negotiation nor mediation then (Law 19/2023)."
        ),
    )

    class Meta:
        verbose_name = _("external body")
        verbose_name_plural = _("external bodies")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name_vi

    def text(self, part: str, language: str) -> str:
        english = getattr(self, f"{part}_en") if language == "en" else ""
        return english or getattr(self, f"{part}_vi")


class ConsentMethod(models.TextChoices):
    """How the complainant said they agree (REQ-PD-1): set by the channel that asked, never guessed."""

    WEB = "web", _("Ticked on the web form")
    PHONE = "phone", _("Said on the phone, recorded by staff")
    IN_PERSON = "in_person", _("Said in person, recorded by staff")
    LETTER = "letter", _("Agreed in a letter, recorded by staff")
    EMAIL_REPLY = "email_reply", _("Replied to our email")
    API = "api", _("Sent by an integration (API field)")
    IMPORT = "import", _("Imported (consent column)")


class WithdrawalMethod(models.TextChoices):
    """How the complainant told us they withdraw their consent."""

    WEB = "web", _("On the web portal")
    PHONE = "phone", _("On the phone")
    IN_PERSON = "in_person", _("In person")
    EMAIL = "email", _("By email")
    LETTER = "letter", _("By letter")
    API = "api", _("By an integration (API)")


class ConsentPurpose(models.TextChoices):
    """The purposes of processing the published notice names (its personal-data part)."""

    COMPLAINT_HANDLING = (
        "complaint_handling",
        _("Handling the complaint, contacting the complainant about it and improving the service"),
    )


class ConsentScope(models.TextChoices):
    """Which personal data the consent covers, as the published notice lists it."""

    COMPLAINT_DATA = (
        "complaint_data",
        _("Name, contact details, what the complainant told us and their files"),
    )


# What each key of a consent's evidence means, for the people who read it.
EVIDENCE_LABELS = {
    "form": _("form"),
    "address_hash": _("client address (hashed)"),
    "browser": _("browser"),
    "clerk": _("recorded by"),
    "note": _("what was said"),
    "token": _("API token"),
    "file": _("file"),
    "row": _("row"),
    "message_id": _("Message-ID"),
    "recorded_before_methods": _("channel (recorded before methods were kept)"),
}


class NoticeConsent(models.Model):
    """Evidence that a complainant agreed to the personal-data notice of a given version
    (Law 91/2025, Decree 356/2025: consent must be verifiable; silence is not consent).

    A consent is never edited: a withdrawal is written on it (when, by whom, how, why) and a
    complaint has at most one consent that is not withdrawn; consenting again after a
    withdrawal is a new row.
    """

    notice = models.ForeignKey(
        Notice, verbose_name=_("version"), on_delete=models.PROTECT, related_name="consents"
    )
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.CASCADE,
        related_name="notice_consents",
    )
    language = models.CharField(_("language"), max_length=8)
    channel = models.CharField(_("channel"), max_length=16)
    method = models.CharField(_("method"), max_length=16, choices=ConsentMethod.choices)
    purpose = models.CharField(
        _("purpose"),
        max_length=32,
        choices=ConsentPurpose.choices,
        default=ConsentPurpose.COMPLAINT_HANDLING,
    )
    scope = models.CharField(
        _("scope"),
        max_length=32,
        choices=ConsentScope.choices,
        default=ConsentScope.COMPLAINT_DATA,
    )
    # What shows the consent was given, per method: the web form's tick (a hash of the IP
    # address, the browser in short), the clerk and their note, the email's Message-ID, the
    # API token's name, the import file and row.
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    given_at = models.DateTimeField(_("given"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.CharField(_("withdrawal recorded by"), max_length=150, blank=True)
    withdrawal_method = models.CharField(
        _("withdrawal method"), max_length=16, choices=WithdrawalMethod.choices, blank=True
    )
    withdrawal_note = models.TextField(_("withdrawal note"), blank=True)

    class Meta:
        verbose_name = _("consent to the personal-data notice")
        verbose_name_plural = _("consents to the personal-data notice")
        ordering = ["given_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="consent_one_active_per_complaint",
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} v{self.notice.version}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None

    def evidence_items(self) -> list[tuple[str, object]]:
        """The evidence as (label, value), in the reader's language; empty values left out."""
        return [
            (str(EVIDENCE_LABELS.get(key, key)), value)
            for key, value in self.evidence.items()
            if value not in ("", None)
        ]
