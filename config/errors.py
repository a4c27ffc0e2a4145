"""The error pages: 403 and 404 in the layout of the part of the site they happen in (the staff
site under /staff/, the public portal elsewhere), in the visitor's language; 500 as a plain page
that needs neither the database nor a template context, in Vietnamese and English. The API and
the Django admin keep Django's own answers."""

from __future__ import annotations

import logging
import sys

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults

from redress.backoffice.views.common import page as staff_page
from redress.core.outage import RETRY_AFTER_SECONDS, is_outage
from redress.portal.views.common import page as public_page

logger = logging.getLogger(__name__)

_OWN_ANSWERS = ("/api/", "/admin/", "/intake/")


def _error_page(request: HttpRequest, status: int, message: str) -> HttpResponse:
    context = {"status": status, "message": message}
    if request.path.startswith("/staff/"):
        signed_in = request.user.is_authenticated
        context["layout"] = "backoffice/base.html" if signed_in else "backoffice/auth_base.html"
        if signed_in:
            return staff_page(request, "backoffice/error.html", context, status=status)
        return HttpResponse(
            loader.render_to_string("backoffice/error.html", context, request), status=status
        )
    return public_page(request, "portal/error.html", context, status=status)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(_OWN_ANSWERS):
        return defaults.page_not_found(request, exception)
    try:
        return _error_page(request, 404, "")
    except Exception:  # noqa: BLE001 - an error page must never fail; Django's own is plain
        logger.exception("the 404 page could not be drawn")
        return defaults.page_not_found(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(_OWN_ANSWERS):
        return defaults.permission_denied(request, exception)
    # The reason given by the view that refused (e.g. "Your role does not let you do this: …").
    message = str(exception) if exception else ""
    try:
        return _error_page(request, 403, message)
    except Exception:  # noqa: BLE001 - an error page must never fail; Django's own is plain
        logger.exception("the 403 page could not be drawn")
        return defaults.permission_denied(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this while handling the exception, so the error is still at hand.
    if not is_outage(sys.exc_info()[1]):
        return defaults.server_error(request, template_name="500.html")
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"error": {"code": "unavailable", "message": _UNAVAILABLE, "fields": {}}}, status=503
        )
    else:
        response = defaults.server_error(request, template_name="503.html")
        response.status_code = 503
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


# In English and Vietnamese: this answer needs neither the database nor the request's language.
_UNAVAILABLE = (
    "Hệ thống tạm thời gián đoạn; không có gì bị thay đổi. Xin thử lại sau một phút. "
    "The service is briefly unavailable; nothing was changed. Try again in a minute."
)
