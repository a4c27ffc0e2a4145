"""Notices to staff: the bell in the back office (assigned, new message, deadline near or missed,
an email that did not reach the complainant, a webhook switched off).

Every app that tells staff something calls ``notify_users``; it needs only the notification
table, so the outbox and the deadline engine can call it without the complainant mail.

About a complaint, a person has one unread notice per kind: a repeat (another deadline of the
same complaint missed, a second message) refreshes that notice rather than adding one, so a
busy complaint does not bury the others. Acting on the complaint marks its notices read
(``notifications_read_on_complaint``, called where every action is recorded).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import F
from django.utils import timezone

from redress.complaints.models import Complaint
from redress.complaints.selectors import complaint_readers
from redress.core.models import User
from redress.notifications.models import Notification


def notify_users(
    *,
    users: Iterable[User],
    kind: str,
    complaint: object | None = None,
    dedupe_key: str = "",
    target: tuple[str, int, str] | None = None,
    stage: str = "",
) -> int:
    """Tell each user once; returns how many notices were added or refreshed.

    With a ``dedupe_key`` a user is told only once, ever. A user who already has an unread
    notice of this kind about this complaint gets that notice refreshed (its time, its stage,
    one more repeat) instead of a second one. ``target`` (kind, id, label) names another record
    the notice is about (``Notification.Target``); ``stage`` the stage of a deadline notice
    (a ``sla`` stage code), named in its title.

    A complaint whose processing is restricted (Law 91/2025) is told only to who may read it,
    the data-protection officer (``complaints.selectors.complaint_readers``).
    """
    if complaint is not None:
        users = _readers(complaint, users)
    recipients = {user.pk: user for user in users}
    if not recipients:
        return 0
    if dedupe_key:
        told = Notification.objects.filter(
            recipient_id__in=recipients, dedupe_key=dedupe_key
        ).values_list("recipient_id", flat=True)
        for pk in set(told):
            recipients.pop(pk)
    if not recipients:
        return 0
    now = timezone.now()
    complaint_id = getattr(complaint, "pk", None)
    refreshed = 0
    if complaint_id is not None:
        unread = Notification.objects.filter(
            recipient_id__in=recipients, complaint_id=complaint_id, kind=kind, read_at__isnull=True
        )
        repeated = set(unread.values_list("recipient_id", flat=True))
        if repeated:
            changes: dict[str, object] = {"updated_at": now, "repeats": F("repeats") + 1}
            if stage:
                changes["stage"] = stage
            if dedupe_key:
                changes["dedupe_key"] = dedupe_key
            refreshed = unread.filter(recipient_id__in=repeated).update(**changes)
            for pk in repeated:
                recipients.pop(pk)
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
            stage=stage,
            updated_at=now,
        )
        for user in recipients.values()
    ]
    # A notice another worker added meanwhile stands for this one (the unique constraints).
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return refreshed + len(rows)


def _readers(complaint: object, users: Iterable[User]) -> list[User]:
    """The users who may be told about ``complaint`` (a complaint, or its id): its restriction
    is read from the database, since a caller's copy may predate it."""
    pk: Any = getattr(complaint, "pk", complaint)
    current = Complaint.objects.filter(pk=pk).only("pk", "processing_restricted").first()
    if current is None:
        return list(users)
    return complaint_readers(current, users)


def notification_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notices read (all of them when ``ids`` is None); returns how many.
    Nobody can mark another person's notices."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def notifications_read_on_complaint(*, user_id: int, complaint_id: int) -> int:
    """The person has acted on the complaint: their notices about it are read. Returns how
    many were unread."""
    return Notification.objects.filter(
        recipient_id=user_id, complaint_id=complaint_id, read_at__isnull=True
    ).update(read_at=timezone.now())
