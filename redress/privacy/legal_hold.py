"""Legal holds: a complaint kept as it is (a court case, an inspection, a request from the
police) cannot have its complainant's data erased while the hold is in place. Placed and
released by the DPO or the complaints manager (``roles.Permission.LEGAL_HOLD``), audited
(``privacy.legal_hold_place`` / ``privacy.legal_hold_release``)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.audit.services import audit_record
from redress.complaints.models import Complaint
from redress.core.actors import Actor
from redress.core.errors import Conflict, NotPermitted, ValidationFailed
from redress.core.models import User
from redress.privacy.models import LegalHold
from redress.privacy.roles import Permission, permission_check


def _person(actor: Actor) -> User:
    if actor.user is None:
        raise NotPermitted(_("Only a signed-in person can do this."))
    permission_check(actor.user, Permission.LEGAL_HOLD)
    return actor.user


def held_complaint_ids(complaint_ids: Iterable[int]) -> set[int]:
    """Which of these complaints are under a legal hold now."""
    return set(
        LegalHold.objects.filter(
            complaint_id__in=list(complaint_ids), released_at__isnull=True
        ).values_list("complaint_id", flat=True)
    )


def complaint_is_held(complaint: Complaint) -> bool:
    return bool(held_complaint_ids([complaint.pk]))


# How many holds the page lists in each part (holds are few; a bound all the same).
HOLDS_SHOWN = 100


def legal_holds_for(reader: User) -> tuple[list[LegalHold], list[LegalHold]]:
    """The holds in force (oldest first: the longest-held at the top) and the latest released,
    for a person who may place them."""
    permission_check(reader, Permission.LEGAL_HOLD)
    holds = LegalHold.objects.select_related("complaint", "placed_by", "released_by")
    in_force = list(
        holds.filter(released_at__isnull=True).order_by("placed_at", "pk")[:HOLDS_SHOWN]
    )
    released = list(
        holds.filter(released_at__isnull=False).order_by("-released_at", "-pk")[:HOLDS_SHOWN]
    )
    return in_force, released


def complaint_for_hold(reference: str) -> Complaint:
    """The complaint a hold is asked for, by its reference; refused naming the field."""
    complaint = Complaint.objects.filter(reference=reference.strip().upper()).first()
    if complaint is None:
        message = _("There is no complaint with the reference “%(reference)s”.") % {
            "reference": reference.strip()
        }
        raise ValidationFailed(message, fields={"reference": [message]})
    return complaint


@transaction.atomic
def legal_hold_place(*, complaint: Complaint, actor: Actor, reason: str) -> LegalHold:
    """Put a complaint under a legal hold, with the reason. Refused when one is already in
    place (409) or without a reason (422)."""
    user = _person(actor)
    if not reason.strip():
        message = _("Give the reason for the legal hold.")
        raise ValidationFailed(message, fields={"reason": [message]})
    try:
        with transaction.atomic():
            hold = LegalHold.objects.create(
                complaint=complaint,
                reason=reason.strip(),
                placed_by=user,
                placed_at=timezone.now(),
            )
    except IntegrityError:
        raise Conflict(
            _("This complaint is already under a legal hold."), code="legal_hold_in_place"
        ) from None
    audit_record(
        actor=actor,
        action="privacy.legal_hold_place",
        target=hold,
        target_label=complaint.reference,
        after={"complaint": complaint.pk, "reason": hold.reason},
    )
    return hold


@transaction.atomic
def legal_hold_release(*, complaint: Complaint, actor: Actor) -> LegalHold:
    """Release the legal hold in place on a complaint (409 when there is none)."""
    user = _person(actor)
    hold = (
        LegalHold.objects.select_for_update()
        .filter(complaint=complaint, released_at__isnull=True)
        .first()
    )
    if hold is None:
        raise Conflict(_("This complaint is not under a legal hold."), code="no_legal_hold")
    hold.released_at = timezone.now()
    hold.released_by = user
    hold.save(update_fields=["released_at", "released_by"])
    audit_record(
        actor=actor,
        action="privacy.legal_hold_release",
        target=hold,
        target_label=complaint.reference,
        after={"complaint": complaint.pk, "released_at": hold.released_at},
    )
    return hold
