"""Links between complaints (ISO 10002 7.2): a possible duplicate found at intake, two
complaints a person marked as related, one merged into another. Rows, not only event data, so
that the workspace lists a complaint's links in one query and intake writes them in bulk."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from redress.complaints.models.complaint import Complaint


class LinkKind(models.TextChoices):
    POSSIBLE_DUPLICATE = "possible_duplicate", _("Possible duplicate")
    RELATED = "related", _("Related")
    NOT_DUPLICATE = "not_duplicate", _("Not a duplicate")
    MERGED_INTO = "merged_into", _("Merged into")


class ComplaintLink(models.Model):
    """``complaint`` and ``other`` may be the same case. One row per pair of complaints, in
    either direction: intake writes (new complaint → older one) as a possible duplicate; a
    person then links, dismisses or merges, which changes the row's kind (for a merge the row
    reads ``complaint`` merged into ``other``). Written only by intake and the lifecycle
    services (``handling.links``)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="links")
    other = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(_("kind"), max_length=24, choices=LinkKind.choices)
    # Who found the pair: a channel ("web", "email", "api", "import") or a person's username.
    found_by = models.CharField(_("found by"), max_length=150)
    found_at = models.DateTimeField(_("found"))
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint link")
        verbose_name_plural = _("complaint links")
        constraints = [
            models.UniqueConstraint(fields=["complaint", "other"], name="complaint_link_once"),
            models.CheckConstraint(
                condition=~models.Q(complaint=models.F("other")), name="complaint_link_not_self"
            ),
        ]
        indexes = [models.Index(fields=["other", "kind"], name="complaint_link_other")]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind} {self.other_id}"
