"""Objectivity (ISO 10002 4.7): a member of staff's declaration of a conflict of interest on a
complaint. While it stands, the person may not own the complaint nor propose, approve or return
its decision (``handling.objectivity``); only a complaints manager withdraws it, with a reason."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from redress.complaints.models.complaint import Complaint


class ConflictDeclaration(models.Model):
    """A person's declared conflict of interest on one complaint. Never deleted: a withdrawal
    is recorded on the row (who, when, why), so the history of declarations stays whole."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="conflict_declarations"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="conflict_declarations",
    )
    reason = models.TextField(_("reason"))
    declared_at = models.DateTimeField(_("declared at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawal_reason = models.TextField(_("reason for the withdrawal"), blank=True)

    class Meta:
        verbose_name = _("conflict-of-interest declaration")
        verbose_name_plural = _("conflict-of-interest declarations")
        ordering = ["declared_at", "pk"]
        constraints = [
            # One standing declaration per person and complaint.
            models.UniqueConstraint(
                fields=["complaint", "person"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="conflict_declaration_one_standing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.person_id}"

    @property
    def is_standing(self) -> bool:
        return self.withdrawn_at is None
