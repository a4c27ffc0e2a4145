"""Legal holds in the staff site (docs/privacy.md, "Erasing a person's data"): the complaints
kept as they are, whose complainant's data cannot be erased while the hold is in place. The
data-protection officer and complaints managers place a hold by the complaint's reference and
release it; every change is a service call, a refusal is shown on the form and changes nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from redress.backoffice.forms.privacy import LegalHoldForm
from redress.backoffice.views.common import form_perform, page, staff_view
from redress.core.actors import Actor
from redress.core.errors import ApplicationError
from redress.core.models import User
from redress.privacy.legal_hold import (
    complaint_for_hold,
    legal_hold_place,
    legal_hold_release,
    legal_holds_for,
)
from redress.privacy.models import LegalHold
from redress.privacy.roles import Permission, may


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _require(request: HttpRequest) -> None:
    if not may(_user(request), Permission.LEGAL_HOLD):
        raise PermissionDenied(
            gettext("Your role does not let you do this: %(what)s.")
            % {"what": str(Permission.LEGAL_HOLD.label).lower()}
        )


def _page(
    request: HttpRequest,
    *,
    status: int = 200,
    form: LegalHoldForm | None = None,
    refusal: str = "",
) -> HttpResponse:
    in_force, released = legal_holds_for(_user(request))
    context: dict[str, Any] = {
        "section": "legal_holds",
        "in_force": in_force,
        "released": released,
        "form": form or LegalHoldForm(),
        "refusal": refusal,
    }
    return page(request, "backoffice/privacy_holds.html", context, status=status)


@staff_view
def legal_holds(request: HttpRequest) -> HttpResponse:
    """The holds in force and the latest released; POST places one."""
    _require(request)
    if request.method != "POST":
        return _page(request)
    form = LegalHoldForm(request.POST)

    def place(data: dict[str, Any]) -> LegalHold:
        complaint = complaint_for_hold(data["reference"])
        return legal_hold_place(
            complaint=complaint, actor=Actor.for_user(_user(request)), reason=data["reason"]
        )

    return form_perform(
        request,
        form,
        place,
        gettext("The complaint is under a legal hold: its complainant's data cannot be erased."),
        reverse("backoffice:legal_holds"),
        lambda **kw: _page(request, **kw),
        "form",
    )


@staff_view
@require_POST
def legal_hold_release_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Release a hold in force (the button is the confirmation); a hold already released is
    refused with the reason (409) and nothing changes."""
    _require(request)
    hold = get_object_or_404(LegalHold.objects.select_related("complaint"), pk=pk)
    try:
        legal_hold_release(complaint=hold.complaint, actor=Actor.for_user(_user(request)))
    except ApplicationError as error:
        return _page(request, status=error.http_status, refusal=error.message)
    messages.success(request, gettext("The legal hold is released."))
    return redirect("backoffice:legal_holds")
