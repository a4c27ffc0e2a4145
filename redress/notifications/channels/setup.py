"""Channels configured by administrators (the back office and the Django admin call these):
every change audited without its secrets; credentials stored sealed like mailbox passwords
(``redress.core.sealing``); a test message to check a channel; switching it back on."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from redress.audit.services import audit_record
from redress.core.actors import Actor
from redress.core.errors import ValidationFailed
from redress.core.sealing import seal
from redress.core.tasks import enqueue_on_commit
from redress.notifications.channels.outbox import deliver_text
from redress.notifications.channels.text import phone_international, unaccent
from redress.notifications.models import OutboundText, TextChannel

SECRET_FIELDS = ("api_key", "api_secret", "callback_secret")
PLAIN_FIELDS = (
    "name",
    "gateway",
    "url",
    "account",
    "sender",
    "options",
    "unaccented",
    "is_active",
    "disable_after",
)
SECRET_MAX_BYTES = 600


def channel_settings(channel: TextChannel) -> dict[str, Any]:
    """A channel's settings but its secrets: what the audit trail records."""
    return {field: getattr(channel, field) for field in PLAIN_FIELDS}


def _check(channel: TextChannel | None, values: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def problem(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    name = (values.get("name") or "").strip()
    if not name:
        problem("name", _("This field is required."))
    else:
        others = TextChannel.objects.filter(name__iexact=name)
        if channel is not None:
            others = others.exclude(pk=channel.pk)
        if others.exists():
            problem("name", _("Another channel already has this name."))
    gateway = values.get("gateway")
    if gateway not in TextChannel.Gateway.values:
        problem("gateway", _("Not a valid choice."))
    url = (values.get("url") or "").strip()
    if url and not url.lower().startswith(("http://", "https://")):
        problem("url", _("Enter an http:// or https:// address."))
    if gateway == TextChannel.Gateway.GENERIC and not url:
        problem("url", _("A generic gateway needs the URL that sends a message."))
    if not isinstance(values.get("options") or {}, dict):
        problem("options", _("Enter a JSON object."))
    if (values.get("disable_after") or 0) < 1:
        problem("disable_after", _("Enter a whole number of at least 1."))
    for field in SECRET_FIELDS:
        if len((values.get(field) or "").encode()) > SECRET_MAX_BYTES:
            problem(field, _("The value is too long."))
    return errors


@transaction.atomic
def channel_save(*, actor: Actor, channel: TextChannel | None, **values: Any) -> TextChannel:
    """Create a channel (``channel`` None) or change one. An empty secret keeps the current
    one; a new channel without a callback secret gets a random one (its callback URLs are made
    from it). Raises ``ValidationFailed`` naming each bad field."""
    errors = _check(channel, values)
    if errors:
        raise ValidationFailed(_("The channel cannot be saved."), fields=errors)
    locked = (
        TextChannel()
        if channel is None
        else TextChannel.objects.select_for_update().get(pk=channel.pk)
    )
    before = channel_settings(locked) if channel is not None else {}
    for field in PLAIN_FIELDS:
        value = values.get(field, getattr(locked, field))
        setattr(locked, field, value.strip() if isinstance(value, str) else value)
    locked.options = locked.options or {}
    changed_secrets = []
    for field in SECRET_FIELDS:
        if values.get(field):
            setattr(locked, field, seal(values[field]))
            changed_secrets.append(field)
    if not locked.callback_secret:
        locked.callback_secret = seal(secrets.token_urlsafe(32))
    if locked.is_active and (channel is None or not before.get("is_active")):
        locked.failed_in_row, locked.disabled_at, locked.disabled_reason = 0, None, ""
    after = channel_settings(locked)
    changed = {f: after[f] for f in after if before.get(f) != after[f]}
    if channel is not None and not changed and not changed_secrets:
        return locked
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError:
        message = _("Another channel already has this name.")
        raise ValidationFailed(message, fields={"name": [message]}) from None
    audit_record(
        actor=actor,
        action="notifications.channel_create"
        if channel is None
        else "notifications.channel_update",
        target=locked,
        target_label=locked.name,
        before={f: before[f] for f in changed if f in before},
        after={**changed, **({"secrets_changed": changed_secrets} if changed_secrets else {})},
    )
    return locked


@transaction.atomic
def channel_test_send(*, channel: TextChannel, actor: Actor, phone: str, text: str) -> OutboundText:
    """Queue a test message to ``phone`` through the channel (also when it is switched off:
    that is how an administrator checks it before turning it on). It belongs to no complaint,
    is audited, and shows in the delivery log."""
    number = phone_international(phone)
    if len(number) < 9:
        message = _("Enter a phone number.")
        raise ValidationFailed(message, fields={"phone": [message]})
    body = (text or "").strip() or _("Redress: test message from the channel %(name)s.") % {
        "name": channel.name
    }
    if channel.unaccented:
        body = unaccent(body)
    params: dict[str, Any] = {}
    spec = ((channel.options or {}).get("templates") or {}).get("test")
    if channel.kind == "zalo" and isinstance(spec, dict):
        params = {"template_id": str(spec.get("id", "")), "data": spec.get("data") or {}}
    queued = OutboundText.objects.create(
        channel=channel, to=number, body=body, params=params, template_code="test", is_test=True
    )
    if not channel.is_active:
        # Tried as if on; ``deliver_text_now`` looks at the channel, so it is flagged for one
        # attempt through ``options`` of the row instead.
        queued.params = {**params, "force": True}
        queued.save(update_fields=["params"])
    audit_record(
        actor=actor,
        action="notifications.channel_test",
        target=channel,
        target_label=channel.name,
        after={"text": queued.pk},
    )
    enqueue_on_commit(deliver_text, queued.pk)
    return queued


@transaction.atomic
def channel_enable(*, channel: TextChannel, actor: Actor) -> TextChannel:
    """Switch a channel (back) on; its count of failures starts again from zero."""
    locked = TextChannel.objects.select_for_update().get(pk=channel.pk)
    if locked.is_active:
        return locked
    locked.is_active, locked.failed_in_row = True, 0
    locked.disabled_at, locked.disabled_reason = None, ""
    locked.save(update_fields=["is_active", "failed_in_row", "disabled_at", "disabled_reason"])
    audit_record(
        actor=actor,
        action="notifications.channel_enable",
        target=locked,
        target_label=locked.name,
        before={"is_active": False},
        after={"is_active": True, "at": timezone.now().isoformat()},
    )
    return locked
