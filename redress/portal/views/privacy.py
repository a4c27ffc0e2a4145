"""The complainant's requests about their personal data (Law 91/2025, Decree 356/2025;
docs/privacy.md): to see, correct, erase or restrict it, to object, to withdraw consent.

On the complaint's page the tracking code this browser proved (``access``) verifies the person:
the request is recorded at once and acknowledged on a page and by email, with its reference
and due date. The stand-alone page asks for the reference and tracking code first and answers
the same, neutral words whether they match a complaint or not, so that it tells nobody which
references exist; a wrong pair counts against the portal's tracking limit."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from redress.complaints.models import Complaint
from redress.complaints.selectors import complaint_find_by_tracking
from redress.core.errors import ApplicationError
from redress.core.forms import form_add_error
from redress.core.ratelimit import hit, is_limited, retry_minutes
from redress.portal.forms_privacy import (
    ContactCodeForm,
    PersonalDataByCodeForm,
    PersonalDataByContactForm,
    PersonalDataForm,
)
from redress.portal.views.common import TRACK_RATE, WEB, granted, not_granted, page
from redress.portal.views.tracking import render_complaint
from redress.privacy.contact_codes import code_minutes, contact_code_check, contact_code_send
from redress.privacy.delivery import access_answer_deliver, access_answer_ready
from redress.privacy.models import DataSubjectRequest, RequestChannel, Verification
from redress.privacy.requests import request_receive

RECEIPT_KEY = "portal_personal_data_request"
# The address a one-time code was asked for, kept for the page where the code is entered.
CONTACT_KEY = "portal_personal_data_contact"
# Codes asked for by one client (the same allowance as tracking: codes are a way in too).
CODE_RATE = TRACK_RATE


def _ask(complaint: Complaint, data: dict[str, str]) -> DataSubjectRequest:
    return request_receive(
        actor=WEB,
        kind=data["data_request"],
        channel=RequestChannel.PORTAL,
        complaints=[complaint],
        note=data.get("data_note") or "",
        language=get_language() or "vi",
    )


@require_POST
@never_cache
def personal_data_request(request: HttpRequest, reference: str) -> HttpResponse:
    """The request from the complaint's page (the tracking code already proved)."""
    complaint = granted(request, reference)
    if complaint is None:
        return not_granted(reference)
    form = PersonalDataForm(request.POST)
    if form.is_valid():
        try:
            found = _ask(complaint, form.cleaned_data)
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            request.session[RECEIPT_KEY] = {"pk": found.pk, "complaint": complaint.reference}
            return redirect("portal:personal_data_receipt")
    return render_complaint(request, complaint, privacy_form=form)


@never_cache
def personal_data_receipt(request: HttpRequest) -> HttpResponse:
    """The acknowledgement: the request's reference, what was asked and the due dates. Shown
    only to the browser that made the request, while it still holds the complaint's code (or
    right after it gave a one-time code)."""
    shown = request.session.get(RECEIPT_KEY) or {}
    if shown and not shown["complaint"]:
        # Verified by a one-time code: the request this session recorded, no complaint open.
        complaint = None
        found = DataSubjectRequest.objects.filter(pk=shown["pk"]).first()
        if found is None:
            return redirect("portal:track")
    else:
        complaint = granted(request, shown["complaint"]) if shown else None
        found = (
            DataSubjectRequest.objects.filter(
                pk=shown["pk"], complainant=complaint.complainant
            ).first()
            if complaint is not None
            else None
        )
        if complaint is None or found is None:
            return redirect("portal:track")
    return page(
        request,
        "portal/personal_data_receipt.html",
        {"nav": "track", "dsar": found, "complaint": complaint},
    )


@require_http_methods(["GET", "POST"])
@never_cache
def personal_data_by_code(request: HttpRequest) -> HttpResponse:
    """The request from someone who gives the reference and tracking code here."""
    template = "portal/personal_data_form.html"
    if request.method != "POST":
        form = PersonalDataByCodeForm(initial={"reference": request.GET.get("reference", "")[:32]})
        return page(request, template, {"nav": "track", "form": form})
    form = PersonalDataByCodeForm(request.POST)
    if is_limited(request, "track", TRACK_RATE):
        context = {
            "nav": "track",
            "form": form,
            "limited": True,
            "retry_minutes": retry_minutes(request, "track"),
        }
        return page(request, template, context, status=429)
    if not form.is_valid():
        return page(request, template, {"nav": "track", "form": form})
    data = form.cleaned_data
    complaint = complaint_find_by_tracking(data["reference"], data["code"])
    if complaint is None:
        hit(request, "track", TRACK_RATE)
    else:
        _ask(complaint, data)
    # The same answer either way: the acknowledgement goes to the complaint's contact.
    return page(request, "portal/personal_data_sent.html", {"nav": "track"})


@require_GET
@never_cache
def personal_data_export(request: HttpRequest, reference: str) -> HttpResponse:
    """The answer to a completed access request: everything Redress holds about the person, as
    a ZIP, for the browser that proved the complaint's tracking code."""
    complaint = granted(request, reference)
    if complaint is None:
        return not_granted(reference)
    ready = access_answer_ready(complaint)
    if ready is None:
        raise Http404(gettext("There is no answer to download."))
    response = HttpResponse(
        access_answer_deliver(request=ready, actor=WEB), content_type="application/zip"
    )
    stamp = timezone.localtime().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="personal-data-{stamp}.zip"'
    return response


@require_http_methods(["GET", "POST"])
@never_cache
def personal_data_contact(request: HttpRequest) -> HttpResponse:
    """For someone without their tracking code: the email address they complained from, to
    send a one-time code to. The next page reads the same whether or not the address is known."""
    template = "portal/personal_data_contact.html"
    form = ContactCodeForm(request.POST if request.method == "POST" else None)
    if request.method != "POST":
        return page(request, template, {"nav": "track", "form": form})
    if is_limited(request, "contact_code", CODE_RATE):
        context = {
            "nav": "track",
            "form": form,
            "limited": True,
            "retry_minutes": retry_minutes(request, "contact_code"),
        }
        return page(request, template, context, status=429)
    if not form.is_valid():
        return page(request, template, {"nav": "track", "form": form})
    hit(request, "contact_code", CODE_RATE)
    email = form.cleaned_data["email"]
    contact_code_send(email=email, language=get_language() or "vi")
    request.session[CONTACT_KEY] = email
    return redirect("portal:personal_data_contact_code")


@require_http_methods(["GET", "POST"])
@never_cache
def personal_data_contact_code(request: HttpRequest) -> HttpResponse:
    """The one-time code and the request: a right code records the request for the person the
    address belongs to, on all their complaints, and shows its acknowledgement."""
    email = request.session.get(CONTACT_KEY)
    if not email:
        return redirect("portal:personal_data_contact")
    template = "portal/personal_data_contact_code.html"
    form = PersonalDataByContactForm(request.POST if request.method == "POST" else None)
    context = {"nav": "track", "form": form, "email": email, "minutes": code_minutes()}
    if request.method != "POST":
        return page(request, template, context)
    if is_limited(request, "track", TRACK_RATE):
        context.update(limited=True, retry_minutes=retry_minutes(request, "track"))
        return page(request, template, context, status=429)
    if not form.is_valid():
        return page(request, template, context)
    data = form.cleaned_data
    complainant = contact_code_check(email=email, code=data["one_time_code"])
    if complainant is None:
        hit(request, "track", TRACK_RATE)
        form.add_error("one_time_code", gettext("The code is wrong or has expired."))
        return page(request, template, context)
    complaints = list(Complaint.objects.filter(complainant=complainant).order_by("received_at"))
    found = request_receive(
        actor=WEB,
        kind=data["data_request"],
        channel=RequestChannel.PORTAL,
        complaints=complaints,
        note=data.get("data_note") or "",
        verification=Verification.ONE_TIME_CODE,
        language=get_language() or "vi",
    )
    del request.session[CONTACT_KEY]
    request.session[RECEIPT_KEY] = {"pk": found.pk, "complaint": ""}
    return redirect("portal:personal_data_receipt")
