"""The complaints-handling policy (ISO 10002 clause 5.2, principle 4.2): versions drafted by the
complaints manager, approved by top management, published with an effective date, and read by
staff."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    DISCARDED = "discarded", _("Discarded")


class PolicyVersion(models.Model):
    """One version of the policy, kept for ever. The current version is the approved one with
    the highest number whose effective date has come (``selectors.policy_current``); a draft
    nobody will approve is discarded, not deleted."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("title (Vietnamese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    text = models.TextField(_("text (Vietnamese)"))
    text_en = models.TextField(_("text (English)"), blank=True)
    change_summary = models.TextField(_("what changed"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT
    )
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    drafted_at = models.DateTimeField(_("drafted at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"v{self.number} · {self.title}"

    def display_title(self, language: str = "vi") -> str:
        return self.title_en if language == "en" and self.title_en else self.title

    def display_text(self, language: str = "vi") -> str:
        return self.text_en if language == "en" and self.text_en else self.text


class PolicyAcknowledgement(models.Model):
    """A person's statement that they have read one version of the policy."""

    version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, related_name="acknowledgements"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("read at"))

    class Meta:
        verbose_name = _("policy acknowledgement")
        verbose_name_plural = _("policy acknowledgements")
        constraints = [models.UniqueConstraint(fields=["version", "user"], name="policy_read_once")]

    def __str__(self) -> str:
        return f"{self.version} · {self.user}"
