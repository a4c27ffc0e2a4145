"""Webhooks: events from the lifecycle, signed delivery to a real HTTP endpoint on loopback,
retries with back-off, and switching off a failing subscription with an alert."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import socket
import time

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from redress.audit.models import AuditEntry
from redress.complaints.models import Status
from redress.core.actors import Actor
from redress.core.roles import Role
from redress.core.testing import UserFactory, staff
from redress.handling.testing import advance, complaint_in_state, make_team, receive
from redress.integrations.models import EventType, WebhookDelivery, WebhookSubscription
from redress.integrations.selectors import deliveries_due
from redress.integrations.services import (
    webhook_delivery_retry,
    webhook_secret,
    webhook_subscription_create,
    webhook_subscription_enable,
    webhooks_publish,
)
from redress.integrations.signing import signature_compute, signature_verify
from redress.integrations.tasks import backoff, webhook_deliver_now, webhooks_flush
from redress.notifications.models import Notification

SECRET = "whsec_test-secret-0123456789"
ALL_EVENTS = list(EventType.values)


def subscribe(url: str, events=ALL_EVENTS, **kwargs) -> WebhookSubscription:
    return webhook_subscription_create(
        actor=Actor.system("test"), name="CRM", url=url, events=events, secret=SECRET, **kwargs
    )


def _deliveries(event_type: str | None = None):
    queryset = WebhookDelivery.objects.order_by("pk")
    return list(queryset.filter(event_type=event_type) if event_type else queryset)


def _queued_task_ids() -> list[int]:
    rows = DBTaskResult.objects.filter(task_path__endswith="deliver_webhook").order_by(
        "enqueued_at"
    )
    return [row.args_kwargs["args"][0] for row in rows]


# --------------------------------------------------------------------------------------------
# Signing


def test_signature_is_hmac_sha256_of_timestamp_and_body():
    body = b'{"type":"complaint.received"}'

    signature = signature_compute(SECRET, 1767225600, body)

    expected = hmac.new(SECRET.encode(), b"1767225600." + body, hashlib.sha256).hexdigest()
    assert signature == f"v1={expected}"


def test_signature_verification_refuses_tampering_other_secrets_and_old_timestamps():
    body = b'{"a":1}'
    now = time.time()
    ts = str(int(now))
    good = signature_compute(SECRET, ts, body)

    assert signature_verify(SECRET, body=body, timestamp=ts, signature=good, now=now)
    assert signature_verify(
        SECRET, body=body, timestamp=ts, signature=f"v1=deadbeef, {good}", now=now
    )
    assert not signature_verify(SECRET, body=b'{"a":2}', timestamp=ts, signature=good, now=now)
    assert not signature_verify(
        "another-secret-123456", body=body, timestamp=ts, signature=good, now=now
    )
    assert not signature_verify(SECRET, body=body, timestamp=ts, signature=good, now=now + 301)
    assert not signature_verify(SECRET, body=body, timestamp="yesterday", signature=good, now=now)


# --------------------------------------------------------------------------------------------
# Publishing from the lifecycle


def test_receipt_queues_an_event_that_is_sent_after_commit(
    db, receiver, django_capture_on_commit_callbacks
):
    subscribe(receiver.url)
    team = make_team()

    with django_capture_on_commit_callbacks(execute=True):
        complaint = receive(team).complaint

    (delivery,) = _deliveries()
    assert delivery.event_type == "complaint.received"
    assert _queued_task_ids() == [delivery.pk]
    assert receiver.requests == []  # nothing leaves before the worker runs the task

    assert webhook_deliver_now(delivery.pk) == "delivered"

    (request,) = receiver.requests
    assert request.path == "/hooks/redress"
    assert request.headers["x-redress-event"] == "complaint.received"
    assert request.headers["x-redress-delivery"] == delivery.event_id
    assert signature_verify(
        SECRET,
        body=request.body,
        timestamp=request.headers["x-redress-timestamp"],
        signature=request.headers["x-redress-signature"],
    )
    payload = json.loads(request.body)
    assert payload["type"] == "complaint.received"
    assert payload["id"] == delivery.event_id
    assert payload["data"]["complaint"]["reference"] == complaint.reference
    assert payload["data"]["complaint"]["unit"] == team.unit.code
    assert "complainant" not in payload["data"]["complaint"]  # no personal data in webhooks
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status_code) == (1, 200)
    assert WebhookSubscription.objects.get().last_success_at is not None
    # The secret signs, yet is stored sealed: a copy of the database does not give it away.
    assert SECRET not in WebhookSubscription.objects.get().secret


def test_a_secret_sealed_under_another_key_fails_the_attempt_visibly(db, receiver, settings):
    subscribe(receiver.url)
    webhooks_publish("complaint.closed", None)
    (delivery,) = _deliveries()
    settings.REDRESS_SEALING_KEY = "another-key"

    assert webhook_deliver_now(delivery.pk) == "retrying"

    delivery.refresh_from_db()
    assert "sealed with another key" in delivery.last_error and receiver.requests == []


def test_nothing_is_queued_when_the_transaction_rolls_back(db, receiver):
    from django.db import transaction

    subscribe(receiver.url)
    team = make_team()

    with pytest.raises(RuntimeError), transaction.atomic():
        receive(team)
        raise RuntimeError("the intake failed after the event was written")

    assert _deliveries() == []


def test_lifecycle_publishes_status_changes_decision_and_closure(db, receiver):
    subscribe(receiver.url)
    team = make_team()

    complaint = complaint_in_state(Status.CLOSED, team)

    types = [d.event_type for d in _deliveries()]
    assert types[0] == "complaint.received"
    assert (
        types.count("complaint.status_changed") == 8
    )  # acknowledge … close; settling a remedy does not change the stage
    assert types.count("complaint.decision_communicated") == 1
    assert types.count("complaint.closed") == 1
    decision = json.loads(_deliveries("complaint.decision_communicated")[0].body)
    assert decision["data"]["decision"] == {"outcome": "upheld", "via": "email"}
    closed = json.loads(_deliveries("complaint.closed")[0].body)
    assert closed["data"]["complaint"]["status"] == "closed"
    assert closed["data"]["complaint"]["reference"] == complaint.reference


def test_subscriptions_get_only_the_events_they_chose(db, receiver):
    subscribe(receiver.url, events=["complaint.closed"])
    inactive = subscribe(receiver.url, events=ALL_EVENTS)
    WebhookSubscription.objects.filter(pk=inactive.pk).update(is_active=False)
    team = make_team()

    complaint = receive(team).complaint
    advance(complaint, team, "withdraw")

    assert _deliveries() == []


def test_deadline_breach_is_published_by_the_sla_engine_through_webhooks_publish(db, receiver):
    subscribe(receiver.url, events=["complaint.deadline_breached"])
    complaint = receive(make_team()).complaint

    count = webhooks_publish(
        "complaint.deadline_breached", complaint, {"deadline": "decision", "due_at": timezone.now()}
    )

    assert count == 1
    payload = json.loads(_deliveries()[0].body)
    assert payload["data"]["deadline"] == "decision"
    with pytest.raises(ValueError):
        webhooks_publish("complaint.exploded", complaint, {})


# --------------------------------------------------------------------------------------------
# Retries, back-off, disabling


def test_a_failed_attempt_is_retried_with_back_off_then_delivered(
    db, receiver, django_capture_on_commit_callbacks
):
    receiver.statuses = [503]
    subscribe(receiver.url, events=["complaint.received"])
    with django_capture_on_commit_callbacks(execute=True):
        receive(make_team())
    (delivery,) = _deliveries()

    before = timezone.now()
    assert webhook_deliver_now(delivery.pk) == "retrying"

    delivery.refresh_from_db()
    assert delivery.last_status_code == 503
    assert delivery.attempts == 1
    assert (
        before + dt.timedelta(seconds=29)
        <= delivery.next_attempt_at
        <= timezone.now() + dt.timedelta(seconds=31)
    )
    retry_task = (
        DBTaskResult.objects.filter(task_path__endswith="deliver_webhook")
        .order_by("-enqueued_at")
        .first()
    )
    assert retry_task.run_after == delivery.next_attempt_at  # the back-off is the queue's run_after
    assert (
        webhook_deliver_now(delivery.pk) == "retrying"
    )  # too early: a duplicate task sends nothing
    assert len(receiver.requests) == 1

    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert webhook_deliver_now(delivery.pk) == "delivered"
    assert webhook_deliver_now(delivery.pk) == "delivered"  # idempotent: sent once

    assert len(receiver.requests) == 2
    first, second = receiver.requests
    assert first.body == second.body  # the same event, signed again for this attempt
    assert signature_verify(
        SECRET,
        body=second.body,
        timestamp=second.headers["x-redress-timestamp"],
        signature=second.headers["x-redress-signature"],
    )


def test_back_off_doubles():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(40) == dt.timedelta(hours=6)


def test_an_unreachable_endpoint_and_a_redirect_are_failures(db):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    subscribe(f"http://127.0.0.1:{port}/gone", events=["complaint.received"])
    receive(make_team())

    assert webhook_deliver_now(_deliveries()[0].pk) == "retrying"
    assert (
        "Connection" in WebhookDelivery.objects.get().last_error
        or "refused" in WebhookDelivery.objects.get().last_error
    )


def test_redirects_are_not_followed(db, receiver):
    receiver.statuses = [302]
    subscribe(receiver.url, events=["complaint.received"])
    receive(make_team())

    assert webhook_deliver_now(_deliveries()[0].pk) == "retrying"
    assert WebhookDelivery.objects.get().last_status_code == 302
    assert len(receiver.requests) == 1


def test_repeated_failures_disable_the_subscription_and_alert_admins(db, receiver):
    receiver.default_status = 500
    admin = staff(Role.ADMIN, make_team().unit)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    subscription = subscribe(
        receiver.url, events=["complaint.received"], max_attempts=2, disable_after=2
    )
    team = make_team()
    for _ in range(3):
        receive(team)
    first, second, third = _deliveries()

    assert [webhook_deliver_now(first.pk) for _ in range(1)] == ["retrying"]
    WebhookDelivery.objects.update(next_attempt_at=None)
    assert webhook_deliver_now(first.pk) == "failed"
    subscription.refresh_from_db()
    assert (subscription.is_active, subscription.failed_in_row) == (True, 1)

    webhook_deliver_now(second.pk)
    WebhookDelivery.objects.filter(pk=second.pk).update(next_attempt_at=None)
    assert webhook_deliver_now(second.pk) == "failed"

    subscription.refresh_from_db()
    assert subscription.is_active is False
    assert subscription.disabled_at is not None
    assert "2" in subscription.disabled_reason and "HTTP 500" in subscription.disabled_reason
    third.refresh_from_db()
    assert third.state == "cancelled"  # nothing more is sent to a switched-off endpoint
    alerts = Notification.objects.filter(kind="webhook_disabled")
    assert set(alerts.values_list("recipient_id", flat=True)) == {admin.pk, superuser.pk}
    assert AuditEntry.objects.filter(action="integrations.webhook_disable").count() == 1
    assert len(receiver.requests) == 4

    # An administrator fixes the endpoint, turns the subscription on and sends the event again.
    receiver.default_status = 200
    webhook_subscription_enable(subscription=subscription, actor=Actor.system("test"))
    webhook_delivery_retry(delivery=third, actor=Actor.system("test"))
    assert webhook_deliver_now(third.pk) == "delivered"
    subscription.refresh_from_db()
    assert (subscription.is_active, subscription.failed_in_row) == (True, 0)


def test_a_success_resets_the_run_of_failures(db, receiver):
    receiver.statuses = [500]
    subscription = subscribe(
        receiver.url, events=["complaint.received"], max_attempts=1, disable_after=2
    )
    team = make_team()
    receive(team)
    receive(team)
    first, second = _deliveries()

    assert webhook_deliver_now(first.pk) == "failed"
    assert webhook_deliver_now(second.pk) == "delivered"

    subscription.refresh_from_db()
    assert (subscription.is_active, subscription.failed_in_row) == (True, 0)


def test_flush_sends_what_is_due(db, receiver):
    subscribe(receiver.url, events=["complaint.received"])
    team = make_team()
    receive(team)
    receive(team)
    later = _deliveries()[1]
    WebhookDelivery.objects.filter(pk=later.pk).update(
        state="retrying", next_attempt_at=timezone.now() + dt.timedelta(minutes=5)
    )

    assert deliveries_due() == [_deliveries()[0].pk]
    assert webhooks_flush() == 1
    assert len(receiver.requests) == 1


def test_a_delivery_left_sending_by_a_dead_worker_is_sent_again_after_the_lease(
    db, receiver, settings
):
    """A worker killed mid-send leaves its delivery "sending": the others keep off it for the
    outbox's lease (REDRESS_OUTBOX_LEASE_SECONDS), then send it again, under the same id."""
    settings.REDRESS_OUTBOX_LEASE_SECONDS = 60
    subscribe(receiver.url, events=["complaint.received"])
    receive(make_team())
    (delivery,) = _deliveries()
    started = timezone.now() - dt.timedelta(seconds=30)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        state="sending", attempts=1, last_attempt_at=started
    )

    assert deliveries_due() == []
    assert webhook_deliver_now(delivery.pk) != "delivered"
    assert receiver.requests == []

    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        last_attempt_at=timezone.now() - dt.timedelta(seconds=61)
    )
    assert deliveries_due() == [delivery.pk]
    assert webhooks_flush() == 1
    delivery.refresh_from_db()
    assert delivery.state == "delivered"
    assert [r.headers["x-redress-delivery"] for r in receiver.requests] == [delivery.event_id]


def test_subscription_validation(db):
    from redress.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as bad_url:
        subscribe("ftp://example.test/hook")
    with pytest.raises(ValidationFailed) as bad_event:
        subscribe("https://example.test/hook", events=["complaint.exploded"])
    with pytest.raises(ValidationFailed) as short_secret:
        webhook_subscription_create(
            actor=Actor.system("t"),
            name="x",
            url="https://example.test/h",
            events=ALL_EVENTS,
            secret="short",
        )

    assert "url" in bad_url.value.fields
    assert "events" in bad_event.value.fields
    assert "secret" in short_secret.value.fields
    generated = webhook_subscription_create(
        actor=Actor.system("t"), name="x", url="https://example.test/h", events=ALL_EVENTS
    )
    # Stored sealed; the raw secret comes back for signing and for showing it once.
    raw = webhook_secret(generated)
    assert raw.startswith("whsec_") and len(raw) > 30 and raw not in generated.secret
