"""Sending notices to staff. Called by domain services inside their transaction."""

from __future__ import annotations

from collections.abc import Iterable

from redress.core.models import User
from redress.notifications.models import Notification


def notify_users(*, users: Iterable[User], kind: str, complaint: object | None = None, dedupe_key: str = "") -> int:
    """Create one notice per user. With a ``dedupe_key`` a user gets the notice only once."""
    recipients = {user.pk: user for user in users}
    if not recipients:
        return 0
    existing: set[int] = set()
    if dedupe_key:
        existing = set(
            Notification.objects.filter(recipient_id__in=recipients, dedupe_key=dedupe_key).values_list(
                "recipient_id", flat=True
            )
        )
    rows = [
        Notification(recipient=user, kind=kind, complaint=complaint, dedupe_key=dedupe_key)  # type: ignore[misc]
        for pk, user in recipients.items()
        if pk not in existing
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)
