"""The outbox of short messages (SMS, Zalo): the same rules as email (``notifications.tasks``).

A message is queued in the action's transaction and sent after the commit. A delivery claims the
message in a short transaction (``next_attempt_at`` becomes a lease), calls the gateway outside
any transaction, and records the outcome in a second one:

- accepted: ``sent`` (with the gateway's id and the cost when it gives them); its delivery
  report later makes it ``delivered`` or ``undelivered`` (``text_report``);
- refused for good (the number, the template): ``failed`` at once;
- anything else (no answer, timeout, 5xx, a rate limit, the gateway's own error code): tried
  again after the email backoff (longer when the gateway asks, ``Retry-After``), ``failed``
  after ``MAX_ATTEMPTS``.

A failed or undelivered message goes by email instead when the complainant has an address,
the fallback recorded on both. Each final state is an event on the complaint (the hooks
``REDRESS_TEXT_OUTCOME_HOOKS`` names), like email. A channel whose attempts fail
``disable_after`` times in a row is switched off and the administrators are told; what was
waiting for it goes by email.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from redress.audit.services import audit_record
from redress.complaints.models import Complaint, Message
from redress.core.actors import Actor
from redress.core.models import User
from redress.core.roles import Role
from redress.core.sealing import Unsealable
from redress.core.selectors import users_with_role
from redress.core.tasks import enqueue_on_commit
from redress.notifications.channels.gateways import Outgoing, Sent, adapter_for, callback_token
from redress.notifications.delivery import tell_staff_undelivered
from redress.notifications.models import Notification, OutboundText, TextChannel
from redress.notifications.notices import notify_users
from redress.notifications.services import email_queue, message_email, public_url
from redress.notifications.tasks import MAX_ATTEMPTS, _backoff, lease_period

logger = logging.getLogger(__name__)

OUTBOX = Actor.system("outbox")
State = OutboundText.State
FINAL = (State.SENT, State.FAILED, State.DELIVERED, State.UNDELIVERED)
# What a delivery report may still change: a sent message (and a failed one whose report
# arrives late: the gateway had it after all).
REPORTABLE = (State.SENT, State.RETRYING, State.QUEUED)


def text_queue(
    *,
    complaint: Any,
    channel: TextChannel,
    to: str,
    body: str,
    recorded: str,
    code: str,
    params: dict[str, Any] | None = None,
    message: Message | None = None,
    fallback: tuple[str, str, str] = ("", "", ""),
) -> OutboundText:
    """Record the message on the complaint (unless ``message`` is already there) and queue it.
    ``params``: for Zalo, ``{"template_id": ..., "data": {...}}``.
    ``fallback``: (subject, body, body without secrets) of the email that goes instead if it
    cannot be delivered. Call inside the action's transaction."""
    if message is None:
        message = Message.objects.create(
            complaint=complaint,
            direction=Message.Direction.OUTBOUND,
            channel=channel.kind,
            body=recorded,
            created_at=timezone.now(),
            delivery_state=State.QUEUED,
        )
    else:
        message.channel = channel.kind
        message.delivery_state = State.QUEUED
        message.save(update_fields=["channel", "delivery_state"])
    text = OutboundText.objects.create(
        complaint=complaint,
        message=message,
        channel=channel,
        to=to,
        body=body,
        params=params or {},
        template_code=code,
        fallback_subject=fallback[0][:300],
        fallback_body=fallback[1],
        fallback_recorded=fallback[2],
    )
    enqueue_on_commit(deliver_text, text.pk)
    return text


def report_url(channel: TextChannel) -> str:
    """Where the gateway sends delivery reports (given with each message when it asks)."""
    return public_url(
        reverse(
            "channel_callback",
            kwargs={
                "pk": channel.pk,
                "purpose": "report",
                "token": callback_token(channel, "report"),
            },
        )
    )


def _claim(text_id: int) -> OutboundText | None:
    now = timezone.now()
    with transaction.atomic():
        text = (
            OutboundText.objects.select_for_update()
            .select_related("channel")
            .filter(pk=text_id)
            .first()
        )
        if text is None or text.state in FINAL:
            return None
        if text.next_attempt_at is not None and text.next_attempt_at > now:
            return None
        text.attempts += 1
        text.next_attempt_at = now + lease_period()
        text.save(update_fields=["attempts", "next_attempt_at"])
    return text


def deliver_text_now(text_id: int) -> str:
    """Make one attempt to send the message; returns its state afterwards."""
    text = _claim(text_id)
    if text is None:
        state = OutboundText.objects.filter(pk=text_id).values_list("state", flat=True).first()
        return state or "missing"
    channel = text.channel
    # A test message from the back office tries a switched-off channel too.
    forced = text.is_test and bool((text.params or {}).get("force"))
    if not channel.is_active and not forced:
        sent = Sent(ok=False, error="the channel is switched off", permanent=True)
    else:
        try:
            outgoing = Outgoing(
                to=text.to,
                text=text.body,
                params=(text.params or {}).get("data") or {},
                template=str((text.params or {}).get("template_id") or ""),
                tracking=f"redress-{text.pk}",
                report_url=report_url(channel),
            )
            sent = adapter_for(channel).send(channel, outgoing)
        except Unsealable:
            sent = Sent(ok=False, error="the channel's credentials cannot be unsealed")
    if not sent.ok:
        logger.warning("text %s not sent (attempt %s): %s", text.pk, text.attempts, sent.error)
    state = _record(text, sent, counts=channel.is_active and not text.is_test)
    if state == State.RETRYING:
        text.refresh_from_db(fields=["next_attempt_at"])
        if text.next_attempt_at and deliver_text.get_backend().supports_defer:
            deliver_text.using(run_after=text.next_attempt_at).enqueue(text.pk)
    return state


def _record(text: OutboundText, sent: Sent, *, counts: bool) -> str:
    now = timezone.now()
    with transaction.atomic():
        if sent.ok:
            text.state, text.sent_at, text.next_attempt_at = State.SENT, now, None
            text.provider_id, text.cost, text.last_error = sent.provider_id[:100], sent.cost, ""
        else:
            text.last_error = sent.error[:2000]
            if sent.permanent or text.attempts >= MAX_ATTEMPTS:
                text.state, text.next_attempt_at = State.FAILED, None
            else:
                wait = _backoff(text.attempts)
                if sent.retry_after:
                    wait = max(wait, dt.timedelta(seconds=sent.retry_after))
                text.state, text.next_attempt_at = State.RETRYING, now + wait
        text.save(
            update_fields=[
                "state",
                "sent_at",
                "next_attempt_at",
                "provider_id",
                "cost",
                "last_error",
            ]
        )
        if text.state == State.FAILED:
            _fall_back(text, "failed")
        text_logged(text)
        if counts:
            _count(text.channel, ok=sent.ok or sent.permanent, error=sent.error)
    return text.state


def _count(channel: TextChannel, *, ok: bool, error: str) -> None:
    """Count the channel's failed attempts in a row; switch it off at ``disable_after``. A
    refusal of one message (a wrong number) says nothing about the gateway: not counted."""
    if ok:
        TextChannel.objects.filter(pk=channel.pk).exclude(failed_in_row=0).update(failed_in_row=0)
        return
    TextChannel.objects.filter(pk=channel.pk).update(failed_in_row=F("failed_in_row") + 1)
    channel.refresh_from_db(fields=["failed_in_row", "disable_after", "is_active"])
    if channel.is_active and channel.failed_in_row >= channel.disable_after:
        channel_disable(
            channel=channel,
            actor=OUTBOX,
            reason=f"{channel.failed_in_row} failed attempts in a row; last: {error}"[:500],
        )


def channel_disable(*, channel: TextChannel, actor: Actor, reason: str) -> TextChannel:
    """Switch a channel off with the reason (audited) and tell the administrators; messages
    still waiting for it are tried at once, and so go by email where they can."""
    with transaction.atomic():
        locked = TextChannel.objects.select_for_update().get(pk=channel.pk)
        if not locked.is_active:
            return locked
        locked.is_active, locked.disabled_at, locked.disabled_reason = False, timezone.now(), reason
        locked.save(update_fields=["is_active", "disabled_at", "disabled_reason"])
        audit_record(
            actor=actor,
            action="notifications.channel_disable",
            target=locked,
            target_label=locked.name,
            before={"is_active": True},
            after={"is_active": False, "reason": reason},
        )
        admins = {u.pk: u for u in users_with_role(Role.ADMIN)}
        admins.update({u.pk: u for u in User.objects.filter(is_superuser=True, is_active=True)})
        stamp = int(locked.disabled_at.timestamp()) if locked.disabled_at else 0
        notify_users(
            users=admins.values(),
            kind=Notification.Kind.CHANNEL_DISABLED,
            dedupe_key=f"channel-disabled:{locked.pk}:{stamp}",
        )
        waiting = list(
            locked.texts.filter(state__in=[State.QUEUED, State.RETRYING]).values_list(
                "pk", flat=True
            )
        )
        locked.texts.filter(pk__in=waiting).update(next_attempt_at=None)
        for text_id in waiting:
            enqueue_on_commit(deliver_text, text_id)
    return locked


def _fall_back(text: OutboundText, reason: str) -> None:
    """Send the message by email instead, when the complainant has an address (recorded on the
    text, on the email and in the delivery event)."""
    if text.fallback_email_id or text.complaint_id is None or text.is_test:
        return
    complaint = Complaint.objects.select_related("complainant").get(pk=text.complaint_id)
    if not complaint.complainant.email:
        # Nowhere else to write to: a person must reach the complainant another way.
        tell_staff_undelivered(
            complaint_id=complaint.pk,
            kind=Notification.Kind.TEXT_FAILED,
            dedupe_key=f"text:{text.pk}",
        )
        return
    fallback = (text.channel.kind, reason)
    if not text.template_code and text.message_id:
        message = Message.objects.get(pk=text.message_id)
        email = message_email(message=message, fallback=fallback)
    elif text.fallback_body:
        email = email_queue(
            complaint=complaint,
            subject=text.fallback_subject,
            body=text.fallback_body,
            recorded=text.fallback_recorded or text.fallback_body,
            code=text.template_code,
            fallback=fallback,
        )
    else:
        return
    if email is not None:
        text.fallback_email = email
        text.save(update_fields=["fallback_email"])


def text_logged(text: OutboundText) -> None:
    """The text's state on its message; a final state as an event on the complaint (through
    the hooks), or in the audit trail for a test message. Inside the transaction."""
    if text.message_id:
        Message.objects.filter(pk=text.message_id).update(delivery_state=text.state)
    if text.state not in FINAL:
        return
    if text.complaint_id:
        for hook in _outcome_hooks():
            hook(text)
        return
    audit_record(
        actor=OUTBOX,
        action=f"text.{text.state}",
        target=text,
        target_label=text.channel.name,
        after={
            "channel": text.channel_id,
            "test": text.is_test,
            "attempts": text.attempts,
            **({"cost": str(text.cost)} if text.cost is not None else {}),
            **({"error": text.last_error[:500]} if text.last_error else {}),
        },
    )


def _outcome_hooks() -> list[Callable[[OutboundText], None]]:
    """``handling.closure.on_text_outcome``, wired by settings (notifications never imports
    the lifecycle above it)."""
    return [import_string(path) for path in settings.REDRESS_TEXT_OUTCOME_HOOKS]


def text_report(
    *,
    channel: TextChannel,
    provider_id: str,
    tracking: str,
    delivered: bool,
    cost: Any = None,
    detail: str = "",
) -> OutboundText | None:
    """A delivery report from the gateway: the message is ``delivered`` or ``undelivered``
    (which sends the email instead). Found by the gateway's id, or by ours
    (``redress-<id>``); a report for a message already reported is ignored. Returns the
    message, or None when it is not one of this channel's."""
    with transaction.atomic():
        texts = OutboundText.objects.select_for_update().filter(channel=channel)
        found = None
        if provider_id:
            found = texts.filter(provider_id=provider_id).first()
        if found is None and tracking.startswith("redress-") and tracking[8:].isdigit():
            found = texts.filter(pk=int(tracking[8:])).first()
        if found is None or found.state not in REPORTABLE:
            return found
        found.state = State.DELIVERED if delivered else State.UNDELIVERED
        found.reported_at, found.next_attempt_at = timezone.now(), None
        if cost is not None:
            found.cost = cost
        if not delivered:
            found.last_error = f"report: {detail}"[:2000]
        found.save(update_fields=["state", "reported_at", "next_attempt_at", "cost", "last_error"])
        if not delivered:
            _fall_back(found, "undelivered")
        text_logged(found)
    return found


@task()
def deliver_text(text_id: int) -> str:
    return deliver_text_now(text_id)


def texts_flush(*, limit: int = 500) -> int:
    """Send what is due (the worker's sweep). Returns how many messages were tried."""
    now = timezone.now()
    due = OutboundText.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        state__in=[State.QUEUED, State.RETRYING],
    )
    ids = list(due.order_by("pk").values_list("pk", flat=True)[:limit])
    for text_id in ids:
        deliver_text_now(text_id)
    return len(ids)
