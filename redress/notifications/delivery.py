"""How the delivery state of an email reaches the complaint's record.

Each attempt updates the outbound message on the complaint (``Message.delivery_state``: queued,
retrying, sent, failed, bounced), which the back office and the follow-up record show beside
the message. A final outcome (sent, failed after the last retry, bounced) is also an event on
the complaint (``record_delivery``, with its audit entry, written by the hooks that
``REDRESS_EMAIL_OUTCOME_HOOKS`` names), and a failure tells the complaint's owner (or the unit's complaints managers) that the
complainant did not get the email, so that someone reaches them another way.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from redress.audit.services import audit_record
from redress.complaints.models import Complaint, Message
from redress.core.actors import Actor
from redress.core.roles import Role
from redress.core.selectors import unit_ancestor_ids, users_with_role
from redress.notifications.models import Notification, OutboundEmail
from redress.notifications.notices import notify_users

OUTBOX = Actor.system("outbox")
_FINAL = {OutboundEmail.State.SENT, OutboundEmail.State.FAILED, OutboundEmail.State.BOUNCED}


def delivery_logged(email: OutboundEmail) -> None:
    """Record the email's current state on its message; a final state as an event on the
    complaint (which writes its audit entry), or in the audit trail for an email that belongs to
    no complaint. Call inside the transaction that saved the state."""
    if email.message_id:
        Message.objects.filter(pk=email.message_id).update(delivery_state=email.state)
    if email.state not in _FINAL:
        return
    if email.complaint_id:
        for hook in _outcome_hooks():
            hook(email)
    else:
        audit_record(
            actor=OUTBOX,
            action=f"email.{email.state}",
            target=email,
            target_label=email.to,
            after={
                "to": email.to,
                "message_id": email.email_message_id,
                "template": email.template_code,
                "attempts": email.attempts,
                **({"error": email.last_error[:500]} if email.last_error else {}),
            },
        )
    if email.state != OutboundEmail.State.SENT and email.complaint_id:
        _tell_staff(email)


def _outcome_hooks() -> list[Callable[[OutboundEmail], None]]:
    """What records a complaint email's final state: ``handling.closure.on_email_outcome``,
    wired in by settings so that notifications does not import the lifecycle above it."""
    return [import_string(path) for path in settings.REDRESS_EMAIL_OUTCOME_HOOKS]


def _tell_staff(email: OutboundEmail) -> None:
    tell_staff_undelivered(
        complaint_id=email.complaint_id,  # type: ignore[arg-type]
        kind=Notification.Kind.EMAIL_FAILED,
        dedupe_key=f"email:{email.pk}",
    )


def tell_staff_undelivered(*, complaint_id: int, kind: str, dedupe_key: str) -> None:
    """Tell the complaint's owner (or the unit's complaints managers) that a message did not
    reach the complainant, so that someone reaches them another way."""
    complaint = Complaint.objects.select_related("owner").get(pk=complaint_id)
    if complaint.owner is not None and complaint.owner.is_active:
        users = [complaint.owner]
    else:
        users = users_with_role(
            Role.COMPLAINTS_MANAGER, unit_ids=unit_ancestor_ids(complaint.unit_id)
        )
    notify_users(users=users, kind=kind, complaint=complaint, dedupe_key=dedupe_key)


@transaction.atomic
def email_bounced(*, message_id: str, detail: str) -> OutboundEmail | None:
    """A bounce (delivery status notification) came back for one of our emails: mark it bounced.
    Returns the email, or None when the Message-ID is not one of ours."""
    email = OutboundEmail.objects.select_for_update().filter(email_message_id=message_id).first()
    if email is None or email.state == OutboundEmail.State.BOUNCED:
        return email
    email.state = OutboundEmail.State.BOUNCED
    email.next_attempt_at = None
    email.last_error = detail[:2000]
    email.save(update_fields=["state", "next_attempt_at", "last_error"])
    delivery_logged(email)
    return email
