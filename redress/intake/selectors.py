"""Reads of the intake domain for the staff site: the mail quarantine and the mailboxes."""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from email.message import Message

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Q, QuerySet

from redress.intake.models import InboundEmail, InboundText, Mailbox

# The header block of an email is rarely above a few kilobytes; reading this much of the stored
# original is enough to show it and keeps the page fast whatever the attachments weigh.
HEADER_READ_LIMIT = 256 * 1024
HEADER_LIMIT = 200


def quarantine_list(*, dismissed: bool = False) -> QuerySet[InboundEmail]:
    """Quarantined emails, newest first (or, with ``dismissed``, those a person set aside)."""
    outcome = InboundEmail.Outcome.DISMISSED if dismissed else InboundEmail.Outcome.QUARANTINED
    return (
        InboundEmail.objects.filter(outcome=outcome)
        .select_related("mailbox")
        .only(
            "pk",
            "received_at",
            "from_address",
            "subject",
            "reason",
            "source",
            "outcome",
            "reviewed_at",
            "reviewed_by",
            "mailbox__name",
        )
        .order_by("-received_at", "-pk")
    )


@dataclass
class RawHeaders:
    headers: list[tuple[str, str]]
    readable: bool  # False when the stored original could not be opened


def inbound_email_headers(inbound: InboundEmail, *, limit: int = HEADER_LIMIT) -> RawHeaders:
    """The header fields of the stored original, in order, decoded where they can be.

    Tolerant by design: the email may be in quarantine precisely because it does not parse.
    A field that cannot be decoded is shown as it was sent.
    """
    try:
        with default_storage.open(str(inbound.raw.name), "rb") as handle:
            head = handle.read(HEADER_READ_LIMIT)
    except OSError:
        return RawHeaders(headers=[], readable=False)
    block = head.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    message = email.message_from_bytes(block + b"\n\n", policy=email.policy.default)
    headers: list[tuple[str, str]] = []
    for name, value in message.raw_items():
        if len(headers) >= limit:
            break
        headers.append((name, _decoded(message, name, value)))
    return RawHeaders(headers=headers, readable=True)


def _decoded(message: Message, name: str, raw_value: str) -> str:
    try:
        value = str(message.policy.header_fetch_parse(name, raw_value))
    except Exception:  # noqa: BLE001 - a broken header is shown as it came
        value = str(raw_value)
    return " ".join(value.split())


def mailboxes_list() -> QuerySet[Mailbox]:
    """The configured mailboxes with what the list shows, never their password."""
    return Mailbox.objects.select_related("unit").defer("password").order_by("name", "pk")


def mailbox_failing_condition() -> Q:
    """A mailbox is failing once the administrators were alerted: after
    ``REDRESS_MAILBOX_ALERT_AFTER`` failed polls in a row (``intake.imap.mailbox_failed``)."""
    return Q(alert_raised_at__isnull=False) | Q(
        consecutive_failures__gte=settings.REDRESS_MAILBOX_ALERT_AFTER
    )


def mailboxes_failing(*, limit: int = 20) -> list[Mailbox]:
    return list(
        Mailbox.objects.filter(mailbox_failing_condition())
        .defer("password")
        .order_by("name", "pk")[:limit]
    )


def inbound_texts_recent(limit: int = 50) -> list[InboundText]:
    """The latest SMS received from complainants (a reply on a complaint, or unmatched)."""
    return list(
        InboundText.objects.select_related("complaint", "channel")
        .only(
            "pk",
            "sender",
            "body",
            "outcome",
            "received_at",
            "complaint__reference",
            "channel__name",
        )
        .order_by("-pk")[:limit]
    )
