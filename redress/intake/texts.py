"""SMS replies: a message a complainant sends to the gateway's number becomes a message on
their complaint, through the same entry point as email replies
(``handling.services.complaint_add_message``), or is kept as unmatched (never dropped).

The sender is matched to complainants by their number, however it was written down
(``channels.text.phone_variants``); among their complaints that are not closed, the one whose
reference the text names, else the one most recently received. A gateway that passes the same
message twice is recognised by its id (or, when it gives none, by the number and the text).
"""

from __future__ import annotations

import hashlib
import logging

from django.db import IntegrityError, transaction

from redress.complaints.models import Channel, Complaint, Message, Status
from redress.core.actors import Actor
from redress.core.errors import ApplicationError
from redress.handling.services import complaint_add_message
from redress.intake.mail import reference_pattern
from redress.intake.models import InboundText
from redress.notifications.channels.text import phone_international, phone_variants
from redress.notifications.models import TextChannel

logger = logging.getLogger(__name__)

SMS = Actor.channel(Channel.SMS)
Outcome = InboundText.Outcome


def complaint_for_number(number: str, text: str) -> Complaint | None:
    """The open complaint a message from ``number`` is about, or None."""
    variants = phone_variants(number)
    if not variants:
        return None
    complaints = Complaint.objects.filter(complainant__phone__in=variants).exclude(
        status=Status.CLOSED
    )
    named = {m.upper() for m in reference_pattern().findall(text)}
    if named:
        chosen = complaints.filter(reference__in=named).order_by("-received_at", "-pk").first()
        if chosen is not None:
            return chosen
    return complaints.order_by("-received_at", "-pk").first()


def text_ingest(*, channel: TextChannel, provider_id: str, sender: str, text: str) -> InboundText:
    """Take in one SMS from a complainant (see the module's docstring). Returns its record;
    the same message again returns the first record and adds nothing."""
    number = phone_international(sender)
    body = (text or "").strip()
    key = provider_id.strip()[:100] or (
        "h:" + hashlib.sha256(f"{number}\n{body}".encode()).hexdigest()[:60]
    )
    existing = InboundText.objects.filter(channel=channel, provider_id=key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            record = InboundText.objects.create(
                channel=channel,
                provider_id=key,
                sender=number[:32],
                body=body,
                outcome=Outcome.UNMATCHED,
            )
            complaint = complaint_for_number(number, body) if body else None
            if complaint is not None:
                message = _add(complaint, body)
                if message is not None:
                    record.outcome, record.complaint, record.message = (
                        Outcome.REPLY,
                        complaint,
                        message,
                    )
                    record.save(update_fields=["outcome", "complaint", "message"])
    except IntegrityError:
        return InboundText.objects.get(channel=channel, provider_id=key)  # taken meanwhile
    return record


def _add(complaint: Complaint, body: str) -> Message | None:
    try:
        with transaction.atomic():
            return complaint_add_message(
                complaint=complaint,
                actor=SMS,
                direction=Message.Direction.INBOUND,
                body=body,
                channel=Channel.SMS,
            )
    except ApplicationError as error:
        logger.warning("SMS %s not added to %s: %s", body[:20], complaint.pk, error.message)
        return None
