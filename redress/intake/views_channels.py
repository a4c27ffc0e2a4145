"""Callbacks from SMS and Zalo gateways (docs/channels.md):

    POST /intake/channels/<channel id>/report/<token>/    delivery reports
    POST /intake/channels/<channel id>/inbound/<token>/   messages sent to the gateway's number

The token is the HMAC of the channel and the purpose under the channel's callback secret, shown
in the back office with the channel; gateways that sign their calls are checked as well
(``notifications.channels.gateways``). eSMS calls with GET: accepted for reports. Answers 200
with what was done, 401 for a wrong token or signature, 404 for an unknown channel or purpose.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from redress.core.sealing import Unsealable
from redress.intake.texts import text_ingest
from redress.notifications.channels.gateways import Callback, adapter_for, token_valid
from redress.notifications.channels.outbox import text_report
from redress.notifications.models import TextChannel

MAX_BYTES = 256 * 1024


def _error(status: int, code: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code}}, status=status)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def channel_callback(request: HttpRequest, pk: int, purpose: str, token: str) -> JsonResponse:
    channel = TextChannel.objects.filter(pk=pk).first()
    if channel is None or purpose not in ("report", "inbound"):
        return _error(404, "not_found")
    if int(request.headers.get("Content-Length") or 0) > MAX_BYTES:
        return _error(413, "too_large")
    body = request.body if request.method == "POST" else b""
    callback = Callback(
        headers={k.lower(): v for k, v in request.headers.items()},
        body=body,
        query={k: str(v) for k, v in request.GET.items()},
        form={k: str(v) for k, v in request.POST.items()}
        if request.content_type == "application/x-www-form-urlencoded"
        else {},
    )
    adapter = adapter_for(channel)
    try:
        if not token_valid(channel, purpose, token) or not adapter.verify(channel, callback):
            return _error(401, "unauthorised")
    except Unsealable:
        return _error(401, "unauthorised")
    if purpose == "report":
        updated = 0
        for report in adapter.reports(channel, callback):
            text = text_report(
                channel=channel,
                provider_id=report.provider_id,
                tracking=report.tracking,
                delivered=report.delivered,
                cost=report.cost,
                detail=report.detail,
            )
            updated += text is not None
        return JsonResponse({"reports": updated})
    taken = [
        text_ingest(
            channel=channel, provider_id=item.provider_id, sender=item.sender, text=item.text
        )
        for item in adapter.incoming(channel, callback)
        if item.sender
    ]
    return JsonResponse({"messages": [{"id": t.pk, "outcome": t.outcome} for t in taken]})
