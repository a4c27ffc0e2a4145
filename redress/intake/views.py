"""The inbound-mail webhook: a mail provider (or a relay script) posts one raw RFC 822 email.

    POST /intake/mail/
    Authorization: Bearer <REDRESS_MAIL_WEBHOOK_SECRET>      (or X-Redress-Secret: <secret>)
    Content-Type: message/rfc822                             (the raw email as the body)

Also accepted: a multipart form with the raw email in a field or file named ``message``,
``email`` or ``body-mime`` (the names common providers use). Answers 200 with what became of
the email (also when it is quarantined: it is kept), 401 for a wrong secret, 404 while no
secret is configured, 413 above ``REDRESS_MAIL_MAX_BYTES``.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from redress.intake.mail import mail_ingest
from redress.intake.models import InboundEmail

_FORM_FIELDS = ("message", "email", "body-mime")


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def _authorised(request: HttpRequest, secret: str) -> bool:
    given = request.headers.get("X-Redress-Secret", "")
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        given = auth[7:].strip()
    return bool(given) and hmac.compare_digest(given.encode(), secret.encode())


@csrf_exempt
@require_POST
def mail_webhook(request: HttpRequest) -> JsonResponse:
    from django.utils.translation import gettext as _

    secret = settings.REDRESS_MAIL_WEBHOOK_SECRET
    if not secret:
        return _error(404, "not_found", _("The inbound mail webhook is not enabled."))
    if not _authorised(request, secret):
        return _error(401, "unauthorised", _("Wrong or missing secret."))
    limit = settings.REDRESS_MAIL_MAX_BYTES
    length = int(request.headers.get("Content-Length") or 0)
    if length > limit:
        return _error(413, "too_large", _("The email is larger than the limit."))
    if request.content_type == "multipart/form-data":
        raw = b""
        for name in _FORM_FIELDS:
            if name in request.FILES:
                raw = request.FILES[name].read(limit + 1)  # type: ignore[union-attr]
                break
            if name in request.POST:
                raw = request.POST[name].encode("utf-8")
                break
    else:
        raw = request.read(limit + 1)
    if len(raw) > limit:
        return _error(413, "too_large", _("The email is larger than the limit."))
    if not raw.strip():
        return _error(400, "empty", _("No email in the request."))
    result = mail_ingest(raw=raw, source=InboundEmail.Source.WEBHOOK)
    email = result.email
    return JsonResponse(
        {
            "id": email.pk,
            "outcome": email.outcome,
            "duplicate": not result.created,
            "reference": result.reference,
            "reason": email.reason,
        }
    )
