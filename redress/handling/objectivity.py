"""Objectivity (ISO 10002 4.7): the member of staff a complaint is about, and conflicts of
interest declared by those who could handle it.

- The person complained about loses sight of the complaint (``complaints_visible_to``) and every
  role on it, so they can neither own nor decide it. Naming the complaint's current owner is
  refused: a complaints manager first gives the complaint to someone else (``complaint_assign``),
  so that it is never left with an owner who cannot see it.
- A person who declares a conflict of interest keeps sight of the complaint but may no longer own
  it nor propose, approve or return its decision (``objectivity_check``). If they own it when
  they declare, it goes back to its unit's queue without an owner, for a manager to reassign.
  Only a complaints manager withdraws a declaration, with a reason; the row keeps both.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.complaints.models import Complaint, ConflictDeclaration
from redress.complaints.selectors import conflicted_person_ids
from redress.complaints.transitions import Action
from redress.core.actors import Actor
from redress.core.errors import Conflict, NotPermitted, ValidationFailed
from redress.core.models import User
from redress.core.selectors import staff_members
from redress.handling.kernel import act, require


def staff_check(person: User, field: str) -> None:
    """Refuse someone who is not an active member of the organisation's staff."""
    if not staff_members().filter(pk=person.pk).exists():
        message = _("%(name)s is not a member of staff of the organisation.") % {"name": person}
        raise ValidationFailed(message, fields={field: [message]})


def conflict_check(complaint: Complaint, user_id: int | None, *, owning: bool = False) -> None:
    """Refuse a person with a standing conflict-of-interest declaration on the complaint: as
    its owner (``owning``) or as the one who decides it."""
    if user_id is None or user_id not in conflicted_person_ids(complaint):
        return
    if owning:
        message = _("This person declared a conflict of interest and cannot own the complaint.")
    else:
        message = _("You declared a conflict of interest and cannot decide this complaint.")
    raise Conflict(message, code="conflict_of_interest")


@transaction.atomic
def complaint_record_subject_staff(
    *, complaint: Complaint, actor: Actor, reason: str, person: User | None = None
) -> Complaint:
    """Record (or, with no ``person``, clear) the member of staff the complaint is about, with
    the reason. The person must be staff of the organisation and not the complaint's owner."""
    require({"reason": reason})
    if person is not None:
        staff_check(person, "person")

    def change(c: Complaint) -> dict[str, Any]:
        previous = c.subject_staff_id
        new = person.pk if person is not None else None
        if new == previous:
            message = (
                _("No one is recorded as the person complained about.")
                if new is None
                else _("This person is already recorded as the person complained about.")
            )
            raise Conflict(message, code="subject_staff_unchanged")
        if new is not None and new == c.owner_id:
            raise Conflict(
                _(
                    "%(name)s owns this complaint: assign it to someone else first, then record "
                    "them as the person complained about."
                )
                % {"name": person},
                code="subject_staff_owns",
            )
        c.subject_staff = person
        return {"person": new, "previous": previous, "reason": reason.strip()}

    return act(complaint, actor, Action.RECORD_SUBJECT_STAFF, change)


@transaction.atomic
def complaint_declare_conflict(*, complaint: Complaint, actor: Actor, reason: str) -> Complaint:
    """Declare one's own conflict of interest on the complaint, with the reason. A declarant
    who owns the complaint gives it up: it returns to its unit's queue without an owner."""
    require({"reason": reason})
    if actor.user is None:
        raise NotPermitted(_("A conflict of interest is declared by a person."))
    declarant = actor.user

    def change(c: Complaint) -> dict[str, Any]:
        if declarant.pk in conflicted_person_ids(c):
            raise Conflict(
                _("You have already declared a conflict of interest on this complaint."),
                code="conflict_declared",
            )
        declaration = ConflictDeclaration.objects.create(
            complaint=c, person=declarant, reason=reason.strip(), declared_at=timezone.now()
        )
        data: dict[str, Any] = {
            "declaration": declaration.pk,
            "person": declarant.pk,
            "reason": reason.strip(),
        }
        if c.owner_id == declarant.pk:
            c.owner = None
            data["unassigned"] = True
        return data

    return act(complaint, actor, Action.DECLARE_CONFLICT, change)


@transaction.atomic
def complaint_withdraw_conflict(
    *, complaint: Complaint, actor: Actor, declaration: ConflictDeclaration, reason: str
) -> Complaint:
    """Withdraw a standing declaration (complaints managers only, by the lifecycle table), with
    the reason; the person may own and decide the complaint again."""
    require({"reason": reason})

    def change(c: Complaint) -> dict[str, Any]:
        row = (
            ConflictDeclaration.objects.select_for_update()
            .filter(pk=declaration.pk, complaint=c, withdrawn_at__isnull=True)
            .first()
        )
        if row is None:
            message = _("This complaint has no standing declaration with this id.")
            raise ValidationFailed(message, fields={"declaration": [message]})
        row.withdrawn_at = timezone.now()
        row.withdrawn_by = actor.user
        row.withdrawal_reason = reason.strip()
        row.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
        return {"declaration": row.pk, "person": row.person_id, "reason": reason.strip()}

    return act(complaint, actor, Action.WITHDRAW_CONFLICT, change)
