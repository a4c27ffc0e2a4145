"""Which way each message to the complainant goes (ISO 10002 4.5, 7.4, 7.8).

The complainant's preferred channel first, when it is possible: Zalo, SMS (a complainant who
asked to be phoned gets written messages by SMS), or email; else the next way that is possible,
down to email, the fallback recorded on the message sent (``OutboundEmail.fallback_from`` and
``fallback_reason``, shown in the delivery event). A way is possible when the complainant gave
the number or address, an active channel of that kind exists, and the message has a short
template (Zalo: a ZNS template mapped in the channel's options).

Short messages have their own templates (purpose "short", codes ``short-<code>``) in Vietnamese
and English; a channel set to send without accents strips Vietnamese diacritics. The receipt
carries the secret tracking link; later messages link to the tracking page (the code is kept
only as a hash).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from redress.complaints.models import Channel, Message
from redress.notifications.channels.outbox import text_queue
from redress.notifications.channels.text import phone_international, unaccent
from redress.notifications.models import MessageTemplate, OutboundEmail, OutboundText, TextChannel
from redress.notifications.services import (
    base_context,
    complainant_email,
    complainant_email_render,
    masked,
    message_email,
    public_url,
    template_render,
    tracking_url,
)

Sent = OutboundEmail | OutboundText | None

ROUTES: dict[str, tuple[str, ...]] = {
    Channel.ZALO: ("zalo", "sms", "email"),
    Channel.SMS: ("sms", "email"),
    Channel.PHONE: ("sms", "email"),
}
DEFAULT_ROUTE: tuple[str, ...] = ("email", "sms")


def active_channel(kind: str) -> TextChannel | None:
    gateways = (
        [TextChannel.Gateway.ZALO_ZNS]
        if kind == "zalo"
        else [g for g in TextChannel.Gateway.values if g != TextChannel.Gateway.ZALO_ZNS]
    )
    return TextChannel.objects.filter(is_active=True, gateway__in=gateways).order_by("pk").first()


def short_code(code: str) -> str:
    return f"short-{code}"


def _has_short(code: str) -> bool:
    return MessageTemplate.objects.filter(code=short_code(code), is_active=True).exists()


def _zns_template(channel: TextChannel, code: str) -> dict[str, Any] | None:
    spec = ((channel.options or {}).get("templates") or {}).get(code)
    return spec if isinstance(spec, dict) and spec.get("id") else None


def _why_not(kind: str, person: Any, code: str) -> tuple[str, TextChannel | None]:
    """('', channel) when the message can go this way, else (reason, None)."""
    if kind == "email":
        return ("" if person.email else "no_address"), None
    if not phone_international(person.phone):
        return "no_phone", None
    channel = active_channel(kind)
    if channel is None:
        return "no_channel", None
    if not _has_short(code) or (kind == "zalo" and _zns_template(channel, code) is None):
        return "no_template", None
    return "", channel


def complainant_reachable(person: Any, code: str = "message") -> bool:
    """Whether a message with template ``code`` can reach the person some way: an email
    address, or a phone and an SMS or Zalo channel switched on with its short template."""
    return any(not _why_not(kind, person, code)[0] for kind in ("email", "sms", "zalo"))


def short_text(channel: TextChannel, code: str, language: str, context: dict[str, Any]) -> str:
    _subject, body = template_render(short_code(code), language, context)
    body = " ".join(body.split())
    return unaccent(body) if channel.unaccented else body


def _zns_params(channel: TextChannel, code: str, context: dict[str, Any]) -> dict[str, Any]:
    spec = _zns_template(channel, code) or {}
    data = {
        name: str(context.get(key, ""))[:100] for name, key in (spec.get("params") or {}).items()
    }
    return {"template_id": str(spec["id"]), "data": data}


@dataclass(frozen=True)
class Route:
    """The way a message goes: ``kind`` "email", "sms" or "zalo" ("" when no way is possible),
    the text channel for SMS and Zalo, and the preferred ways passed over, with why."""

    kind: str
    channel: TextChannel | None
    skipped: tuple[tuple[str, str], ...]

    @property
    def fallback(self) -> tuple[str, str] | None:
        return self.skipped[0] if self.skipped else None


def route_choose(person: Any, code: str) -> Route:
    """The first possible way of the person's route for template ``code``."""
    skipped: list[tuple[str, str]] = []
    for kind in ROUTES.get(person.preferred_channel, DEFAULT_ROUTE):
        reason, channel = _why_not(kind, person, code)
        if reason:
            if kind != "email":
                skipped.append((kind, reason))
            continue
        return Route(kind=kind, channel=channel, skipped=tuple(skipped))
    return Route(kind="", channel=None, skipped=tuple(skipped))


def complainant_notify(
    *,
    complaint: Any,
    code: str,
    extra: dict[str, Any] | None = None,
    secrets: tuple[str, ...] = (),
    first: bool = False,
) -> Sent:
    """Send template ``code`` to the complainant by the first possible way of their route,
    recording any fallback; nothing when no way is possible. Inside the action's transaction."""
    route = route_choose(complaint.complainant, code)
    if route.kind == "email":
        return complainant_email(
            complaint=complaint,
            code=code,
            extra=extra,
            secrets=secrets,
            first=first,
            fallback=route.fallback,
        )
    if route.channel is not None:
        return _text(complaint, route.channel, code, extra or {}, secrets)
    return None


@dataclass(frozen=True)
class RoutePreview:
    """What ``complainant_notify`` would send, rendered without sending anything: the way
    (``route.kind``, "" when none is possible), where to (a number in international form, or
    the email address), the short text as that channel sends it (SMS, Zalo), and the email —
    the message itself, or the one that goes instead if the short text is not delivered (empty
    when the complainant gave no address; with no way at all, what to tell them)."""

    route: Route
    to: str
    text: str
    email_to: str
    email_subject: str
    email_body: str


def complainant_preview(
    *, complaint: Any, code: str, extra: dict[str, Any] | None = None
) -> RoutePreview:
    """Template ``code`` as the complainant will receive it, in their language (the caller
    sets it). Raises LookupError when the template does not exist."""
    person = complaint.complainant
    route = route_choose(person, code)
    subject, body = complainant_email_render(complaint=complaint, code=code, extra=extra)
    text, to = "", person.email if route.kind == "email" else ""
    if route.channel is not None:
        context = {**base_context(complaint), **(extra or {})}
        text = short_text(route.channel, code, person.preferred_language, context)
        to = phone_international(person.phone)
    # An SMS or Zalo message to someone without an email address has no email behind it.
    emailed = bool(person.email) or not route.kind
    return RoutePreview(
        route=route,
        to=to,
        text=text,
        email_to=person.email,
        email_subject=subject if emailed else "",
        email_body=body if emailed else "",
    )


def _text(
    complaint: Any,
    channel: TextChannel,
    code: str,
    extra: dict[str, Any],
    secrets: tuple[str, ...],
) -> OutboundText:
    person = complaint.complainant
    language = person.preferred_language
    context = {**base_context(complaint), **extra}
    body = short_text(channel, code, language, context)
    email: tuple[str, str, str] = ("", "", "")
    if person.email:
        subject, long_body = template_render(code, language, context)
        email = (subject, long_body, masked(long_body, secrets))
    return text_queue(
        complaint=complaint,
        channel=channel,
        to=phone_international(person.phone),
        body=body,
        recorded=masked(body, secrets),
        code=code,
        params=_zns_params(channel, code, context) if channel.kind == "zalo" else None,
        fallback=email,
    )


def message_notify(*, message: Message) -> Sent:
    """A message a handler wrote to the complainant (already on the complaint), by the same
    route; a short message carries its text (``short-message``)."""
    complaint = message.complaint
    person = complaint.complainant
    route = route_choose(person, "message")
    if route.kind == "email":
        return message_email(message=message, fallback=route.fallback)
    channel = route.channel
    if channel is None:
        return None
    context = {**base_context(complaint), "text": message.body}
    body = short_text(channel, "message", person.preferred_language, context)
    return text_queue(
        complaint=complaint,
        channel=channel,
        to=phone_international(person.phone),
        body=body,
        recorded=message.body,
        code="",
        params=_zns_params(channel, "message", context) if channel.kind == "zalo" else None,
        message=message,
    )


def receipt_notify(*, complaint: Any, tracking_code: str, ask_consent: bool = False) -> Sent:
    """The receipt, sent at once: reference, tracking code and the secret link, what happens
    next. ``ask_consent``: the channel did not ask the complainant to agree to the
    personal-data notice (an email), so the receipt asks them to reply with an agreement word,
    with a link to the notice (the template's ``ask_consent`` and ``notice_url``)."""
    language = complaint.complainant.preferred_language
    return complainant_notify(
        complaint=complaint,
        code="receipt",
        extra={
            "tracking_code": tracking_code,
            "tracking_url": tracking_url(complaint.reference, tracking_code, language),
            "ask_consent": ask_consent,
            "notice_url": public_url(f"/{language}/#privacy"),
        },
        secrets=(tracking_code,),
        first=True,
    )
