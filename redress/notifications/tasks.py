"""Delivering the outbox. Tasks take ids and are idempotent: a sent email is never sent twice.

A delivery claims the email in a short transaction (``next_attempt_at`` becomes a lease), talks
to the mail server outside any transaction, then records the outcome in a second short
transaction: a slow or unreachable mail server never holds a database lock.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from redress.notifications.delivery import delivery_logged
from redress.notifications.models import OutboundEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6


# How long a claimed email is left to its sender before another worker may try it
# (REDRESS_OUTBOX_LEASE_SECONDS, 300).
def lease_period() -> dt.timedelta:
    return dt.timedelta(seconds=settings.REDRESS_OUTBOX_LEASE_SECONDS)


FINAL_STATES = (OutboundEmail.State.SENT, OutboundEmail.State.FAILED, OutboundEmail.State.BOUNCED)


def _backoff(attempts: int) -> dt.timedelta:
    # 2, 4, 8, 16, 32 minutes (REDRESS_OUTBOX_RETRY_SECONDS, 60, is the unit): a mail server
    # that is down for an hour loses nothing.
    return dt.timedelta(seconds=settings.REDRESS_OUTBOX_RETRY_SECONDS * 2**attempts)


def _claim(email_id: int) -> OutboundEmail | None:
    """Take the email for one attempt, or None when it is not due (sent, failed, claimed by
    another worker, or waiting for its next attempt)."""
    now = timezone.now()
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.state in FINAL_STATES:
            return None
        if email.next_attempt_at is not None and email.next_attempt_at > now:
            return None
        email.attempts += 1
        email.next_attempt_at = now + lease_period()
        email.save(update_fields=["attempts", "next_attempt_at"])
    return email


def _build(email: OutboundEmail) -> EmailMessage:
    headers = {"Message-ID": email.email_message_id}
    if email.in_reply_to:
        headers["In-Reply-To"] = email.in_reply_to
        headers["References"] = email.in_reply_to
    if email.template_code:
        # RFC 3834: mail sent by the system, not a person; well-behaved auto-responders
        # do not answer it, which stops mail loops at their end.
        headers["Auto-Submitted"] = "auto-generated"
    connection = get_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", None) or 30)
    return EmailMessage(
        subject=email.subject,
        body=email.body,
        to=[email.to],
        headers=headers,
        connection=connection,
    )


def deliver_now(email_id: int) -> str:
    """Try to send one email; returns its state afterwards."""
    email = _claim(email_id)
    if email is None:
        current = OutboundEmail.objects.filter(pk=email_id).values_list("state", flat=True).first()
        return current or "missing"
    error = ""
    try:
        _build(email).send()
    except Exception as exc:  # noqa: BLE001 - any transport failure is retried
        error = f"{type(exc).__name__}: {exc}"[:2000]
        logger.warning(
            "email %s to %s not sent (attempt %s): %s", email.pk, email.to, email.attempts, error
        )
    state = _record(email, error)
    if state == OutboundEmail.State.RETRYING:
        email.refresh_from_db(fields=["next_attempt_at"])
        # Backends that cannot defer leave the retry to the worker's sweep (``outbox_flush``).
        if email.next_attempt_at and deliver_email.get_backend().supports_defer:
            deliver_email.using(run_after=email.next_attempt_at).enqueue(email.pk)
    return state


def _record(email: OutboundEmail, error: str) -> str:
    """Store the outcome of one attempt and show it on the complaint's message."""
    now = timezone.now()
    with transaction.atomic():
        if error:
            email.last_error = error
            if email.attempts >= MAX_ATTEMPTS:
                email.state = OutboundEmail.State.FAILED
                email.next_attempt_at = None
            else:
                email.state = OutboundEmail.State.RETRYING
                email.next_attempt_at = now + _backoff(email.attempts)
        else:
            email.state = OutboundEmail.State.SENT
            email.sent_at = now
            email.next_attempt_at = None
            email.last_error = ""
        email.save(update_fields=["state", "last_error", "next_attempt_at", "sent_at"])
        delivery_logged(email)
    return email.state


@task()
def deliver_email(email_id: int) -> str:
    return deliver_now(email_id)


def outbox_flush(*, limit: int = 500) -> int:
    """Send what is due (run by the worker's sweep: catches mail queued while it was down).
    Returns how many emails were tried."""
    now = timezone.now()
    due = OutboundEmail.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        state__in=[OutboundEmail.State.QUEUED, OutboundEmail.State.RETRYING],
    )
    ids = list(due.order_by("pk").values_list("pk", flat=True)[:limit])
    for email_id in ids:
        deliver_now(email_id)
    return len(ids)
