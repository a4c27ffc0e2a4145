"""Restriction of processing at the person's request (Law 91/2025 Art. 9; Decree 356/2025): a
restricted complaint is kept as it is and read by the data-protection officer alone until the
restriction is lifted. The register carries the mark (``Complaint.processing_restricted``), so
that the one visibility gate (``complaints_visible_to``) takes the complaint out of every
list, search, export, figure and API answer for everyone else; the history — which request
restricted it, who lifted it, when and why — stays here. Both steps are audited."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.audit.services import audit_record
from redress.complaints.models import Complaint
from redress.core.actors import Actor
from redress.core.errors import Conflict, NotPermitted, ValidationFailed
from redress.privacy.models import DataSubjectRequest, ProcessingRestriction
from redress.privacy.roles import Permission, permission_check


def complaints_restrict(
    *, request: DataSubjectRequest, complaints: Sequence[Complaint], actor: Actor
) -> list[ProcessingRestriction]:
    """Restrict each complaint not yet restricted (one restriction in force per complaint) and
    mark it in the register. Returns the restrictions made."""
    now = timezone.now()
    ids = [complaint.pk for complaint in complaints]
    in_force = set(
        ProcessingRestriction.objects.filter(
            lifted_at__isnull=True, complaint_id__in=ids
        ).values_list("complaint_id", flat=True)
    )
    made = [
        ProcessingRestriction.objects.create(
            complaint=complaint, request=request, restricted_at=now
        )
        for complaint in complaints
        if complaint.pk not in in_force
    ]
    Complaint.objects.filter(pk__in=ids).update(processing_restricted=True)
    for restriction in made:
        audit_record(
            actor=actor,
            action="privacy.restrict",
            target=restriction,
            target_label=restriction.complaint.reference,
            after={"complaint": restriction.complaint_id, "request": request.reference},
        )
    return made


@transaction.atomic
def restriction_lift(
    *, restriction: ProcessingRestriction, actor: Actor, reason: str
) -> ProcessingRestriction:
    """Lift a restriction in force, with the reason (the person asked, or the ground for it
    ended): the complaint is read and handled as before. Refused without a reason (422) or
    when already lifted (409); the data-protection officer's alone."""
    if actor.user is None:
        raise NotPermitted(_("Only a signed-in person can do this."))
    permission_check(actor.user, Permission.REQUEST_MANAGE)
    if not reason.strip():
        message = _("Give the reason for lifting the restriction.")
        raise ValidationFailed(message, fields={"reason": [message]})
    locked = ProcessingRestriction.objects.select_for_update().get(pk=restriction.pk)
    if locked.lifted_at is not None:
        raise Conflict(_("This restriction is already lifted."), code="restriction_lifted")
    locked.lifted_at = timezone.now()
    locked.lifted_by = actor.user
    locked.lift_reason = reason.strip()
    locked.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    Complaint.objects.filter(pk=locked.complaint_id).update(processing_restricted=False)
    reference = Complaint.objects.values_list("reference", flat=True).get(pk=locked.complaint_id)
    audit_record(
        actor=actor,
        action="privacy.restriction_lift",
        target=locked,
        target_label=reference,
        after={"complaint": locked.complaint_id, "reason": locked.lift_reason},
    )
    return locked
