"""The log of who was shown a complainant's personal data unmasked (ISO10002.md REQ-PD-5)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PersonalDataAccess(models.Model):
    """One time a person was shown a complainant's personal data unmasked: a complaint's page,
    the API's complaint, a file or original email, or an export (one row for the whole export,
    with its filters). Kept apart from the audit chain: it records reading, not change, and it
    grows with every page seen."""

    class Via(models.TextChoices):
        PAGE = "page", _("Complaint page")
        API = "api", _("API")
        FILE = "file", _("File")
        ORIGINAL_EMAIL = "original_email", _("Original email")
        EXPORT = "export", _("Export")

    at = models.DateTimeField(_("time"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    via = models.CharField(_("how"), max_length=16, choices=Via.choices)
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("personal-data access")
        verbose_name_plural = _("personal-data accesses")
        indexes = [
            models.Index(fields=["complaint", "-id"]),
            models.Index(fields=["user", "-id"]),
            # The retention run deletes by age (privacy.retention).
            models.Index(fields=["at"], name="personal_data_access_at"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.via} {self.complaint_id}"
