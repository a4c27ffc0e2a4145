"""The auditor's pack and the external auditor's access to it (ISO 10002 8.5; docs/certification.md,
"The auditor's pack and the external auditor").

A pack is asked for a period, a language and a sample size; a background job gathers the
records of the management system and a reproducible random sample of complaints into one ZIP
(a PDF with a table of contents by clause, and the underlying CSV and XLSX files). An
administrator may grant a named external auditor read-only access to packs, between two days;
the grant is revoked at any time, and gives nothing after its last day.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PackState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class PackLanguage(models.TextChoices):
    VI = "vi", _("Vietnamese")
    EN = "en", _("English")


class AuditorPack(models.Model):
    """One auditor's pack: what was asked, the seed of its sample, how far its preparation got,
    and the file once ready."""

    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    language = models.CharField(_("language"), max_length=2, choices=PackLanguage.choices)
    sample_size = models.PositiveIntegerField(_("sample size"))
    # The seed of the sample: the same seed over the same period draws the same complaints.
    seed = models.BigIntegerField(_("random seed"))
    # Personal data shown unmasked where the person who asked is entitled to it; such a pack is
    # never granted to an external auditor.
    unmasked = models.BooleanField(_("personal data unmasked where entitled"), default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked for by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("asked for at"))
    state = models.CharField(
        _("state"), max_length=8, choices=PackState.choices, default=PackState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (per cent)"), default=0)
    step = models.CharField(_("current step"), max_length=40, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    population_size = models.PositiveIntegerField(_("complaints in the period"), null=True)
    file = models.FileField(_("file"), upload_to="certification/packs/", max_length=200, blank=True)
    file_size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    error = models.CharField(_("what went wrong"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("auditor's pack")
        verbose_name_plural = _("auditor's packs")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="pack_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"HS-{self.pk:05d}"


class PackSampleItem(models.Model):
    """One complaint of a pack's sample, in the order drawn."""

    pack = models.ForeignKey(AuditorPack, on_delete=models.CASCADE, related_name="sample_items")
    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveIntegerField(_("position"))

    class Meta:
        ordering = ["pack", "position"]
        constraints = [
            models.UniqueConstraint(fields=["pack", "complaint"], name="pack_samples_once"),
        ]
        indexes = [models.Index(fields=["complaint", "pack"], name="pack_sample_complaint")]

    def __str__(self) -> str:
        return f"{self.pack_id} #{self.position}"


class ExternalAuditorGrant(models.Model):
    """Read-only access of one external auditor to some packs and their sampled complaints,
    from ``starts_on`` to ``ends_on`` (both included, in the organisation's time zone), until
    revoked."""

    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("external auditor"),
        on_delete=models.PROTECT,
        related_name="external_audit_grants",
    )
    packs = models.ManyToManyField(AuditorPack, verbose_name=_("packs"), related_name="grants")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    revoke_reason = models.TextField(_("why it was revoked"), blank=True)

    class Meta:
        verbose_name = _("external auditor's access")
        verbose_name_plural = _("external auditors' access")
        ordering = ["-granted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="grant_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.auditor} {self.starts_on}–{self.ends_on}"
