"""What intake remembers so that nothing is received twice (DESIGN.md rule 4)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IntakeKey(models.Model):
    """One submission, by channel scope and key: a portal form token, an API Idempotency-Key,
    an email Message-ID, an import row hash. The fingerprint is a hash of what was sent."""

    scope = models.CharField(_("scope"), max_length=32)
    key = models.CharField(_("key"), max_length=255)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The tracking code of the complaint it made, sealed (core.sealing), for a repeat of the
    # same submission shortly after: a portal form whose receipt was lost between the commit
    # and the browser (the database restarting before the session was saved) gets it back.
    # Only for scopes that ask (Once.keep_receipt); empty otherwise.
    receipt = models.CharField(_("receipt"), max_length=200, blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("intake key")
        verbose_name_plural = _("intake keys")
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="intake_key_once")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class Mailbox(models.Model):
    """A mailbox that complainants write to, read over IMAP (ISO 10002 4.5: every published
    channel is taken in). Polled by the worker and by ``redress mail poll``."""

    class Security(models.TextChoices):
        SSL = "ssl", _("SSL/TLS (port 993)")
        STARTTLS = "starttls", _("STARTTLS (port 143)")
        NONE = "none", _("None (only for a server on this machine)")

    name = models.CharField(_("name"), max_length=100, unique=True)
    host = models.CharField(_("IMAP server"), max_length=200)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(
        _("security"), max_length=10, choices=Security.choices, default=Security.SSL
    )
    username = models.CharField(_("user name"), max_length=200)
    # Sealed at rest (redress.core.sealing): write it with ``seal``, read it with ``unseal``.
    password = models.CharField(_("password"), max_length=500, blank=True)
    folder = models.CharField(_("folder"), max_length=200, default="INBOX")
    unit = models.ForeignKey(
        "core.OrgUnit",
        verbose_name=_("receiving unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("New complaints from this mailbox go to this unit (empty: the top unit)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    uid_validity = models.BigIntegerField(_("UIDVALIDITY"), null=True, blank=True, editable=False)
    last_uid = models.BigIntegerField(_("last message taken"), default=0, editable=False)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(
        _("last read successfully"), null=True, blank=True, editable=False
    )
    consecutive_failures = models.PositiveIntegerField(
        _("failures in a row"), default=0, editable=False
    )
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    alert_raised_at = models.DateTimeField(
        _("failing since alert"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_failing(self) -> bool:
        return self.alert_raised_at is not None


def _raw_path(instance: "InboundEmail", filename: str) -> str:
    return f"mail/{instance.sha256[:2]}/{instance.sha256}.eml"


class InboundEmail(models.Model):
    """Every email that reached Redress, kept as it came (DESIGN.md rule 4: nothing is lost),
    with what became of it. ``dedupe_key`` (a hash of the Message-ID and the content
    fingerprint; the bare Message-ID on older rows) makes the same email, fetched twice, taken
    once, while a different email reusing a Message-ID is kept."""

    class Source(models.TextChoices):
        IMAP = "imap", _("Mailbox (IMAP)")
        WEBHOOK = "webhook", _("Inbound webhook")
        FILE = "file", _("File")

    class Outcome(models.TextChoices):
        COMPLAINT = "complaint", _("New complaint")
        REPLY = "reply", _("Reply to a complaint")
        AUTO_REPLY = "auto_reply", _("Automatic reply (ignored)")
        BOUNCE = "bounce", _("Bounce (ignored)")
        LOOP = "loop", _("Mail loop (ignored)")
        QUARANTINED = "quarantined", _("Quarantined")
        DISMISSED = "dismissed", _("Dismissed from quarantine")

    dedupe_key = models.CharField(_("key"), max_length=255, unique=True)
    email_message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, db_index=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    mailbox = models.ForeignKey(
        Mailbox,
        verbose_name=_("mailbox"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="emails",
    )
    received_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    from_address = models.CharField(_("from"), max_length=254, blank=True, db_index=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    raw = models.FileField(_("original email"), upload_to=_raw_path, max_length=200)
    sha256 = models.CharField(max_length=64)
    # What the message says (``ParsedMail.fingerprint``; the raw sha256 when it cannot be read):
    # with the Message-ID, what makes two emails the same. Empty on rows taken before it existed.
    fingerprint = models.CharField(_("content fingerprint"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("size"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, db_index=True)
    reason = models.TextField(_("reason"), blank=True)
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = models.ForeignKey(
        "complaints.Message",
        verbose_name=_("message"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.CharField(_("reviewed by"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("incoming email")
        verbose_name_plural = _("incoming emails")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["from_address", "outcome", "received_at"])]

    def __str__(self) -> str:
        return f"{self.from_address or '?'}: {self.subject or self.email_message_id}"


def _import_path(instance: "ImportBatch", filename: str) -> str:
    return f"imports/{instance.sha256[:2]}/{instance.sha256}"


class ImportBatch(models.Model):
    """One complaint import: the file, its column mapping, the problems found in it, and what
    was imported (``intake.importing``)."""

    class State(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        INVALID = "invalid", _("Has errors")
        CHECKED = "checked", _("Checked, ready to import")
        QUEUED = "queued", _("Importing")
        IMPORTED = "imported", _("Imported")

    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64)
    file = models.FileField(_("file"), upload_to=_import_path, max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        "core.User",
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.UPLOADED
    )
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    default_channel = models.CharField(
        _("channel of rows without one"), max_length=16, default="api"
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("complaints created"), default=0)
    skipped_count = models.PositiveIntegerField(_("rows already imported or repeated"), default=0)
    errors = models.JSONField(_("problems"), default=list, blank=True)
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)
    first_reference = models.CharField(_("first reference"), max_length=32, blank=True)
    last_reference = models.CharField(_("last reference"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("complaint import")
        verbose_name_plural = _("complaint imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.original_name

    @staticmethod
    def hash(content: bytes) -> str:
        import hashlib

        return hashlib.sha256(content).hexdigest()


class InboundText(models.Model):
    """An SMS a gateway passed on to Redress (its inbound callback): a reply that became a
    message on the complainant's complaint, matched by their phone number, or kept as
    unmatched for a person to look at. A gateway that calls twice is recognised by its id."""

    class Outcome(models.TextChoices):
        REPLY = "reply", _("Message on a complaint")
        UNMATCHED = "unmatched", _("No complaint matches the number")

    channel = models.ForeignKey(
        "notifications.TextChannel", on_delete=models.PROTECT, related_name="+"
    )
    provider_id = models.CharField(_("gateway's id"), max_length=100)
    sender = models.CharField(_("from"), max_length=32)
    body = models.TextField(_("text"))
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    complaint = models.ForeignKey(
        "complaints.Complaint", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.ForeignKey(
        "complaints.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("incoming SMS")
        verbose_name_plural = _("incoming SMS")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "provider_id"], name="inbound_text_once")
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.outcome}"
