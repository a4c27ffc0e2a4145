"""Internal notes and messages with the complainant (ISO 10002 7.3, 7.6)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.complaints.attachments import IncomingFile, attachments_check, attachments_store
from redress.complaints.models import Complaint, Message, PauseReason
from redress.complaints.transitions import Action
from redress.core.actors import Actor
from redress.core.errors import ValidationFailed
from redress.handling.kernel import act, require
from redress.handling.triage import resume_change


@transaction.atomic
def complaint_add_note(
    *, complaint: Complaint, actor: Actor, body: str, attachments: Sequence[IncomingFile] = ()
) -> Message:
    """An internal note among staff (with evidence files); never shown to the complainant."""
    require({"body": body})
    files = attachments_check(attachments)
    holder: dict[str, Message] = {}

    def change(c: Complaint) -> dict[str, Any]:
        holder["message"] = Message.objects.create(
            complaint=c,
            direction=Message.Direction.INTERNAL,
            author=actor.user,
            body=body.strip(),
            created_at=timezone.now(),
        )
        attachments_store(files, complaint=c, message=holder["message"], uploaded_by=str(actor))
        return {"message": holder["message"].pk, "attachments": len(files)}

    act(complaint, actor, Action.ADD_NOTE, change)
    return holder["message"]


@transaction.atomic
def complaint_add_message(
    *,
    complaint: Complaint,
    actor: Actor,
    direction: str,
    body: str,
    subject: str = "",
    channel: str = "",
    email_message_id: str = "",
    attachments: Sequence[IncomingFile] = (),
    from_address: str = "",
) -> Message:
    """A message from the complainant (portal, email) or to the complainant (back office).

    ``from_address`` is the address an inbound email actually came from (it may not be the
    complainant's). A message from the complainant resumes a complaint paused while waiting
    for them.
    """
    require({"body": body})
    files = attachments_check(attachments)
    if direction not in (Message.Direction.INBOUND, Message.Direction.OUTBOUND):
        raise ValidationFailed(
            _("Unknown message direction."), fields={"direction": [_("Not a valid choice.")]}
        )
    holder: dict[str, Message] = {}

    def change(c: Complaint) -> dict[str, Any]:
        holder["message"] = Message.objects.create(
            complaint=c,
            direction=direction,
            channel=channel or (actor.label if actor.kind == "channel" else ""),
            author=actor.user,
            subject=subject.strip()[:300],
            body=body.strip(),
            created_at=timezone.now(),
            email_message_id=email_message_id,
            from_address=from_address.strip().lower()[:254],
        )
        attachments_store(files, complaint=c, message=holder["message"], uploaded_by=str(actor))
        data: dict[str, Any] = {
            "message": holder["message"].pk,
            "direction": direction,
            "attachments": len(files),
        }
        if from_address and from_address.strip().lower() != c.complainant.email.lower():
            # Recorded so that no one (the portal's timeline included) calls it the complainant's.
            data["from_another_address"] = True
        return data

    # ``holder`` doubles as the effects' extra: the reply mail and the owner's notice need the
    # message, which exists once ``change`` ran.
    updated = act(complaint, actor, Action.ADD_MESSAGE, change, method=channel, extra=holder)
    if (
        direction == Message.Direction.INBOUND
        and updated.paused_at is not None
        and updated.pause_reason == PauseReason.COMPLAINANT
    ):
        act(updated, Actor.system("complainant-replied"), Action.RESUME, resume_change(""))
    return holder["message"]
