"""The complaint form and its receipt (ISO 10002 7.2, 7.4)."""

from __future__ import annotations

import time
from importlib import import_module
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from redress.complaints.models import Channel
from redress.core.clientip import client_address
from redress.core.errors import ApplicationError, Conflict
from redress.core.forms import form_add_error
from redress.core.ratelimit import hit, is_limited, retry_minutes
from redress.intake.consent import web_consent
from redress.intake.models import IntakeKey
from redress.intake.receive import IntakeResult, Once, Person, Submission, intake_receive
from redress.portal import access
from redress.portal.forms import ComplaintForm, incoming_files
from redress.portal.views.common import RECEIPT_KEY, SUBMIT_RATE, WEB, page, public_steps
from redress.transparency.selectors import notice_current

# The session remembers that the form was shown (so that a browser has one from the start).
FORM_SEEN_KEY = "portal_complaint_form"
# How long a repeated send waits for the first one's receipt.
FIRST_RECEIPT_WAIT_SECONDS = 3


def _receive(form: ComplaintForm, language: str, request: HttpRequest) -> IntakeResult:
    data = form.cleaned_data
    for_other = data["on_behalf"] == "other"
    submission = Submission(
        person=Person(
            full_name=data["full_name"],
            email=data["email"],
            phone=data["phone"],
            address=data["address"],
            organisation=data["organisation"],
            preferred_language=data["preferred_language"],
            preferred_channel=data["preferred_channel"],
            vulnerable_group=data["vulnerable_group"],
        ),
        subject=data["subject"],
        description=data["description"],
        occurred_on=data["occurred_on"],
        product=data.get("product"),
        category=data.get("category"),
        order_ref=data["order_ref"],
        remedy_requested=data["remedy_requested"],
        amount_claimed=data["amount_claimed"],
        is_negotiation_request=data["is_negotiation_request"],
        language=language,
        representative_name=data["representative_name"] if for_other else "",
        representative_relation=data["representative_relation"] if for_other else "",
        representative_contact=data["representative_contact"] if for_other else "",
        attachments=incoming_files(data["attachments"]),
        consent=web_consent(
            address=client_address(request), user_agent=request.headers.get("User-Agent", "")
        )
        if data.get("consent")
        else None,
    )
    return intake_receive(
        submission,
        channel=Channel.WEB,
        actor=WEB,
        # A repeat of the form gets its receipt back, as a retry after the database restarted
        # between the complaint's commit and the session's save would otherwise lose it.
        once=Once(scope="portal", key=data["form_token"], keep_receipt=True),
    )


@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    language = get_language()
    notice = notice_current()
    context: dict[str, Any] = {"nav": "complain", "notice": notice}
    status = 200
    if request.method != "POST":
        form = ComplaintForm(language=language)
        # The browser holds a session from the form on: a send repeated while the first is
        # still being answered (a double click) shares it, and waits there for the receipt.
        request.session[FORM_SEEN_KEY] = True
    else:
        form = ComplaintForm(request.POST, request.FILES, language=language)
        if is_limited(request, "submit", SUBMIT_RATE):
            form.is_valid()  # show the answers as typed, with their own errors if any
            context.update(limited=True, retry_minutes=retry_minutes(request, "submit"))
            status = 429
        elif request.POST.get("hp_contact"):
            # A person never sees this field. Tell the truth (nothing was received) but no more.
            hit(request, "submit", SUBMIT_RATE)
            form.is_valid()
            context["rejected"] = True
            status = 400
        elif form.is_valid():
            try:
                result = _receive(form, language, request)
            except Conflict as error:
                if error.code != "idempotency_conflict":
                    raise
                # The same form page was sent again with other answers (back button, edit):
                # let the person decide, with a fresh token so a new send is a new complaint.
                previous = _previous_reference(form.cleaned_data["form_token"])
                form = ComplaintForm(request.POST, request.FILES, language=language, new_token=True)
                form.is_valid()
                context["previous"] = previous
            except ApplicationError as error:
                form_add_error(form, error)
            else:
                return _after_receipt(request, result)
    context["form"] = form
    return page(request, "portal/complaint_form.html", context, status=status)


def _previous_reference(token: str) -> str:
    key = IntakeKey.objects.filter(scope="portal", key=token).select_related("complaint").first()
    return key.complaint.reference if key else ""


def _after_receipt(request: HttpRequest, result: IntakeResult) -> HttpResponse:
    reference = result.complaint.reference
    if result.created:
        hit(request, "submit", SUBMIT_RATE)
    if result.tracking_code is not None:
        access.grant(request, reference, result.tracking_code)
        request.session[RECEIPT_KEY] = reference
    else:
        # A repeat (double click, reload) lands on the same receipt, once the first request
        # has put the code in this browser's session.
        _first_receipt_wait(request, reference)
    return redirect("portal:receipt")


def _first_receipt_wait(request: HttpRequest, reference: str) -> None:
    """Wait (a few seconds at most) for the first of two sends of one form to put its receipt
    in the session they share: with a double click the second send is answered as soon as the
    first one's complaint is committed, which can be before the first saves the session."""
    key = request.session.session_key
    if key is None or request.session.get(RECEIPT_KEY) == reference:
        return
    store = import_module(settings.SESSION_ENGINE).SessionStore
    deadline = time.monotonic() + FIRST_RECEIPT_WAIT_SECONDS
    while time.monotonic() < deadline:
        if store(session_key=key).get(RECEIPT_KEY) == reference:
            return
        time.sleep(0.05)


@never_cache
def complaint_receipt(request: HttpRequest) -> HttpResponse:
    reference = request.session.get(RECEIPT_KEY)
    complaint = access.complaint_for(request, reference) if reference else None
    if complaint is None:
        return redirect("portal:complain")
    language = get_language()
    notice = notice_current()
    steps = public_steps(notice, language)
    code = request.session[access.SESSION_KEY][reference]["code"]
    context = {
        "complaint": complaint,
        "code": code,
        "notice": notice,
        "steps": steps,
        "commitments": {s["stage"]: s["target"] for s in steps if s["target"]},
    }
    return page(request, "portal/complaint_receipt.html", context)
