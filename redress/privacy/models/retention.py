"""How long each kind of personal record is kept and what happens to it then (ISO10002.md
REQ-PD-4, ISO 10002 8.1; Law 91/2025 on personal data: kept no longer than its purpose needs),
and the record of each retention run (``privacy.retention``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordType(models.TextChoices):
    CLOSED_COMPLAINTS = "closed_complaints", _("Closed complaints")
    ATTACHMENTS = "attachments", _("Files attached to closed complaints")
    RAW_EMAILS = "raw_emails", _("Original emails and the mail quarantine")
    OUTBOX_BODIES = "outbox_bodies", _("Texts of emails sent")
    CONSENTS = "consents", _("Consents of anonymised complaints")
    ACCESS_LOG = "access_log", _("Log of who saw personal data")
    AUDIT = "audit", _("Audit trail")


class Expiry(models.TextChoices):
    ANONYMISE = "anonymise", _("Anonymise")
    DELETE = "delete", _("Delete")
    CLEAR = "clear", _("Clear the text, keep the delivery record")
    KEEP = "keep", _("Keep (nothing is done)")


# What may happen to each kind of record at the end of its period. A complaint is anonymised,
# never deleted, so that the statistics survive; the audit trail is never deleted, since every
# entry seals the one before it. "Keep" stops the rule without losing its period.
EXPIRY_CHOICES: dict[str, tuple[str, ...]] = {
    RecordType.CLOSED_COMPLAINTS: (Expiry.ANONYMISE, Expiry.KEEP),
    RecordType.ATTACHMENTS: (Expiry.DELETE, Expiry.KEEP),
    RecordType.RAW_EMAILS: (Expiry.DELETE, Expiry.KEEP),
    RecordType.OUTBOX_BODIES: (Expiry.CLEAR, Expiry.KEEP),
    RecordType.CONSENTS: (Expiry.DELETE, Expiry.KEEP),
    RecordType.ACCESS_LOG: (Expiry.DELETE, Expiry.KEEP),
    RecordType.AUDIT: (Expiry.KEEP,),
}

# Where each period is counted from (shown with the rules).
COUNTED_FROM: dict[str, Any] = {
    RecordType.CLOSED_COMPLAINTS: _("from closing"),
    RecordType.ATTACHMENTS: _("from the complaint's closing"),
    RecordType.RAW_EMAILS: _("from arrival"),
    RecordType.OUTBOX_BODIES: _("from sending"),
    RecordType.CONSENTS: _("from the complaint's anonymisation"),
    RecordType.ACCESS_LOG: _("from the viewing"),
    RecordType.AUDIT: _("from the entry"),
}

# A period is at least a month; a closed complaint is kept at least three years, the time in
# which the complainant may still take the dispute to court (Civil Code 2015, Art. 429 and
# 588: three years), so that the organisation can still show what it did.
MIN_MONTHS = 1
MIN_MONTHS_CLOSED_COMPLAINTS = 36
MAX_MONTHS = 1200


class RetentionRule(models.Model):
    """The retention period of one kind of record and what happens at its end; one row per
    kind, seeded by a migration and changed only by the data-protection officer
    (``privacy.retention_rules.retention_rule_change``, audited)."""

    record_type = models.CharField(
        _("records"), max_length=20, choices=RecordType.choices, unique=True
    )
    months = models.PositiveIntegerField(_("period (months)"))
    expiry = models.CharField(_("at the end"), max_length=10, choices=Expiry.choices)
    changed_at = models.DateTimeField(_("changed"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")

    def __str__(self) -> str:
        return f"{self.record_type}: {self.months}"

    @property
    def is_active(self) -> bool:
        return self.expiry != Expiry.KEEP

    @property
    def counted_from(self) -> str:
        return str(COUNTED_FROM.get(self.record_type, ""))


class RetentionRun(models.Model):
    """One run of the retention rules: by the daily job (``scheduled_day``, unique, so that
    several workers run it once a day), the command line or the DPO's page; its counts per
    kind of record, ``{record_type: {"expired": n, "done": m}}``."""

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Daily job")
        COMMAND = "command", _("Command line")
        PAGE = "page", _("Staff site")

    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    trigger = models.CharField(_("started by"), max_length=10, choices=Trigger.choices)
    actor_label = models.CharField(_("run by"), max_length=150)
    scheduled_day = models.DateField(_("day"), null=True, blank=True, unique=True)
    results = models.JSONField(_("results"), default=dict, blank=True)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["-started_at"], name="retention_run_recent")]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {'dry' if self.dry_run else 'run'}"
