"""One-time codes that prove a person on the portal holds a contact Redress has on file."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContactCode(models.Model):
    """A code sent to a complainant's email address, for a request about their personal data
    from someone without the complaint's tracking code. Neither the address nor the code is
    kept: both as keyed digests (an erasure leaves nothing of the person here)."""

    contact_digest = models.CharField(max_length=64, db_index=True, editable=False)
    code_digest = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("sent"))
    expires_at = models.DateTimeField(_("expires"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")

    def __str__(self) -> str:
        return f"code {self.pk}"
