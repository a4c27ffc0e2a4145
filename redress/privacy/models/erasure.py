"""Erasure by anonymisation and what stops it: legal holds, the record of each erasure, and
which complaints have been anonymised."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalHold(models.Model):
    """A complaint that must be kept as it is (litigation, an inspection, a police request):
    while a hold is in place (not released) its complainant's data cannot be erased."""

    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("placed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    placed_at = models.DateTimeField(_("placed"))
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("released by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    released_at = models.DateTimeField(_("released"), null=True, blank=True)

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["-placed_at", "-pk"]
        indexes = [models.Index(fields=["complaint", "released_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint"],
                condition=models.Q(released_at__isnull=True),
                name="legal_hold_one_in_place",
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.placed_at:%Y-%m-%d}"

    @property
    def in_place(self) -> bool:
        return self.released_at is None


class Erasure(models.Model):
    """One erasure: who ran it, why, and what it changed — in counts, never the identifiers
    it removed (those are gone)."""

    at = models.DateTimeField(_("time"))
    actor_label = models.CharField(_("by"), max_length=150)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    complaint_ids = models.JSONField(_("complaints"), default=list)
    counts = models.JSONField(_("what was changed"), default=dict)

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.pk} {self.at:%Y-%m-%d}"


class AnonymisedComplaint(models.Model):
    """A complaint whose complainant's identifiers were erased (statistics kept).

    Kept here, not as a field of the register: the register knows nothing of privacy
    bookkeeping, and one row per complaint also says which erasure did it (the retention job
    finds what is left to anonymise by excluding these)."""

    complaint = models.OneToOneField(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    erasure = models.ForeignKey(
        Erasure, verbose_name=_("erasure"), on_delete=models.PROTECT, related_name="complaints"
    )
    anonymised_at = models.DateTimeField(_("anonymised"))

    class Meta:
        verbose_name = _("anonymised complaint")
        verbose_name_plural = _("anonymised complaints")

    def __str__(self) -> str:
        return str(self.complaint_id)
