"""The second factor at sign-in: the code page, enrolment of an authenticator app with its
recovery codes, new recovery codes, and the administrator's list with a reset per person
(``integrations.secondfactor`` writes; ``backoffice.middleware`` sends people here)."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from redress.backoffice.forms.auth import SecondFactorCodeForm
from redress.backoffice.views.common import admin_view, page, staff_view
from redress.core.actors import Actor
from redress.core.errors import ValidationFailed
from redress.core.forms import form_add_error
from redress.core.models import User
from redress.core.secondfactor import (
    people_requiring_second_factor,
    second_factor_device,
    second_factor_required,
)
from redress.integrations import secondfactor as services


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("backoffice:home")


def _admit(request: HttpRequest, device: Any) -> None:
    """The session is now verified by this device; its key changes (ASVS 3.2.1)."""
    request.session.cycle_key()
    otp_login(request, device)


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """After the password: a code from the authenticator app, or a recovery code."""
    user: User = request.user  # type: ignore[assignment]
    if second_factor_device(user) is None:
        return HttpResponseRedirect(
            reverse("backoffice:second_factor_enrol") + "?next=" + _next(request)
        )
    form = SecondFactorCodeForm(request.POST or None, initial={"next": _next(request)})
    status = 200
    if request.method == "POST" and form.is_valid():
        device = services.second_factor_verify(user=user, code=form.cleaned_data["code"])
        if device is not None:
            _admit(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request,
                    gettext(
                        "You signed in with a recovery code; %(left)d are left. Make new ones "
                        "if you are running short."
                    )
                    % {"left": left},
                )
            return HttpResponseRedirect(_next(request))
        form.add_error("code", gettext("This code is not right, or was already used."))
        status = 422
    elif request.method == "POST":
        status = 422
    return render(request, "backoffice/second_factor_verify.html", {"form": form}, status=status)


@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: its secret as a QR code and as text, confirmed with a code
    it shows; then the ten recovery codes, shown once. A person who has one already gives its
    code first (the code page), then may enrol a new one from here."""
    user: Any = request.user
    if second_factor_device(user) is not None and not user.is_verified():
        return HttpResponseRedirect(reverse("backoffice:second_factor") + "?next=" + _next(request))
    device = services.second_factor_begin(user=user)
    form = SecondFactorCodeForm(request.POST or None, initial={"next": _next(request)})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.second_factor_confirm(
                user=user, device=device, code=form.cleaned_data["code"]
            )
        except ValidationFailed as error:
            form_add_error(form, error)
            status = 422
        else:
            _admit(request, TOTPDevice.objects.get(pk=device.pk))
            return _codes_page(request, codes)
    elif request.method == "POST":
        status = 422
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "qr": qr.svg_inline(scale=4, border=2, svgclass="qr", title=gettext("QR code")),
        "secret": services.totp_secret_text(device),
        "required": second_factor_required(user),
        "enrolled": user.is_verified() and second_factor_device(user) is not None,
    }
    return render(request, "backoffice/second_factor_enrol.html", context, status=status)


def _codes_page(request: HttpRequest, codes: list[str]) -> HttpResponse:
    shown = [f"{code[:4]}-{code[4:8]}-{code[8:12]}-{code[12:]}" for code in codes]
    context = {"codes": shown, "next": _next(request)}
    return render(request, "backoffice/second_factor_codes.html", context)


@staff_view
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working), for a verified session only."""
    user: Any = request.user
    if not user.is_verified():
        return HttpResponseRedirect(reverse("backoffice:second_factor"))
    return _codes_page(request, services.recovery_codes_replace(user=user))


@admin_view
def people(request: HttpRequest) -> HttpResponse:
    """Staff with whether they must use a second factor and whether they enrolled one."""
    enrolled = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    required = people_requiring_second_factor()
    rows = [
        {
            "person": person,
            "required": person.pk in required,
            "enrolled": person.pk in enrolled,
        }
        for person in User.objects.filter(is_active=True).order_by("username")[:500]
    ]
    return page(request, "backoffice/second_factor_people.html", {"section": "2fa", "rows": rows})


@admin_view
@require_POST
def reset(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a person's authenticator and recovery codes (they enrol again)."""
    person = get_object_or_404(User, pk=pk)
    actor_user: User = request.user  # type: ignore[assignment]
    services.second_factor_reset(person=person, actor=Actor.for_user(actor_user))
    messages.success(
        request,
        gettext("The second factor of %(name)s was reset: they enrol again at their next sign-in.")
        % {"name": person.get_full_name() or person.username},
    )
    return HttpResponseRedirect(reverse("backoffice:second_factor_people"))
