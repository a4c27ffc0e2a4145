"""Frontline intake: a complaint taken by phone, in person or by letter, logged in under a
minute, with a warning when the same complainant raised something similar in the last 30 days."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from redress.backoffice.forms.intake import IntakeForm
from redress.backoffice.views import triage
from redress.backoffice.views.common import can_receive, page, staff_view
from redress.complaints.attachments import IncomingFile
from redress.complaints.masking import PersonalDataScope, complainant_view
from redress.complaints.models import Channel
from redress.complaints.queues import user_unit_ids
from redress.core.actors import Actor
from redress.core.errors import ApplicationError
from redress.core.forms import form_add_error
from redress.core.models import OrgUnit, User
from redress.core.roles import Role
from redress.core.selectors import staff_members
from redress.intake.consent import staff_consent
from redress.intake.receive import Once, Person, Submission, intake_receive, possible_duplicates

_SESSION_KEY = "backoffice_intake_codes"


def _choices(user: User) -> tuple[Any, Any]:
    units = OrgUnit.objects.filter(pk__in=user_unit_ids(user), is_active=True).order_by("name")
    takers = (
        User.objects.filter(
            is_active=True,
            memberships__role__in=[Role.FRONTLINE, Role.HANDLER, Role.COMPLAINTS_MANAGER],
            memberships__unit_id__in=user_unit_ids(user),
        )
        .distinct()
        .order_by("first_name", "username")
    )
    return units, takers


def _submission(data: dict[str, Any], clerk: User) -> Submission:
    channel = data.get("channel") or Channel.PHONE
    return Submission(
        person=Person(
            full_name=data.get("full_name") or "",
            email=data.get("email") or "",
            phone=data.get("phone") or "",
            address=data.get("address") or "",
            preferred_language=data.get("preferred_language") or "vi",
            # Someone who came in person is called back.
            preferred_channel=Channel.PHONE if channel == Channel.IN_PERSON else channel,
            vulnerable_group=data.get("vulnerable_group") or "",
        ),
        subject=data.get("subject") or "",
        description=data.get("description") or "",
        unit=data.get("unit"),
        received_at=data.get("received_at"),
        received_by=data.get("received_by"),
        category=data.get("category"),
        product=data.get("product"),
        order_ref=data.get("order_ref") or "",
        remedy_requested=data.get("remedy_requested") or "",
        amount_claimed=data.get("amount_claimed"),
        is_negotiation_request=bool(data.get("is_negotiation_request")),
        health_safety=bool(data.get("health_safety")),
        language=data.get("preferred_language") or "vi",
        consent=staff_consent(channel=channel, clerk=clerk, note=data.get("consent_note") or "")
        if data.get("consent")
        else None,
        subject_staff=data.get("subject_staff"),
        subject_staff_note=data.get("subject_staff_note") or "",
        attachments=[
            IncomingFile(name=upload.name or "file", content=_read(upload))
            for upload in data.get("attachments") or []
        ],
    )


def _read(upload: Any) -> bytes:
    upload.seek(0)
    return bytes(upload.read())


def _shown(user: User, found: list[Any]) -> list[Any]:
    scope = PersonalDataScope.for_user(user)
    return [(c, complainant_view(c, scope)) for c in found]


@staff_view
def intake(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not can_receive(user):
        raise PermissionDenied(gettext("Your role does not allow logging complaints."))
    units, takers = _choices(user)
    initial = {
        "received_by": user.pk,
        "unit": units.first().pk if units.exists() else None,
        "channel": "phone",
    }
    if request.method != "POST":
        form = IntakeForm(initial=initial, units=units, takers=takers, staff=staff_members())
        return page(request, "backoffice/intake.html", {"form": form, "duplicates": []})
    form = IntakeForm(
        request.POST, request.FILES, units=units, takers=takers, staff=staff_members()
    )
    if not form.is_valid():
        return page(request, "backoffice/intake.html", {"form": form, "duplicates": []}, status=422)
    data = form.cleaned_data
    submission = _submission(data, user)
    duplicates = _shown(user, possible_duplicates(submission, seen_by=user))
    if duplicates and not data["not_duplicate"]:
        form.add_error(
            "not_duplicate", gettext("Check the possible duplicates above, then confirm.")
        )
        return page(
            request,
            "backoffice/intake.html",
            {"form": form, "duplicates": duplicates},
            status=409,
        )
    try:
        result = intake_receive(
            submission,
            channel=data["channel"],
            actor=Actor.for_user(user),
            once=Once("backoffice", f"{user.pk}:{data['once']}") if data["once"] else None,
        )
    except ApplicationError as error:
        form_add_error(form, error)
        return page(
            request,
            "backoffice/intake.html",
            {"form": form, "duplicates": duplicates},
            status=error.http_status,
        )
    reference = result.complaint.reference
    if result.created:
        triage.intake_recorded(request, result.complaint)
        # The tracking code exists only now (it is stored hashed): shown once, on the next page.
        request.session[_SESSION_KEY] = {reference: result.tracking_code}
        messages.success(
            request, gettext("Complaint %(reference)s registered.") % {"reference": reference}
        )
    return redirect("backoffice:intake_done", reference=reference)


@staff_view
def intake_done(request: HttpRequest, reference: str) -> HttpResponse:
    codes = request.session.pop(_SESSION_KEY, {})
    if reference not in codes:
        return redirect("backoffice:complaint", reference=reference)
    return page(
        request,
        "backoffice/intake_done.html",
        {"reference": reference, "tracking_code": codes[reference]},
    )


@staff_view
def intake_duplicates(request: HttpRequest) -> HttpResponse:
    """HTMX: the possible duplicates for what has been typed so far (a POST from the page: a
    description is too long for a URL)."""
    user: User = request.user  # type: ignore[assignment]
    if not can_receive(user):
        raise Http404("intake")
    typed = request.POST if request.method == "POST" else request.GET
    data = {
        key: typed.get(key, "")[:20_000]
        for key in ("email", "phone", "subject", "description", "order_ref")
    }
    found = possible_duplicates(_submission(data, user), seen_by=user)
    return render(
        request, "backoffice/partials/duplicates.html", {"duplicates": _shown(user, found)}
    )
