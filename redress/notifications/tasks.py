"""Delivering the outbox. Tasks take ids and are idempotent: a sent email is never sent twice."""

from __future__ import annotations

import datetime as dt

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from redress.notifications.models import OutboundEmail

MAX_ATTEMPTS = 6


def _backoff(attempts: int) -> dt.timedelta:
    # 2, 4, 8, 16, 32 minutes: a mail server that is down for an hour loses nothing.
    return dt.timedelta(minutes=2**attempts)


def deliver_now(email_id: int) -> str:
    """Try to send one email; returns its state afterwards."""
    from redress.complaints.models import Message

    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.state in (OutboundEmail.State.SENT, OutboundEmail.State.FAILED):
            return email.state if email else "missing"
        headers = {"Message-ID": email.email_message_id}
        if email.in_reply_to:
            headers["In-Reply-To"] = email.in_reply_to
            headers["References"] = email.in_reply_to
        email.attempts += 1
        try:
            EmailMessage(subject=email.subject, body=email.body, to=[email.to], headers=headers).send()
        except Exception as error:  # noqa: BLE001 - any transport failure is retried
            email.last_error = f"{type(error).__name__}: {error}"[:2000]
            if email.attempts >= MAX_ATTEMPTS:
                email.state = OutboundEmail.State.FAILED
                email.next_attempt_at = None
            else:
                email.state = OutboundEmail.State.RETRYING
                email.next_attempt_at = timezone.now() + _backoff(email.attempts)
        else:
            email.state = OutboundEmail.State.SENT
            email.sent_at = timezone.now()
            email.next_attempt_at = None
            email.last_error = ""
        email.save(update_fields=["state", "attempts", "last_error", "next_attempt_at", "sent_at"])
        if email.message_id:
            Message.objects.filter(pk=email.message_id).update(delivery_state=email.state)
    if email.state == OutboundEmail.State.RETRYING and email.next_attempt_at:
        deliver_email.using(run_after=email.next_attempt_at).enqueue(email.pk)
    return email.state


@task()
def deliver_email(email_id: int) -> str:
    return deliver_now(email_id)


def outbox_flush(*, limit: int = 500) -> int:
    """Send what is due (run by the worker's sweep: catches mail queued while it was down)."""
    now = timezone.now()
    due = OutboundEmail.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        state__in=[OutboundEmail.State.QUEUED, OutboundEmail.State.RETRYING],
    )
    ids = list(due.order_by("pk").values_list("pk", flat=True)[:limit])
    for email_id in ids:
        deliver_now(email_id)
    return len(ids)
