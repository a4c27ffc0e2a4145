"""The second-factor gate in front of staff pages and the Django admin (ASVS 2.7, 4.1), and the
external auditor's gate in front of staff pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext

from redress.certification.selectors import is_external_auditor
from redress.core.secondfactor import second_factor_device, second_factor_required

# Pages open to a signed-in person who has not given their second factor yet.
OPEN = frozenset(
    {
        "backoffice:login",
        "backoffice:logout",
        "backoffice:password_reset",
        "backoffice:password_reset_done",
        "backoffice:password_reset_confirm",
        "backoffice:password_reset_complete",
        "backoffice:language",
        "backoffice:second_factor",
        "backoffice:second_factor_enrol",
        "admin:login",
        "admin:logout",
    }
)


class SecondFactorMiddleware:
    """A signed-in person reaches a staff page or the admin only after their second factor when
    their role requires one or they enrolled one: otherwise they are sent to the code page, or
    to enrolment if they have no authenticator yet. Runs after django-otp's ``OTPMiddleware``,
    which says whether this session was verified (and by a device that still exists). The API
    is not concerned: it takes tokens, not sessions. One query per staff request: the
    session's device (``OTPMiddleware``), or whether the person enrolled one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or match.namespace not in ("backoffice", "admin"):
            return None
        if match.view_name in OPEN:
            return None
        user: Any = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        device = second_factor_device(user)
        if device is None and not second_factor_required(user):
            return None  # an optional second factor, not enrolled
        target = "backoffice:second_factor" if device else "backoffice:second_factor_enrol"
        url = reverse(target) + "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)


# What an external auditor may open of the staff site, besides ``OPEN``.
EXTERNAL_AUDITOR_PAGES = frozenset(
    {
        "backoffice:external_home",
        "backoffice:external_complaint",
        "backoffice:pack_download",
    }
)


class ExternalAuditorMiddleware:
    """An external auditor (a person without a staff role, granted access to auditor's packs)
    reaches only their own pages of the staff site: the home page sends them to their packs,
    every other page answers 403 before its view runs, whatever it would have shown a person
    without a role. Costs staff nothing: their roles are read once per request anyway."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or match.namespace != "backoffice":
            return None
        if match.view_name in OPEN or match.view_name in EXTERNAL_AUDITOR_PAGES:
            return None
        if not is_external_auditor(request.user):  # type: ignore[arg-type]
            return None
        if match.view_name == "backoffice:home":
            return HttpResponseRedirect(reverse("backoffice:external_home"))
        raise PermissionDenied(gettext("An external auditor sees only the packs granted to them."))
