"""Following a complaint (ISO 10002 7.3): finding it by reference and tracking code, its page,
and what the complainant does there besides answering the decision (reply, withdraw, leave)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from redress.complaints.links import merged_into
from redress.complaints.models import (
    Complaint,
    Decision,
    Message,
    SatisfactionResponse,
    Status,
)
from redress.complaints.selectors import (
    complaint_find_by_tracking,
    information_request,
    public_messages,
    public_timeline,
)
from redress.complaints.transitions import Action, allowed_actions
from redress.core.errors import ApplicationError, Conflict
from redress.core.formats import money_format
from redress.core.forms import form_add_error
from redress.core.ratelimit import hit, is_limited, retry_minutes
from redress.core.selectors import organisation_get
from redress.handling.services import complaint_add_message, complaint_withdraw
from redress.portal import access, present
from redress.portal.forms import (
    ReactionForm,
    ReplyForm,
    SurveyForm,
    TrackForm,
    WithdrawForm,
    incoming_files,
)
from redress.portal.forms_privacy import PersonalDataForm
from redress.portal.views.common import (
    RECEIPT_KEY,
    TRACK_RATE,
    WEB,
    external_bodies,
    fee_words,
    granted,
    not_granted,
    page,
    public_steps,
)
from redress.privacy.delivery import access_answer_ready, access_answer_until
from redress.transparency.selectors import notice_current


def _track_refused(request: HttpRequest, form: TrackForm, status: int) -> HttpResponse:
    # One message for an unknown reference and for a wrong code: the page reveals nothing.
    form.add_error(
        None,
        _(
            "We could not find a complaint with this reference and tracking code. Check both and try again."
        ),
    )
    return page(request, "portal/track_form.html", {"nav": "track", "form": form}, status=status)


def _track_limited(request: HttpRequest, form: TrackForm) -> HttpResponse:
    context = {
        "nav": "track",
        "form": form,
        "limited": True,
        "retry_minutes": retry_minutes(request, "track"),
    }
    return page(request, "portal/track_form.html", context, status=429)


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = TrackForm(initial={"reference": request.GET.get("reference", "")[:32]})
        return page(request, "portal/track_form.html", {"nav": "track", "form": form})
    form = TrackForm(request.POST)
    if is_limited(request, "track", TRACK_RATE):
        return _track_limited(request, form)
    if not form.is_valid():
        return page(request, "portal/track_form.html", {"nav": "track", "form": form})
    reference, code = form.cleaned_data["reference"], form.cleaned_data["code"]
    complaint = complaint_find_by_tracking(reference, code)
    if complaint is None:
        hit(request, "track", TRACK_RATE)
        return _track_refused(request, form, 200)
    access.grant(request, complaint.reference, code)
    return redirect("portal:complaint", reference=complaint.reference)


def track_link(request: HttpRequest, reference: str, code: str) -> HttpResponse:
    """The secret link of the receipt email. It lets this browser in, then moves to the
    complaint's page so that the code does not stay in the address bar or in history."""
    form = TrackForm(initial={"reference": reference.upper()})
    if is_limited(request, "track", TRACK_RATE):
        return _track_limited(request, form)
    complaint = complaint_find_by_tracking(reference, code)
    if complaint is None:
        hit(request, "track", TRACK_RATE)
        return _track_refused(request, TrackForm(data={"reference": reference, "code": ""}), 404)
    access.grant(request, complaint.reference, code)
    return redirect("portal:complaint", reference=complaint.reference)


def render_complaint(
    request: HttpRequest,
    complaint: Complaint,
    *,
    reply_form: ReplyForm | None = None,
    reaction_form: ReactionForm | None = None,
    survey_form: SurveyForm | None = None,
    withdraw_form: WithdrawForm | None = None,
    privacy_form: PersonalDataForm | None = None,
) -> HttpResponse:
    language = get_language()
    notice = notice_current()
    steps = public_steps(notice, language)
    decision = (
        complaint.decisions.filter(state=Decision.State.COMMUNICATED)
        .prefetch_related("remedies")
        .order_by("-communicated_at", "-pk")
        .first()
    )
    awaiting_answer = (
        complaint.status == Status.DECISION_COMMUNICATED
        and decision is not None
        and not decision.reaction
    )
    rated = SatisfactionResponse.objects.filter(complaint=complaint).exists()
    title, text = present.status_words(complaint)
    events = public_timeline().filter(complaint=complaint)
    rejected = decision is not None and decision.reaction == "rejected"
    # A complaint closed as a duplicate points to the one that goes on (its survey is there).
    survivor = merged_into(complaint) if complaint.status == Status.CLOSED else None
    context = {
        "merged_into": survivor,
        "nav": "track",
        "notice": notice,
        "complaint": complaint,
        "status_title": title,
        "status_text": text,
        "next": present.next_step(
            complaint, {s["stage"]: s["target"] for s in steps if s["target"]}
        ),
        "timeline": [{"at": e.at, "text": present.event_words(e)} for e in events],
        "conversation": public_messages()
        .filter(complaint=complaint)
        .prefetch_related("attachments"),
        "files": complaint.attachments.filter(message__isnull=True),
        "decision": decision,
        "outcome": present.OUTCOME_WORDS.get(decision.outcome, "") if decision else "",
        "remedies": [
            {
                "label": present.REMEDY_WORDS.get(r.type, r.type),
                "description": r.description,
                "amount": money_format(r.amount, currency=r.currency) if r.amount else "",
                "due_at": r.due_at,
                "done": r.is_settled,
            }
            for r in (decision.remedies.all() if decision else [])
        ],
        "reaction_form": (reaction_form or ReactionForm()) if awaiting_answer else None,
        # After this many days "no reply" may be recorded (complaint_record_reaction).
        "answer_by": decision.communicated_at + dt.timedelta(days=organisation_get().no_reply_days)
        if awaiting_answer and decision is not None and decision.communicated_at
        else None,
        "survey_form": (survey_form or SurveyForm())
        if complaint.status == Status.CLOSED and not rated and survivor is None
        else None,
        "rated": rated,
        "reply_form": (reply_form or ReplyForm()) if complaint.status != Status.CLOSED else None,
        # Staff asked the complainant for information: the question, and the reply form with it.
        "information_request": information_request(complaint),
        "withdraw_form": (withdraw_form or WithdrawForm())
        if Action.WITHDRAW in allowed_actions(complaint.status)
        else None,
        "show_external": rejected
        or complaint.status in (Status.UNDER_REVIEW, Status.REFERRED_EXTERNAL, Status.NOT_ACCEPTED),
        "bodies": external_bodies(language, public_interest=complaint.public_interest),
        "fee": fee_words(complaint.fee_amount) if complaint.fee_amount is not None else "",
        # The person's rights over their personal data (docs/privacy.md).
        "privacy_form": privacy_form or PersonalDataForm(),
        "data_answer": (answer := access_answer_ready(complaint)),
        "data_answer_until": access_answer_until(answer) if answer else None,
        "form_errors": any(
            f is not None and f.errors
            for f in (reply_form, reaction_form, survey_form, withdraw_form, privacy_form)
        ),
    }
    return page(request, "portal/complaint_track.html", context)


@never_cache
def complaint_page(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = granted(request, reference)
    if complaint is None:
        return not_granted(reference)
    return render_complaint(request, complaint)


@require_POST
@never_cache
def complaint_reply(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = granted(request, reference)
    if complaint is None:
        return not_granted(reference)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        # cache.add is atomic: of two sends of one form (double tap), only the first passes.
        once = f"portal:reply:{complaint.reference}:{form.cleaned_data['form_token']}"
        if not cache.add(once, True, timeout=24 * 3600):
            return redirect("portal:complaint", reference=complaint.reference)
        try:
            complaint_add_message(
                complaint=complaint,
                actor=WEB,
                direction=Message.Direction.INBOUND,
                body=form.cleaned_data["body"],
                attachments=incoming_files(form.cleaned_data["attachments"]),
            )
        except ApplicationError as error:
            cache.delete(once)  # nothing was sent: the corrected form may use the token
            form_add_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "Thank you. We have your message and the person handling your complaint can see it now."
                ),
            )
            return redirect("portal:complaint", reference=complaint.reference)
    return render_complaint(request, complaint, reply_form=form)


@require_POST
@never_cache
def complaint_withdrawal(request: HttpRequest, reference: str) -> HttpResponse:
    """The complainant withdraws the complaint (ISO 10002: they may at any stage)."""
    complaint = granted(request, reference)
    if complaint is None:
        return not_granted(reference)
    form = WithdrawForm(request.POST)
    return complainant_step(
        request,
        complaint,
        form,
        "withdraw_form",
        lambda data: complaint_withdraw(complaint=complaint, actor=WEB, reason=data["reason"]),
        done=lambda _data: (
            messages.SUCCESS,
            _(
                "Your complaint is withdrawn. If you change your mind, you can make a new complaint at any time."
            ),
        ),
        already=_("This complaint can no longer be withdrawn."),
    )


def complainant_step(
    request: HttpRequest,
    complaint: Complaint,
    form: Any,
    form_name: str,
    step: Callable[[dict[str, Any]], object],
    *,
    done: Callable[[dict[str, Any]], tuple[int, str]],
    already: str,
) -> HttpResponse:
    """Take a step the complainant asked for on their complaint, then show the complaint with
    what ``done`` says. A step no longer possible (another tab, a double tap) says ``already``;
    any other refusal comes back next to the form's fields."""
    if form.is_valid():
        try:
            step(form.cleaned_data)
        except Conflict:
            messages.info(request, already)
            return redirect("portal:complaint", reference=complaint.reference)
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            level, text = done(form.cleaned_data)
            messages.add_message(request, level, text)
            return redirect("portal:complaint", reference=complaint.reference)
    return render_complaint(request, complaint, **{form_name: form})


@require_POST
def complaint_leave(request: HttpRequest, reference: str) -> HttpResponse:
    access.forget(request, reference.upper())
    if request.session.get(RECEIPT_KEY) == reference.upper():
        del request.session[RECEIPT_KEY]
    messages.info(
        request,
        _(
            "The complaint is hidden on this device. Open it again with your reference and tracking code."
        ),
    )
    return redirect("portal:track")
