"""What intake remembers so that nothing is received twice (DESIGN.md rule 4)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IntakeKey(models.Model):
    """One submission, by channel scope and key: a portal form token, an API Idempotency-Key,
    an email Message-ID, an import row hash. The fingerprint is a hash of what was sent."""

    scope = models.CharField(_("scope"), max_length=32)
    key = models.CharField(_("key"), max_length=255)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("intake key")
        verbose_name_plural = _("intake keys")
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="intake_key_once")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"
