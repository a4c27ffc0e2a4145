"""Delivering webhook events from the outbox.

Tasks take ids and are idempotent: a delivered event is never sent again by a duplicate task.
No transaction is held open while the receiver is called: the attempt is claimed (state
``sending``) and committed first, then the result is written. A worker that dies mid-send
leaves a stale ``sending`` row that ``webhooks_flush`` picks up again.
"""

from __future__ import annotations

import datetime as dt
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from redress.complaints.models import Complaint
from redress.core.actors import Actor
from redress.core.sealing import Unsealable, unseal
from redress.integrations.models import WebhookDelivery, WebhookSubscription
from redress.integrations.selectors import deliveries_due, sending_lease
from redress.integrations.services import webhook_subscription_disable
from redress.integrations.signing import signature_compute

TIMEOUT_SECONDS = 10
USER_AGENT = "Redress-Webhooks/1"
_FINAL = (
    WebhookDelivery.State.DELIVERED,
    WebhookDelivery.State.FAILED,
    WebhookDelivery.State.CANCELLED,
    WebhookDelivery.State.WITHHELD,
)


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next attempt: 30 s, 1, 2, 4, 8 … minutes, at most 6 hours."""
    return dt.timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))


@dataclass
class Outcome:
    status: int | None
    error: str
    response: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect is a misconfigured endpoint: following it would send the signed body elsewhere.
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _post(url: str, secret: str, delivery: WebhookDelivery) -> Outcome:
    body = delivery.body.encode("utf-8")
    timestamp = int(time.time())
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked when subscribing
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "X-Redress-Event": delivery.event_type,
            "X-Redress-Delivery": delivery.event_id,
            "X-Redress-Timestamp": str(timestamp),
            "X-Redress-Signature": signature_compute(secret, timestamp, body),
        },
    )
    started = time.monotonic()
    try:
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
            excerpt = response.read(2048).decode("utf-8", "replace")
            status = response.status
            error = ""
    except urllib.error.HTTPError as failure:
        status = failure.code
        excerpt = failure.read(2048).decode("utf-8", "replace") if failure.fp else ""
        error = f"HTTP {failure.code}"
    except Exception as failure:  # noqa: BLE001 - any transport failure is retried
        status = None
        excerpt = ""
        error = f"{type(failure).__name__}: {failure}"[:2000]
    return Outcome(status, error, excerpt, int((time.monotonic() - started) * 1000))


def _restricted(delivery: WebhookDelivery) -> bool:
    return (
        delivery.complaint_id is not None
        and Complaint.objects.filter(pk=delivery.complaint_id, processing_restricted=True).exists()
    )


def _claim(delivery_id: int) -> tuple[WebhookDelivery, WebhookSubscription] | None:
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("subscription")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.state in _FINAL:
            return None
        if (
            delivery.state == WebhookDelivery.State.SENDING
            and delivery.last_attempt_at
            and (now - delivery.last_attempt_at < sending_lease())
        ):
            return None  # another worker is sending it right now
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > now + dt.timedelta(
            seconds=1
        ):
            return None  # not due yet (a duplicate task; the scheduled one will come)
        if _restricted(delivery):
            # Restricted after the event was queued: it does not leave either (Law 91/2025).
            delivery.state = WebhookDelivery.State.WITHHELD
            delivery.next_attempt_at = None
            delivery.save(update_fields=["state", "next_attempt_at"])
            return None
        subscription = delivery.subscription
        if not subscription.is_active:
            delivery.state = WebhookDelivery.State.CANCELLED
            delivery.next_attempt_at = None
            delivery.save(update_fields=["state", "next_attempt_at"])
            return None
        delivery.state = WebhookDelivery.State.SENDING
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.save(update_fields=["state", "attempts", "last_attempt_at"])
    return delivery, subscription


def webhook_deliver_now(delivery_id: int) -> str:
    """Make one attempt to deliver the event; returns its state afterwards.

    2xx: delivered. Anything else (error status, refused connection, timeout, redirect): tried
    again after ``backoff``; after the subscription's ``max_attempts`` the event has failed, and
    after ``disable_after`` failed events in a row the subscription is switched off and the
    administrators are told.
    """
    claimed = _claim(delivery_id)
    if claimed is None:
        state = (
            WebhookDelivery.objects.filter(pk=delivery_id).values_list("state", flat=True).first()
        )
        return state or "missing"
    delivery, subscription = claimed
    try:
        outcome = _post(subscription.url, unseal(subscription.secret), delivery)
    except Unsealable:
        # Counted as a failed attempt, so that the subscription is switched off and the
        # administrators are told, like any other failure.
        outcome = Outcome(
            status=None,
            error="the signing secret was sealed with another key; set it again",
            response="",
            duration_ms=0,
        )
    now = timezone.now()
    disable_reason = ""
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        delivery.last_status_code = outcome.status
        delivery.last_error = outcome.error
        delivery.last_response = outcome.response
        delivery.last_duration_ms = outcome.duration_ms
        if outcome.ok:
            delivery.state = WebhookDelivery.State.DELIVERED
            delivery.delivered_at = now
            delivery.next_attempt_at = None
            subscription.failed_in_row = 0
            subscription.last_success_at = now
            subscription.save(update_fields=["failed_in_row", "last_success_at"])
        elif delivery.attempts >= subscription.max_attempts:
            delivery.state = WebhookDelivery.State.FAILED
            delivery.next_attempt_at = None
            subscription.failed_in_row += 1
            subscription.save(update_fields=["failed_in_row"])
            if subscription.is_active and subscription.failed_in_row >= subscription.disable_after:
                disable_reason = _(
                    "%(count)s events in a row failed after %(attempts)s attempts each; last error: %(error)s"
                ) % {
                    "count": subscription.failed_in_row,
                    "attempts": subscription.max_attempts,
                    "error": outcome.error,
                }
        else:
            delivery.state = WebhookDelivery.State.RETRYING
            delivery.next_attempt_at = now + backoff(delivery.attempts)
        delivery.save(
            update_fields=[
                "state",
                "next_attempt_at",
                "delivered_at",
                "last_status_code",
                "last_error",
                "last_response",
                "last_duration_ms",
            ]
        )
        if disable_reason:
            webhook_subscription_disable(
                subscription=subscription, actor=Actor.system("webhooks"), reason=disable_reason
            )
    if delivery.state == WebhookDelivery.State.RETRYING and delivery.next_attempt_at is not None:
        _schedule(delivery.pk, delivery.next_attempt_at)
    return delivery.state


def _schedule(delivery_id: int, when: dt.datetime) -> None:
    deferred = deliver_webhook.using(run_after=when)
    if deferred.get_backend().supports_defer:
        deferred.enqueue(delivery_id)
    # Otherwise (the immediate backend of a demo) the sweep sends it when it is due.


@task()
def deliver_webhook(delivery_id: int) -> str:
    return webhook_deliver_now(delivery_id)


def webhooks_flush(*, limit: int = 500) -> int:
    """Try every delivery that is due now (run by the worker's sweep or ``redress webhooks flush``)."""
    ids = deliveries_due(limit=limit)
    for delivery_id in ids:
        webhook_deliver_now(delivery_id)
    return len(ids)
