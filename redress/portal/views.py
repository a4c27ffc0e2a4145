"""The public complainant portal. Views are thin: forms check input, services write, and the
complaint is only ever found by reference plus tracking code (``access``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from redress.complaints.models import (
    Channel,
    Complaint,
    Decision,
    Message,
    SatisfactionResponse,
    Status,
)
from redress.complaints.selectors import complaint_find_by_tracking
from redress.complaints.services import (
    complainant_get_or_create,
    complaint_add_message,
    complaint_rate,
    complaint_receive,
    complaint_record_reaction,
    complaint_withdraw,
)
from redress.complaints.transitions import Action, allowed_actions
from redress.core.actors import Actor
from redress.core.errors import ApplicationError, Conflict
from redress.core.forms import form_add_error
from redress.core.selectors import organisation_get
from redress.intake.services import IntakeResult, fingerprint, intake_once
from redress.portal import access, present
from redress.portal.forms import (
    ComplaintForm,
    ReactionForm,
    ReplyForm,
    SurveyForm,
    TrackForm,
    WithdrawForm,
    incoming_files,
)
from redress.portal.ratelimit import hit, is_limited, retry_minutes
from redress.transparency.models import Notice
from redress.transparency.selectors import (
    external_bodies_active,
    notice_current,
    targets_for_groups,
    targets_general,
)
from redress.transparency.services import consent_record

SUBMIT_RATE = "REDRESS_PORTAL_SUBMIT_RATE"
TRACK_RATE = "REDRESS_PORTAL_TRACK_RATE"
RECEIPT_KEY = "portal_receipt"
WEB = Actor.channel("web")


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """Render with what every page shows: the organisation, its contacts and the public text."""
    language = get_language()
    organisation = organisation_get()
    notice = context.pop("notice", None) or notice_current()
    name = organisation.name_en if language == "en" and organisation.name_en else organisation.name
    base = {
        "organisation": organisation,
        "organisation_name": name,
        "time_zone": organisation.time_zone,
        "notice": notice,
        "privacy": notice.text("privacy", language) if notice else "",
        "review": notice.text("review", language) if notice else "",
    }
    return render(request, template, {**base, **context}, status=status)


def _steps(notice: Notice | None, language: str) -> list[dict[str, str]]:
    """The steps of the public page, each with its target time: the time-limit policy's
    when it sets one for the step (the same limit the deadline engine applies), else the
    commitment the organisation wrote."""
    if notice is None:
        return []
    targets = targets_general()
    return [
        {
            "stage": s.stage,
            "title": s.text("title", language),
            "body": s.text("body", language),
            "target": present.target_words(targets[s.stage])
            if s.stage in targets
            else s.text("target", language),
        }
        for s in notice.steps.all()
    ]


def _bodies(language: str) -> list[dict[str, str]]:
    return [
        {
            "name": b.text("name", language),
            "description": b.text("description", language),
            "website": b.website,
            "phone": b.phone,
            "address": b.address,
        }
        for b in external_bodies_active()
    ]


# --------------------------------------------------------------------------------------------
# Home


def home(request: HttpRequest) -> HttpResponse:
    language = get_language()
    notice = notice_current()
    context = {
        "nav": "home",
        "notice": notice,
        "intro": notice.text("intro", language) if notice else "",
        "how": notice.text("how", language) if notice else "",
        "charges": notice.text("charges", language) if notice else "",
        "steps": _steps(notice, language),
        "faster": {g.group: present.target_words(g.decision) for g in targets_for_groups()},
        "bodies": _bodies(language),
    }
    return _page(request, "portal/home.html", context)


# --------------------------------------------------------------------------------------------
# Complaint form and receipt (ISO 10002 7.2, 7.4)


def _receive(form: ComplaintForm, language: str, notice: Notice | None) -> IntakeResult:
    data = form.cleaned_data
    for_other = data["on_behalf"] == "other"

    def receive() -> Any:
        complainant = complainant_get_or_create(
            full_name=data["full_name"],
            email=data["email"],
            phone=data["phone"],
            address=data["address"],
            organisation=data["organisation"],
            preferred_language=data["preferred_language"],
            preferred_channel=data["preferred_channel"],
            vulnerable_group=data["vulnerable_group"],
        )
        received = complaint_receive(
            actor=WEB,
            complainant=complainant,
            channel=Channel.WEB,
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
        )
        if notice is not None:
            consent_record(
                complaint=received.complaint, notice=notice, language=language, channel=Channel.WEB
            )
        return received

    return intake_once(
        scope="portal",
        key=data["form_token"],
        fingerprint=fingerprint(form.fingerprint_payload()),
        receive=receive,
    )


@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    language = get_language()
    notice = notice_current()
    context: dict[str, Any] = {"nav": "complain", "notice": notice}
    status = 200
    if request.method != "POST":
        form = ComplaintForm(language=language)
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
                result = _receive(form, language, notice)
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
    return _page(request, "portal/complaint_form.html", context, status=status)


def _previous_reference(token: str) -> str:
    from redress.intake.models import IntakeKey

    key = IntakeKey.objects.filter(scope="portal", key=token).select_related("complaint").first()
    return key.complaint.reference if key else ""


def _after_receipt(request: HttpRequest, result: IntakeResult) -> HttpResponse:
    reference = result.complaint.reference
    if result.created:
        hit(request, "submit", SUBMIT_RATE)
        assert result.tracking_code is not None
        access.grant(request, reference, result.tracking_code)
        request.session[RECEIPT_KEY] = reference
    # A repeat (double click, reload) lands on the same receipt; the first request has put
    # the code in this browser's session.
    return redirect("portal:receipt")


@never_cache
def complaint_receipt(request: HttpRequest) -> HttpResponse:
    reference = request.session.get(RECEIPT_KEY)
    complaint = access.complaint_for(request, reference) if reference else None
    if complaint is None:
        return redirect("portal:complain")
    language = get_language()
    notice = notice_current()
    steps = _steps(notice, language)
    code = request.session[access.SESSION_KEY][reference]["code"]
    context = {
        "complaint": complaint,
        "code": code,
        "notice": notice,
        "steps": steps,
        "commitments": {s["stage"]: s["target"] for s in steps if s["target"]},
    }
    return _page(request, "portal/complaint_receipt.html", context)


# --------------------------------------------------------------------------------------------
# Tracking (ISO 10002 7.3)


def _track_refused(request: HttpRequest, form: TrackForm, status: int) -> HttpResponse:
    # One message for an unknown reference and for a wrong code: the page reveals nothing.
    form.add_error(
        None,
        _(
            "We could not find a complaint with this reference and tracking code. Check both and try again."
        ),
    )
    return _page(request, "portal/track_form.html", {"nav": "track", "form": form}, status=status)


def _track_limited(request: HttpRequest, form: TrackForm) -> HttpResponse:
    context = {
        "nav": "track",
        "form": form,
        "limited": True,
        "retry_minutes": retry_minutes(request, "track"),
    }
    return _page(request, "portal/track_form.html", context, status=429)


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = TrackForm(initial={"reference": request.GET.get("reference", "")[:32]})
        return _page(request, "portal/track_form.html", {"nav": "track", "form": form})
    form = TrackForm(request.POST)
    if is_limited(request, "track", TRACK_RATE):
        return _track_limited(request, form)
    if not form.is_valid():
        return _page(request, "portal/track_form.html", {"nav": "track", "form": form})
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


def _granted(request: HttpRequest, reference: str) -> Complaint | None:
    return access.complaint_for(request, reference.upper())


def _not_granted(reference: str) -> HttpResponse:
    response = redirect("portal:track")
    response["Location"] += "?reference=" + reference.upper()
    return response


def _render_complaint(
    request: HttpRequest,
    complaint: Complaint,
    *,
    reply_form: ReplyForm | None = None,
    reaction_form: ReactionForm | None = None,
    survey_form: SurveyForm | None = None,
    withdraw_form: WithdrawForm | None = None,
) -> HttpResponse:
    language = get_language()
    notice = notice_current()
    steps = _steps(notice, language)
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
    events = complaint.events.filter(visible_to_complainant=True).order_by("at", "pk")
    rejected = decision is not None and decision.reaction == "rejected"
    context = {
        "nav": "track",
        "notice": notice,
        "complaint": complaint,
        "status_title": title,
        "status_text": text,
        "next": present.next_step(
            complaint, {s["stage"]: s["target"] for s in steps if s["target"]}
        ),
        "timeline": [{"at": e.at, "text": present.event_words(e)} for e in events],
        "conversation": complaint.messages.exclude(direction=Message.Direction.INTERNAL)
        .prefetch_related("attachments")
        .order_by("created_at", "pk"),
        "files": complaint.attachments.filter(message__isnull=True),
        "decision": decision,
        "outcome": present.OUTCOME_WORDS.get(decision.outcome, "") if decision else "",
        "remedies": [
            {
                "label": present.REMEDY_WORDS.get(r.type, r.type),
                "description": r.description,
                "amount": f"{r.amount:,.0f}".replace(",", ".") if r.amount else "",
                "currency": r.currency,
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
        if complaint.status == Status.CLOSED and not rated
        else None,
        "rated": rated,
        "reply_form": (reply_form or ReplyForm()) if complaint.status != Status.CLOSED else None,
        "withdraw_form": (withdraw_form or WithdrawForm())
        if Action.WITHDRAW in allowed_actions(complaint.status)
        else None,
        "show_external": rejected
        or complaint.status in (Status.UNDER_REVIEW, Status.REFERRED_EXTERNAL, Status.NOT_ACCEPTED),
        "bodies": _bodies(language),
        "form_errors": any(
            f is not None and f.errors
            for f in (reply_form, reaction_form, survey_form, withdraw_form)
        ),
    }
    return _page(request, "portal/complaint_track.html", context)


@never_cache
def complaint_page(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _granted(request, reference)
    if complaint is None:
        return _not_granted(reference)
    return _render_complaint(request, complaint)


# --------------------------------------------------------------------------------------------
# What the complainant can do on their complaint (ISO 10002 7.3, 7.9, 8.3)


@require_POST
@never_cache
def complaint_reply(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _granted(request, reference)
    if complaint is None:
        return _not_granted(reference)
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
    return _render_complaint(request, complaint, reply_form=form)


@require_POST
@never_cache
def complaint_withdrawal(request: HttpRequest, reference: str) -> HttpResponse:
    """The complainant withdraws the complaint (ISO 10002: they may at any stage)."""
    complaint = _granted(request, reference)
    if complaint is None:
        return _not_granted(reference)
    form = WithdrawForm(request.POST)
    return _complainant_step(
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


@never_cache
def complaint_file(request: HttpRequest, reference: str, pk: str) -> HttpResponse:
    """A file the complainant sent or was sent (never one of the staff's internal notes)."""
    complaint = _granted(request, reference)
    if complaint is None:
        return _not_granted(reference)
    found = (
        complaint.attachments.filter(pk=int(pk))
        .exclude(message__direction=Message.Direction.INTERNAL)
        .first()
    )
    if found is None:
        raise Http404(pk)
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.original_name)


@require_POST
@never_cache
def complaint_answer(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _granted(request, reference)
    if complaint is None:
        return _not_granted(reference)

    def done(data: dict[str, Any]) -> tuple[int, str]:
        if data["reaction"] == "accepted":
            return messages.SUCCESS, _(
                "Thank you. You accepted our decision; we will now do what we promised."
            )
        return messages.INFO, _(
            "Thank you. A more senior person will review your complaint. You can also go to the bodies listed below."
        )

    return _complainant_step(
        request,
        complaint,
        ReactionForm(request.POST),
        "reaction_form",
        lambda data: complaint_record_reaction(
            complaint=complaint, actor=WEB, reaction=data["reaction"], note=data["note"]
        ),
        done=done,
        # Already answered (another tab, a double click): show where things stand.
        already=_("We already have your answer to this decision."),
    )


@require_POST
@never_cache
def complaint_survey(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _granted(request, reference)
    if complaint is None:
        return _not_granted(reference)
    return _complainant_step(
        request,
        complaint,
        SurveyForm(request.POST),
        "survey_form",
        lambda data: complaint_rate(complaint=complaint, actor=WEB, **data),
        done=lambda _data: (messages.SUCCESS, _("Thank you for your opinion.")),
        already=_("We already have your opinion on this complaint. Thank you."),
    )


def _complainant_step(
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
    return _render_complaint(request, complaint, **{form_name: form})


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
