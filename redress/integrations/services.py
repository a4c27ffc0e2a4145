"""Writes of the integrations domain: API tokens and webhooks (DESIGN.md rules 1 and 4).

Tokens are random, shown once and stored as a SHA-256 hash (they carry ~240 bits, so a slow
password hash adds nothing). Webhook events are written to the outbox inside the caller's
transaction and handed to the task queue only after it commits, so an event is sent if and only
if the change it describes happened.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.audit.services import audit_record, jsonable
from redress.complaints.models import Complaint
from redress.core.actors import Actor
from redress.core.errors import ApplicationError, ValidationFailed
from redress.core.memo import memo, memo_clear
from redress.core.models import User
from redress.core.roles import Role
from redress.core.sealing import seal, unseal
from redress.core.selectors import users_with_role
from redress.core.tasks import enqueue_all_on_commit
from redress.integrations.models import (
    ApiToken,
    EventType,
    Scope,
    WebhookDelivery,
    WebhookSubscription,
)
from redress.notifications.notices import notify_users

TOKEN_PREFIX = "rdr_"  # noqa: S105 - a visible marker, not a secret
# Writing last_used_at on every call would turn each read into a write; once a minute is enough
# to tell a live token from a forgotten one.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class NotAuthenticated(ApplicationError):
    """No token, an unknown one, or one that is revoked or expired (HTTP 401)."""

    code = "unauthenticated"
    http_status = 401


# --------------------------------------------------------------------------------------------
# API tokens


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@dataclass
class TokenCreated:
    """A new token and its secret value, which exists only here."""

    token: ApiToken
    raw: str


def _check_scopes(scopes: Sequence[str]) -> list[str]:
    chosen = [s for s in Scope.values if s in set(scopes)]
    unknown = sorted(set(scopes) - set(Scope.values))
    if unknown or not chosen:
        message = _("Choose one or more of: %(scopes)s.") % {"scopes": ", ".join(Scope.values)}
        raise ValidationFailed(message, fields={"scopes": [message]})
    return chosen


@transaction.atomic
def token_create(
    *,
    actor: Actor,
    user: User,
    name: str,
    scopes: Sequence[str] = (Scope.READ,),
    kind: str = ApiToken.Kind.PERSONAL,
    source_system: str = "",
    expires_at: dt.datetime | None = None,
    rate_limit_per_minute: int = 600,
) -> TokenCreated:
    """Create a token that acts as ``user`` within ``scopes``; the raw value is returned once.

    An integration token records its ``source_system`` on the complaints it creates (the name
    when none is given). Raises ``ValidationFailed`` for an empty name, unknown scopes, an
    inactive user, a past expiry or a zero rate.
    """
    name = name.strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("This field is required.")]
    if kind not in ApiToken.Kind.values:
        errors["kind"] = [_("Not a valid choice.")]
    if not user.is_active:
        errors["user"] = [_("This person's account is not active.")]
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = [_("The expiry must be in the future.")]
    if rate_limit_per_minute < 1:
        errors["rate_limit_per_minute"] = [_("Allow at least one request per minute.")]
    if errors:
        raise ValidationFailed(_("The token cannot be created."), fields=errors)
    chosen = _check_scopes(scopes)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(30)
    if kind == ApiToken.Kind.INTEGRATION and not source_system.strip():
        source_system = name
    token = ApiToken.objects.create(
        name=name[:100],
        kind=kind,
        user=user,
        scopes=chosen,
        source_system=source_system.strip()[:64],
        prefix=raw[:12],
        key_hash=token_hash(raw),
        rate_limit_per_minute=rate_limit_per_minute,
        created_by_label=actor.label[:150],
        expires_at=expires_at,
    )
    audit_record(
        actor=actor,
        action="integrations.token_create",
        target=token,
        target_label=token.prefix,
        after={
            "name": token.name,
            "user": user.pk,
            "scopes": chosen,
            "kind": kind,
            "expires_at": expires_at,
        },
    )
    return TokenCreated(token=token, raw=raw)


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: Actor) -> ApiToken:
    """Revoke the token at once; revoking twice changes nothing."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="integrations.token_revoke",
            target=locked,
            target_label=locked.prefix,
        )
    return locked


def token_authenticate(raw: str) -> ApiToken:
    """The live token with this value, its user loaded; marks it used (at most once a minute).

    Raises ``NotAuthenticated`` for an unknown, revoked or expired token, or one whose person
    is no longer active.
    """
    raw = (raw or "").strip()
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        raise NotAuthenticated(_("The API token is missing or not valid."))
    try:
        token = ApiToken.objects.select_related("user").get(key_hash=token_hash(raw))
    except ApiToken.DoesNotExist:
        raise NotAuthenticated(_("The API token is missing or not valid.")) from None
    now = timezone.now()
    if token.revoked_at is not None:
        raise NotAuthenticated(_("This API token was revoked."))
    if token.expires_at is not None and token.expires_at <= now:
        raise NotAuthenticated(_("This API token has expired."))
    if not token.user.is_active:
        raise NotAuthenticated(_("The account this API token acts for is not active."))
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# --------------------------------------------------------------------------------------------
# Webhook subscriptions


def _check_events(events: Iterable[str]) -> list[str]:
    wanted = set(events)
    chosen = [e for e in EventType.values if e in wanted]
    if not chosen or wanted - set(EventType.values):
        message = _("Choose one or more of: %(events)s.") % {"events": ", ".join(EventType.values)}
        raise ValidationFailed(message, fields={"events": [message]})
    return chosen


def webhook_url_check(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        message = _("Enter an http:// or https:// address.")
        raise ValidationFailed(message, fields={"url": [message]})
    return url


def webhook_secret(subscription: WebhookSubscription) -> str:
    """The subscription's signing secret, unsealed (raises ``Unsealable`` after a key change)."""
    return unseal(subscription.secret)


def webhook_secret_new() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


@transaction.atomic
def webhook_subscription_create(
    *,
    actor: Actor,
    name: str,
    url: str,
    events: Iterable[str],
    secret: str = "",
    max_attempts: int = 8,
    disable_after: int = 5,
) -> WebhookSubscription:
    """Subscribe an endpoint to events. Without a secret one is generated (at least 16
    characters otherwise). Raises ``ValidationFailed`` naming each bad field."""
    if not name.strip():
        raise ValidationFailed(
            _("The subscription needs a name."), fields={"name": [_("This field is required.")]}
        )
    if secret and len(secret) < 16:
        message = _("The secret must have at least 16 characters.")
        raise ValidationFailed(message, fields={"secret": [message]})
    if max_attempts < 1 or disable_after < 1:
        message = _("Enter a number of at least 1.")
        raise ValidationFailed(
            message, fields={"max_attempts": [message], "disable_after": [message]}
        )
    subscription = WebhookSubscription.objects.create(
        name=name.strip()[:100],
        url=webhook_url_check(url),
        events=_check_events(events),
        secret=seal(secret or webhook_secret_new()),
        max_attempts=max_attempts,
        disable_after=disable_after,
    )
    audit_record(
        actor=actor,
        action="integrations.webhook_create",
        target=subscription,
        target_label=subscription.name,
        after={"url": subscription.url, "events": subscription.events},
    )
    memo_clear()  # events published from now on see the change in this process
    return subscription


@transaction.atomic
def webhook_subscription_update(
    *,
    subscription: WebhookSubscription,
    actor: Actor,
    name: str,
    url: str,
    events: Iterable[str],
    max_attempts: int,
    disable_after: int,
) -> WebhookSubscription:
    """Change where a subscription posts, what it receives and how patient it is. Each attempt
    posts to the subscription's current URL, events already queued included. Nothing changed,
    nothing recorded. Raises ``ValidationFailed`` naming each bad field."""
    errors: dict[str, list[str]] = {}
    required = _("This field is required.")
    if not name.strip():
        errors["name"] = [required]
    for field, value in (("max_attempts", max_attempts), ("disable_after", disable_after)):
        if not 1 <= value <= 100:
            errors[field] = [_("Enter a number from 1 to 100.")]
    checks: list[tuple[str, Callable[[Any], Any], Any]] = [
        ("url", webhook_url_check, url),
        ("events", _check_events, events),
    ]
    checked: dict[str, Any] = {}
    for field, check, given in checks:
        try:
            checked[field] = check(given)
        except ValidationFailed as error:
            errors.update(error.fields)
    if errors:
        raise ValidationFailed(_("The subscription cannot be saved."), fields=errors)
    locked = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    wanted = {
        "name": name.strip()[:100],
        "url": checked["url"],
        "events": checked["events"],
        "max_attempts": max_attempts,
        "disable_after": disable_after,
    }
    changed = [field for field, value in wanted.items() if getattr(locked, field) != value]
    if not changed:
        return locked
    before = {field: getattr(locked, field) for field in changed}
    for field in changed:
        setattr(locked, field, wanted[field])
    locked.save(update_fields=changed)
    audit_record(
        actor=actor,
        action="integrations.webhook_update",
        target=locked,
        target_label=locked.name,
        before=before,
        after={field: wanted[field] for field in changed},
    )
    memo_clear()  # events published from now on see the change in this process
    return locked


@transaction.atomic
def webhook_secret_rotate(*, subscription: WebhookSubscription, actor: Actor) -> str:
    """A new signing secret for the subscription, returned to be shown once; from now on every
    attempt is signed with it (events already queued too). The secret is not audited."""
    locked = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    secret = webhook_secret_new()
    locked.secret = seal(secret)
    locked.save(update_fields=["secret"])
    audit_record(
        actor=actor,
        action="integrations.webhook_secret_rotate",
        target=locked,
        target_label=locked.name,
    )
    memo_clear()
    return secret


@transaction.atomic
def webhook_subscription_enable(
    *, subscription: WebhookSubscription, actor: Actor
) -> WebhookSubscription:
    """Turn a subscription (back) on; the count of failures starts again from zero."""
    locked = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    before = {"is_active": locked.is_active, "failed_in_row": locked.failed_in_row}
    locked.is_active = True
    locked.failed_in_row = 0
    locked.disabled_at = None
    locked.disabled_reason = ""
    locked.save(update_fields=["is_active", "failed_in_row", "disabled_at", "disabled_reason"])
    audit_record(
        actor=actor,
        action="integrations.webhook_enable",
        target=locked,
        target_label=locked.name,
        before=before,
        after={"is_active": True, "failed_in_row": 0},
    )
    memo_clear()  # events published from now on see the change in this process
    return locked


@transaction.atomic
def webhook_subscription_disable(
    *, subscription: WebhookSubscription, actor: Actor, reason: str
) -> WebhookSubscription:
    """Turn a subscription off with the reason, and tell the administrators.

    Events still waiting for it are cancelled (they stay in the log)."""
    locked = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    if not locked.is_active:
        return locked
    locked.is_active = False
    locked.disabled_at = timezone.now()
    locked.disabled_reason = reason
    locked.save(update_fields=["is_active", "disabled_at", "disabled_reason"])
    locked.deliveries.filter(
        state__in=[WebhookDelivery.State.PENDING, WebhookDelivery.State.RETRYING]
    ).update(state=WebhookDelivery.State.CANCELLED, next_attempt_at=None)
    audit_record(
        actor=actor,
        action="integrations.webhook_disable",
        target=locked,
        target_label=locked.name,
        before={"is_active": True},
        after={"is_active": False, "reason": reason},
    )
    _alert_admins(locked)
    memo_clear()  # events published from now on see the change in this process
    return locked


def _alert_admins(subscription: WebhookSubscription) -> None:
    admins = {u.pk: u for u in users_with_role(Role.ADMIN)}
    admins.update({u.pk: u for u in User.objects.filter(is_superuser=True, is_active=True)})
    stamp = int(subscription.disabled_at.timestamp()) if subscription.disabled_at else 0
    notify_users(
        users=admins.values(),
        kind=WEBHOOK_DISABLED_NOTICE,
        complaint=None,
        dedupe_key=f"webhook-disabled:{subscription.pk}:{stamp}",
    )


# The notification kind of the alert (proposed for notifications.Notification.Kind).
WEBHOOK_DISABLED_NOTICE = "webhook_disabled"


@transaction.atomic
def webhook_delivery_retry(*, delivery: WebhookDelivery, actor: Actor) -> WebhookDelivery:
    """Send a failed or cancelled event again (its subscription must be on)."""
    locked = (
        WebhookDelivery.objects.select_for_update()
        .select_related("subscription")
        .get(pk=delivery.pk)
    )
    if not locked.subscription.is_active:
        raise ValidationFailed(_("Turn the subscription on first."))
    if locked.state in (WebhookDelivery.State.DELIVERED, WebhookDelivery.State.SENDING):
        return locked
    locked.state = WebhookDelivery.State.PENDING
    locked.attempts = 0
    locked.next_attempt_at = None
    locked.save(update_fields=["state", "attempts", "next_attempt_at"])
    audit_record(
        actor=actor,
        action="integrations.webhook_retry",
        target=locked,
        target_label=locked.event_id,
    )
    transaction.on_commit(lambda: _enqueue([locked.pk]))
    return locked


# --------------------------------------------------------------------------------------------
# Publishing events


def complaint_snapshot(complaint: Complaint) -> dict[str, Any]:
    """What a webhook says about a complaint: its state, no personal data (receivers fetch
    the rest through the API, with a token and the roles it carries)."""
    return {
        "reference": complaint.reference,
        "status": complaint.status,
        "channel": complaint.channel,
        "unit": complaint.unit.code,
        "category": complaint.category.code if complaint.category else None,
        "priority": complaint.priority,
        "severity": complaint.severity,
        "is_significant": complaint.is_significant,
        "owner": complaint.owner.get_username() if complaint.owner else None,
        "received_at": complaint.received_at,
        "deadlines": {
            "acknowledge_due_at": complaint.acknowledge_due_at,
            "assess_due_at": complaint.assess_due_at,
            "decision_due_at": complaint.decision_due_at,
            "close_due_at": complaint.close_due_at,
            "review_due_at": complaint.review_due_at,
        },
        "api_url": f"/api/v1/complaints/{complaint.reference}",
    }


@memo
def _active_subscriptions() -> list[WebhookSubscription]:
    """Who listens, read for every lifecycle event: remembered a few seconds per process. A
    delivery queued for a subscription switched off meanwhile is not sent (see the task)."""
    return list(WebhookSubscription.objects.filter(is_active=True).only("pk", "events"))


def _deliveries(
    event_type: str,
    complaint: Complaint | None,
    snapshot: dict[str, Any] | None,
    data: dict[str, Any],
    targets: Sequence[WebhookSubscription],
    now: dt.datetime,
) -> list[WebhookDelivery]:
    """One event (its id, type, time, the complaint's snapshot and ``data``), one delivery
    per subscription."""
    event_id = "evt_" + uuid.uuid4().hex
    payload = {
        "id": event_id,
        "type": event_type,
        "created_at": now,
        "data": {**({"complaint": snapshot} if snapshot is not None else {}), **data},
    }
    body = json.dumps(jsonable(payload), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return [
        WebhookDelivery(
            subscription_id=s.pk,
            event_id=event_id,
            event_type=event_type,
            complaint=complaint,
            body=body,
        )
        for s in targets
    ]


def events_publish(
    complaint: Complaint | None, events: Sequence[tuple[str, dict[str, Any]]]
) -> int:
    """Put each (event type, data) in the outbox of every active subscription that wants it,
    unless the complaint's processing is restricted.

    Call inside the transaction of the change: the rows commit with it, and delivery is queued
    after the commit. Returns the number of deliveries queued.
    """
    if not events or (complaint is not None and complaint.processing_restricted):
        # A restricted complaint is told to nobody but the data-protection officers
        # (Law 91/2025): no event about it leaves, and none is kept to send after the lift.
        return 0
    subscriptions = _active_subscriptions()
    if not subscriptions:
        return 0
    snapshot: dict[str, Any] | None = None
    now = timezone.now()
    rows: list[WebhookDelivery] = []
    for event_type, data in events:
        targets = [s for s in subscriptions if s.wants(event_type)]
        if not targets:
            continue
        if snapshot is None and complaint is not None:
            snapshot = complaint_snapshot(complaint)
        rows += _deliveries(event_type, complaint, snapshot, data, targets, now)
    if not rows:
        return 0
    created = WebhookDelivery.objects.bulk_create(rows)
    ids = [row.pk for row in created]
    transaction.on_commit(lambda: _enqueue(ids))
    return len(ids)


def webhooks_publish(
    event_type: str, complaint: Complaint | None, data: dict[str, Any] | None = None
) -> int:
    """Publish one event to the subscribed endpoints (for other domains, e.g. the SLA sweep:
    ``webhooks_publish("complaint.deadline_breached", complaint, {"deadline": "decision",
    "due_at": ...})``). Raises ``ValueError`` for an unknown event type."""
    if event_type not in EventType.values:
        raise ValueError(f"unknown webhook event {event_type!r}")
    return events_publish(complaint, [(event_type, data or {})])


def webhooks_publish_each(event_type: str, items: Sequence[tuple[int, dict[str, Any]]]) -> int:
    """Publish one event per (complaint id, data), for many complaints at once (the deadline
    sweep: one ``complaint.deadline_breached`` per deadline): the complaints read in one
    query, the deliveries written in one INSERT and queued with the transaction; restricted
    complaints are left out. Returns the number of deliveries queued; nothing is read when no
    active subscription wants the event. Raises ``ValueError`` for an unknown event type."""
    if event_type not in EventType.values:
        raise ValueError(f"unknown webhook event {event_type!r}")
    targets = [s for s in _active_subscriptions() if s.wants(event_type)]
    if not items or not targets:
        return 0
    complaints = Complaint.objects.select_related("unit", "category", "owner").in_bulk(
        {complaint_id for complaint_id, _data in items}
    )
    snapshots: dict[int, dict[str, Any]] = {}
    now = timezone.now()
    rows: list[WebhookDelivery] = []
    for complaint_id, data in items:
        complaint = complaints.get(complaint_id)
        if complaint is None or complaint.processing_restricted:
            continue
        if complaint_id not in snapshots:
            snapshots[complaint_id] = complaint_snapshot(complaint)
        rows += _deliveries(event_type, complaint, snapshots[complaint_id], data, targets, now)
    created = WebhookDelivery.objects.bulk_create(rows, batch_size=1000)
    _enqueue_all([row.pk for row in created])
    return len(created)


def _enqueue_all(ids: Sequence[int]) -> None:
    # Imported here: the delivery task imports this module (it switches a failing endpoint off).
    from redress.integrations.tasks import deliver_webhook

    enqueue_all_on_commit([(deliver_webhook, (delivery_id,)) for delivery_id in ids])


def _enqueue(ids: Sequence[int]) -> None:
    # Imported here: the delivery task imports this module (it switches a failing endpoint off).
    from redress.integrations.tasks import deliver_webhook

    for delivery_id in ids:
        deliver_webhook.enqueue(delivery_id)
