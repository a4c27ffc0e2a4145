"""Reading the outboxes (administrators' pages "Outgoing email" and the SMS and Zalo log), and a
person's notices."""

from __future__ import annotations

from django.db.models import QuerySet

from redress.complaints.selectors import sees_restricted
from redress.core.models import User
from redress.notifications.models import Notification, OutboundEmail, OutboundText


def notices_of(user: User) -> QuerySet[Notification]:
    """The person's notices (the bell, its count, the daily digest), without those about a
    complaint restricted since (Law 91/2025) unless they may read it: a notice given before
    the restriction does not keep showing the complaint."""
    notices = Notification.objects.filter(recipient=user)
    if not sees_restricted(user):
        notices = notices.exclude(complaint__processing_restricted=True)
    return notices


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


def texts_log(*, state: str = "", channel_id: int | None = None) -> QuerySet[OutboundText]:
    """The SMS and Zalo outbox, newest first by id, optionally of one state or channel."""
    texts = OutboundText.objects.select_related("channel", "complaint").only(
        "pk",
        "to",
        "state",
        "attempts",
        "template_code",
        "cost",
        "last_error",
        "created_at",
        "sent_at",
        "reported_at",
        "is_test",
        "fallback_email_id",
        "channel__name",
        "channel__gateway",
        "complaint__reference",
    )
    if state:
        texts = texts.filter(state=state)
    if channel_id:
        texts = texts.filter(channel_id=channel_id)
    return texts.order_by("-pk")
