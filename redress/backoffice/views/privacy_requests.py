"""Data-subject requests in the staff site (docs/privacy.md): the list, open requests due first
with the overdue marked; a request's page where the data-protection officer verifies who asks,
records the first response, extends once, completes or refuses; and the form to record a
request received by phone, letter or in person. Every change is a service call; a refusal is
shown on the page with its status and changes nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from redress.backoffice.forms.privacy_requests import (
    CompleteForm,
    ExtendForm,
    LiftForm,
    RefuseForm,
    RequestRecordForm,
    RespondForm,
    VerifyForm,
)
from redress.backoffice.templatetags.people import names_of_labels
from redress.backoffice.views.common import form_perform, page, staff_view
from redress.core.actors import Actor
from redress.core.errors import ApplicationError, NotFound
from redress.core.forms import form_add_error
from redress.core.models import User
from redress.privacy import requests as services
from redress.privacy.models import DataSubjectRequest, RequestChannel
from redress.privacy.restriction import restriction_lift
from redress.privacy.roles import Permission, may
from redress.privacy.selectors_requests import request_complaints, request_get_for, requests_for

PER_PAGE = 50
SECTION = "privacy_requests"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _actor(request: HttpRequest) -> Actor:
    return Actor.for_user(_user(request))


def _require(request: HttpRequest, permission: str) -> None:
    if not may(_user(request), permission):
        raise PermissionDenied(
            gettext("Your role does not let you do this: %(what)s.")
            % {"what": str(Permission(permission).label).lower()}
        )


def _found(request: HttpRequest, pk: int) -> DataSubjectRequest:
    _require(request, Permission.REQUEST_READ)
    try:
        return request_get_for(_user(request), pk=pk)
    except NotFound:
        raise Http404(pk) from None


@staff_view
def request_list(request: HttpRequest) -> HttpResponse:
    _require(request, Permission.REQUEST_READ)
    everything = request.GET.get("all") == "1"
    rows = requests_for(_user(request), open_only=not everything)
    paged = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return page(
        request,
        "backoffice/privacy_requests.html",
        {
            "section": SECTION,
            "page_obj": paged,
            "everything": everything,
            "now": timezone.now(),
            "may_manage": may(_user(request), Permission.REQUEST_MANAGE),
        },
    )


@staff_view
def request_new(request: HttpRequest) -> HttpResponse:
    _require(request, Permission.REQUEST_MANAGE)
    form = RequestRecordForm(request.POST if request.method == "POST" else None)
    context = {"section": SECTION, "form": form}
    template = "backoffice/privacy_request_form.html"
    if request.method != "POST":
        return page(request, template, context)
    if not form.is_valid():
        return page(request, template, context, status=422)
    data = dict(form.cleaned_data)
    try:
        complaints = request_complaints(data.pop("references"))
        found = services.request_receive(
            actor=_actor(request), channel=RequestChannel.STAFF, complaints=complaints, **data
        )
    except ApplicationError as error:
        form_add_error(form, error)
        return page(request, template, context, status=error.http_status)
    messages.success(
        request,
        gettext("The request is recorded as %(reference)s.") % {"reference": found.reference},
    )
    return redirect("backoffice:privacy_request", found.pk)


def _request_page(
    request: HttpRequest, found: DataSubjectRequest, *, status: int = 200, **forms: Any
) -> HttpResponse:
    events = list(found.events.all())
    context: dict[str, Any] = {
        "section": SECTION,
        "dsar": found,
        "now": timezone.now(),
        "complaints": found.complaints.order_by("reference"),
        "events": events,
        "names": names_of_labels(e.actor_label for e in events),
        "may_manage": may(_user(request), Permission.REQUEST_MANAGE) and found.is_open,
        "verify_form": forms.get("verify_form") or VerifyForm(),
        "respond_form": forms.get("respond_form") or RespondForm(),
        "extend_form": forms.get("extend_form") or ExtendForm(),
        "complete_form": forms.get("complete_form") or CompleteForm(),
        "refuse_form": forms.get("refuse_form") or RefuseForm(),
        "restrictions": found.restrictions.select_related("complaint", "lifted_by").order_by(
            "complaint__reference"
        ),
        "may_lift": may(_user(request), Permission.REQUEST_MANAGE),
        "lift_form": forms.get("lift_form") or LiftForm(),
    }
    return page(request, "backoffice/privacy_request.html", context, status=status)


@staff_view
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _request_page(request, _found(request, pk))


def _step(
    request: HttpRequest, pk: int, form_class: type, form_name: str, call: Any, done: str
) -> HttpResponse:
    _require(request, Permission.REQUEST_MANAGE)
    found = _found(request, pk)
    return form_perform(
        request,
        form_class(request.POST),
        lambda data: call(actor=_actor(request), request=found, **data),
        done,
        reverse("backoffice:privacy_request", args=[found.pk]),
        lambda **kw: _request_page(request, found, **kw),
        form_name,
    )


@require_POST
@staff_view
def request_verify(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        VerifyForm,
        "verify_form",
        services.request_verify,
        gettext("The verification is recorded."),
    )


@require_POST
@staff_view
def request_respond(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        RespondForm,
        "respond_form",
        services.request_respond,
        gettext("The first response is recorded."),
    )


@require_POST
@staff_view
def request_extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        ExtendForm,
        "extend_form",
        services.request_extend,
        gettext("The request is extended."),
    )


@require_POST
@staff_view
def request_complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        CompleteForm,
        "complete_form",
        services.request_complete,
        gettext("The request is done."),
    )


@require_POST
@staff_view
def request_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        RefuseForm,
        "refuse_form",
        services.request_refuse,
        gettext("The request is refused."),
    )


@require_POST
@staff_view
def request_restriction_lift(request: HttpRequest, pk: int, restriction_id: int) -> HttpResponse:
    """Lift one restriction the request made: the complaint is read and handled as before."""
    _require(request, Permission.REQUEST_MANAGE)
    found = _found(request, pk)
    lifted = found.restrictions.filter(pk=restriction_id).first()
    if lifted is None:
        raise Http404(restriction_id)
    return form_perform(
        request,
        LiftForm(request.POST),
        lambda data: restriction_lift(restriction=lifted, actor=_actor(request), **data),
        gettext("The restriction is lifted."),
        reverse("backoffice:privacy_request", args=[found.pk]),
        lambda **kw: _request_page(request, found, **kw),
        "lift_form",
    )
