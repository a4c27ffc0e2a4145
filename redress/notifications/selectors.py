"""Reading the outbox (administrators' page "Outgoing email")."""

from __future__ import annotations

from django.db.models import QuerySet

from redress.notifications.models import OutboundEmail


def outbox_list(*, state: str = "") -> QuerySet[OutboundEmail]:
    """Newest first (by id: the primary key's index keeps a page cheap on a large outbox),
    optionally of one delivery state."""
    emails = OutboundEmail.objects.select_related("complaint").only(
        "pk",
        "to",
        "subject",
        "state",
        "attempts",
        "created_at",
        "sent_at",
        "template_code",
        "complaint__reference",
    )
    if state:
        emails = emails.filter(state=state)
    return emails.order_by("-pk")
