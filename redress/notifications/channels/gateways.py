"""One adapter per kind of gateway: the request that sends a message, how its answer is read,
its delivery reports and incoming messages, and how its callbacks are verified.

The request and callback formats are written out in docs/channels.md; the tests run each adapter
against a local HTTP server that speaks the gateway's format (``channels.testing``).

Every callback URL carries a token, an HMAC-SHA256 of the channel and the callback's purpose
under the channel's callback secret (``callback_token``): eSMS and SpeedSMS do not sign their
calls, so the token is what proves the call comes from someone the URL was given to. Gateways
that sign their calls are checked as well: the generic gateway by an HMAC-SHA256 of the body in
a header, Zalo by its ``X-ZEvent-Signature``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from redress.core.sealing import unseal
from redress.notifications.channels.http import Answer, post
from redress.notifications.models import TextChannel


@dataclass
class Outgoing:
    """One message for the gateway: the number (international digits), the text, the
    template's values (Zalo), our id (``tracking``) and where its delivery report goes."""

    to: str
    text: str
    params: Mapping[str, str] = field(default_factory=dict)
    template: str = ""
    tracking: str = ""
    report_url: str = ""


@dataclass
class Sent:
    """The gateway's answer to one message. ``permanent``: trying again would not help (the
    number or the template was refused); ``retry_after``: seconds the gateway asked us to wait."""

    ok: bool
    provider_id: str = ""
    cost: Decimal | None = None
    error: str = ""
    permanent: bool = False
    retry_after: int | None = None


@dataclass
class Report:
    """A delivery report: the gateway's id of the message (or ours, ``tracking``)."""

    provider_id: str
    delivered: bool
    tracking: str = ""
    cost: Decimal | None = None
    detail: str = ""


@dataclass
class Incoming:
    """A message a complainant sent to the gateway's number."""

    provider_id: str
    sender: str
    text: str


@dataclass
class Callback:
    """A call from the gateway, as received: headers (lower-case names), raw body, query, form."""

    headers: Mapping[str, str]
    body: bytes
    query: Mapping[str, str] = field(default_factory=dict)
    form: Mapping[str, str] = field(default_factory=dict)

    def data(self) -> dict[str, Any]:
        """The call's fields: the JSON body, else the form, else the query string."""
        try:
            parsed = json.loads(self.body or b"null")
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            return parsed
        return {**dict(self.query), **dict(self.form)}


def callback_token(channel: TextChannel, purpose: str) -> str:
    """The token in the channel's callback URL for ``purpose`` ("report" or "inbound")."""
    key = unseal(channel.callback_secret).encode()
    return hmac.new(key, f"{channel.pk}:{purpose}".encode(), hashlib.sha256).hexdigest()[:40]


def token_valid(channel: TextChannel, purpose: str, token: str) -> bool:
    if not channel.callback_secret:
        return False
    return hmac.compare_digest(callback_token(channel, purpose), token)


def dig(data: Any, path: str) -> Any:
    """``data["a"]["b"]`` for the path ``a.b`` (list items by number), or None."""
    for part in path.split(".") if path else ():
        if isinstance(data, Mapping):
            data = data.get(part)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def _retry_after(answer: Answer) -> int | None:
    value = answer.headers.get("retry-after", "")
    return int(value) if value.isdigit() else None


def transport_failure(answer: Answer) -> Sent | None:
    """A failure before the gateway's own answer: no answer, 5xx, 429 (rate limit) or another
    HTTP error. None when the gateway answered 2xx (its body then says what happened)."""
    if answer.status is None:
        return Sent(ok=False, error=answer.error or "no answer")
    if 200 <= answer.status < 300:
        return None
    error = f"HTTP {answer.status}: {answer.body[:300]}".strip()
    if answer.status == 429:
        return Sent(ok=False, error=error, retry_after=_retry_after(answer))
    # 400, 404, 413, 422: the request itself is refused; 401/403 and 5xx may pass later.
    permanent = answer.status in (400, 404, 413, 422)
    return Sent(ok=False, error=error, permanent=permanent)


class Adapter:
    default_url = ""
    inbound = False  # whether the gateway passes on messages sent to its number

    def url(self, channel: TextChannel) -> str:
        return channel.url or self.default_url

    def send(self, channel: TextChannel, message: Outgoing) -> Sent:
        raise NotImplementedError

    def verify(self, channel: TextChannel, callback: Callback) -> bool:
        """A check beyond the URL's token, for gateways that sign their calls."""
        return True

    def reports(self, channel: TextChannel, callback: Callback) -> list[Report]:
        return []

    def incoming(self, channel: TextChannel, callback: Callback) -> list[Incoming]:
        return []


def _json(data: Mapping[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


class Generic(Adapter):
    """Any HTTP gateway, described by the channel's ``options`` (docs/channels.md)."""

    inbound = True

    def send(self, channel: TextChannel, message: Outgoing) -> Sent:
        options = channel.options or {}
        names = {"to": "to", "text": "text", "sender": "sender", "reference": "reference"}
        names.update(options.get("fields") or {})
        values = {
            "to": message.to,
            "text": message.text,
            "sender": channel.sender,
            "reference": message.tracking,
            "report_url": message.report_url,
        }
        payload: dict[str, Any] = dict(options.get("static") or {})
        for key, name in names.items():
            if name and (values.get(key) or key in ("to", "text")):
                payload[name] = values[key]
        headers: dict[str, str] = {}
        auth = options.get("auth", "bearer")
        key = unseal(channel.api_key)
        if auth == "bearer" and key:
            headers["Authorization"] = f"Bearer {key}"
        elif auth == "basic":
            pair = f"{channel.account}:{key}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
        elif auth == "header" and key:
            headers[options.get("auth_header") or "X-Api-Key"] = key
        if options.get("encoding") == "form":
            body = urllib.parse.urlencode(payload).encode()
            content_type = "application/x-www-form-urlencoded"
        else:
            body, content_type = _json(payload), "application/json; charset=utf-8"
        answer = post(self.url(channel), body=body, content_type=content_type, headers=headers)
        failure = transport_failure(answer)
        if failure is not None:
            return failure
        data = answer.json()
        ok_field = options.get("ok_field", "")
        if ok_field:
            ok_values = [str(v) for v in options.get("ok_values") or ["ok", "success", "0"]]
            if str(dig(data, ok_field)) not in ok_values:
                error = dig(data, options.get("error_field", "")) or answer.body[:300]
                return Sent(ok=False, error=f"gateway: {error}")
        return Sent(
            ok=True,
            provider_id=str(dig(data, options.get("id_field", "id")) or ""),
            cost=_decimal(dig(data, options.get("cost_field", "cost"))),
        )

    def verify(self, channel: TextChannel, callback: Callback) -> bool:
        """An HMAC-SHA256 of the raw body under the callback secret, in hex, in the header the
        options name (``X-Signature`` unless told), with or without a ``sha256=`` prefix."""
        header = ((channel.options or {}).get("signature_header") or "X-Signature").lower()
        given = callback.headers.get(header, "").removeprefix("sha256=")
        key = unseal(channel.callback_secret).encode()
        expected = hmac.new(key, callback.body, hashlib.sha256).hexdigest()
        return bool(given) and hmac.compare_digest(given, expected)

    def reports(self, channel: TextChannel, callback: Callback) -> list[Report]:
        spec: dict[str, Any] = {
            "id": "id",
            "status": "status",
            "delivered": ["delivered"],
            "cost": "cost",
        }
        spec.update((channel.options or {}).get("report") or {})
        data = callback.data()
        items = data if isinstance(data, list) else data.get("reports") or [data]
        return [
            Report(
                provider_id=str(dig(item, spec["id"]) or ""),
                delivered=str(dig(item, spec["status"])) in [str(v) for v in spec["delivered"]],
                cost=_decimal(dig(item, spec["cost"])),
                detail=str(dig(item, spec["status"]) or "")[:100],
            )
            for item in items
            if isinstance(item, Mapping)
        ]

    def incoming(self, channel: TextChannel, callback: Callback) -> list[Incoming]:
        spec = {"id": "id", "from": "from", "text": "text"}
        spec.update((channel.options or {}).get("inbound") or {})
        data = callback.data()
        return [
            Incoming(
                provider_id=str(dig(data, spec["id"]) or ""),
                sender=str(dig(data, spec["from"]) or ""),
                text=str(dig(data, spec["text"]) or ""),
            )
        ]


class Esms(Adapter):
    """eSMS.vn, ``SendMultipleMessage_V4_post_json``: CodeResult 100 is accepted."""

    default_url = "https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/"

    def send(self, channel: TextChannel, message: Outgoing) -> Sent:
        options = channel.options or {}
        payload = {
            "ApiKey": unseal(channel.api_key),
            "SecretKey": unseal(channel.api_secret),
            "Phone": message.to,
            "Content": message.text,
            "Brandname": channel.sender,
            "SmsType": str(options.get("sms_type", "2")),
            "IsUnicode": "0" if channel.unaccented else "1",
            "Sandbox": "1" if options.get("sandbox") else "0",
            "RequestId": message.tracking,
            "CallbackUrl": message.report_url,
        }
        answer = post(self.url(channel), body=_json(payload), content_type="application/json")
        failure = transport_failure(answer)
        if failure is not None:
            return failure
        data = answer.json() or {}
        code = str(data.get("CodeResult", ""))
        if code != "100":
            return Sent(ok=False, error=f"eSMS {code}: {data.get('ErrorMessage', '')}".strip())
        return Sent(ok=True, provider_id=str(data.get("SMSID", "")))

    def reports(self, channel: TextChannel, callback: Callback) -> list[Report]:
        data = callback.data()
        delivered = [str(v) for v in (channel.options or {}).get("delivered_status", ["5"])]
        status = str(data.get("SendStatus", ""))
        return [
            Report(
                provider_id=str(data.get("SMSID", "")),
                tracking=str(data.get("RequestId", "")),
                delivered=status in delivered,
                detail=f"SendStatus {status}",
            )
        ]


class SpeedSms(Adapter):
    """SpeedSMS (``/index.php/sms/send``): HTTP basic auth with the access token as the user."""

    default_url = "https://api.speedsms.vn/index.php/sms/send"
    inbound = True

    def send(self, channel: TextChannel, message: Outgoing) -> Sent:
        options = channel.options or {}
        payload = {
            "to": [message.to],
            "content": message.text,
            "sms_type": int(options.get("sms_type", 2)),
            "sender": channel.sender,
        }
        pair = f"{unseal(channel.api_key)}:x".encode()
        answer = post(
            self.url(channel),
            body=_json(payload),
            content_type="application/json",
            headers={"Authorization": "Basic " + base64.b64encode(pair).decode()},
        )
        failure = transport_failure(answer)
        if failure is not None:
            return failure
        data = answer.json() or {}
        if data.get("status") != "success":
            return Sent(
                ok=False, error=f"SpeedSMS {data.get('code', '')}: {data.get('message', '')}"
            )
        result = data.get("data") or {}
        if message.to in [str(n) for n in result.get("invalidPhone") or []]:
            return Sent(ok=False, error="SpeedSMS: invalid phone number", permanent=True)
        return Sent(
            ok=True,
            provider_id=str(result.get("tranId", "")),
            cost=_decimal(result.get("totalPrice")),
        )

    def reports(self, channel: TextChannel, callback: Callback) -> list[Report]:
        data = callback.data()
        if data.get("type") != "report":
            return []
        status = str(data.get("status", ""))
        return [
            Report(
                provider_id=str(data.get("tranId", "")),
                delivered=status == "0",
                detail=f"status {status}",
            )
        ]

    def incoming(self, channel: TextChannel, callback: Callback) -> list[Incoming]:
        data = callback.data()
        if data.get("type") != "sms":
            return []
        return [
            Incoming(
                provider_id=str(data.get("id") or data.get("tranId") or ""),
                sender=str(data.get("phone", "")),
                text=str(data.get("content", "")),
            )
        ]


# ZNS errors that concern the message, not the channel: the number is not valid (-108) or has
# no Zalo account (-118). Others (an expired access token, the quota) may pass later; a channel
# may add codes in ``options["permanent_errors"]``.
ZNS_PERMANENT = frozenset({-108, -118})


class ZaloZns(Adapter):
    """Zalo notification service: a template registered with Zalo, filled with values, sent to
    a phone number. The channel's ``options["templates"]`` maps Redress's message codes to the
    Zalo template id and the template's parameters to Redress's values."""

    default_url = "https://business.openapi.zalo.me/message/template"

    def send(self, channel: TextChannel, message: Outgoing) -> Sent:
        payload = {
            "phone": message.to,
            "template_id": message.template,
            "template_data": dict(message.params),
            "tracking_id": message.tracking,
        }
        answer = post(
            self.url(channel),
            body=_json(payload),
            content_type="application/json",
            headers={"access_token": unseal(channel.api_key)},
        )
        failure = transport_failure(answer)
        if failure is not None:
            return failure
        data = answer.json() or {}
        error = data.get("error", -1)
        if error != 0:
            return Sent(
                ok=False,
                error=f"Zalo {error}: {data.get('message', '')}",
                permanent=error in ZNS_PERMANENT
                or error in ((channel.options or {}).get("permanent_errors") or []),
            )
        return Sent(ok=True, provider_id=str((data.get("data") or {}).get("msg_id", "")))

    def verify(self, channel: TextChannel, callback: Callback) -> bool:
        """``X-ZEvent-Signature: mac=sha256(app_id + body + timestamp + OA secret key)``."""
        data = callback.data()
        raw = callback.body.decode("utf-8", "replace")
        seed = f"{channel.account}{raw}{data.get('timestamp', '')}{unseal(channel.api_secret)}"
        expected = "mac=" + hashlib.sha256(seed.encode()).hexdigest()
        given = callback.headers.get("x-zevent-signature", "")
        return bool(given) and hmac.compare_digest(given, expected)

    def reports(self, channel: TextChannel, callback: Callback) -> list[Report]:
        data = callback.data()
        if data.get("event_name") != "user_received_message":
            return []
        message = data.get("message") or {}
        return [
            Report(
                provider_id=str(message.get("msg_id", "")),
                tracking=str(message.get("tracking_id", "")),
                delivered=True,
                detail="user_received_message",
            )
        ]


ADAPTERS: dict[str, Adapter] = {
    TextChannel.Gateway.GENERIC: Generic(),
    TextChannel.Gateway.ESMS: Esms(),
    TextChannel.Gateway.SPEEDSMS: SpeedSms(),
    TextChannel.Gateway.ZALO_ZNS: ZaloZns(),
}


def adapter_for(channel: TextChannel) -> Adapter:
    return ADAPTERS[channel.gateway]
