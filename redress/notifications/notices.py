"""Notices to staff: the bell in the back office (assigned, new message, deadline near or missed,
an email that did not reach the complainant, a webhook switched off).

Every app that tells staff something calls ``notify_users``; it needs only the notification
table, so the outbox and the deadline engine can call it without the complainant mail.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from redress.core.models import User
from redress.notifications.models import Notification


def notify_users(
    *,
    users: Iterable[User],
    kind: str,
    complaint: object | None = None,
    dedupe_key: str = "",
    target: tuple[str, int, str] | None = None,
) -> int:
    """Create one notice per user. With a ``dedupe_key`` a user gets the notice only once.
    ``target`` (kind, id, label) names another record the notice is about
    (``Notification.Target``)."""
    recipients = {user.pk: user for user in users}
    if not recipients:
        return 0
    existing: set[int] = set()
    if dedupe_key:
        existing = set(
            Notification.objects.filter(
                recipient_id__in=recipients, dedupe_key=dedupe_key
            ).values_list("recipient_id", flat=True)
        )
    target_kind, target_id, target_label = target or ("", None, "")
    rows = [
        Notification(  # type: ignore[misc]
            recipient=user,
            kind=kind,
            complaint=complaint,
            dedupe_key=dedupe_key,
            target_kind=target_kind,
            target_id=target_id,
            target_label=target_label[:200],
        )
        for pk, user in recipients.items()
        if pk not in existing
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


def notification_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notices read (all of them when ``ids`` is None); returns how many.
    Nobody can mark another person's notices."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
