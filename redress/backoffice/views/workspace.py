"""The complaint workspace: the complaint, its complainant (masked without need-to-know), the
deadlines, the whole timeline, and the actions this person may take now, each a short form."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_htmx.http import reswap, retarget

from redress.analytics.satisfaction import answer_get
from redress.backoffice import actions as registry
from redress.backoffice.forms.privacy import ConsentRecordForm, ConsentWithdrawForm
from redress.backoffice.views import triage
from redress.backoffice.views.common import HtmxHttpRequest, page, staff_view
from redress.complaints.attachments import download_name
from redress.complaints.links import complaint_links
from redress.complaints.masking import (
    PERSONAL_FILE_REFUSED,
    PersonalDataScope,
    complainant_view,
    holds_personal_data,
)
from redress.complaints.models import Attachment, Complaint, Message
from redress.complaints.queues import DUE_SOON
from redress.complaints.selectors import (
    complaint_get_for_user,
    complaint_roles,
    complaints_visible_to,
)
from redress.complaints.transitions import ACTION_ROLES, Action
from redress.core.errors import ApplicationError, NotFound
from redress.core.forms import form_add_error
from redress.core.models import OrgUnit, User
from redress.core.roles import Role
from redress.improvement.selectors import complaint_improvement, may
from redress.improvement.transitions import Permission
from redress.intake.mail_originals import complaint_original_get, complaint_originals
from redress.notifications.services import base_context, template_render
from redress.privacy.access_log import personal_data_accessed
from redress.privacy.models import PersonalDataAccess
from redress.privacy.roles import Permission as PrivacyPermission
from redress.privacy.roles import may as may_privacy
from redress.sla.models import StageClock
from redress.sla.rules import (
    RECEIPT_STAGES,
    VN_NEGOTIATION_WORKING_DAYS,
    Stage,
    Target,
    TimeUnit,
)
from redress.sla.selectors import clocks_of
from redress.transparency.selectors import consents_of_complainant

# The actions the "Possible duplicates" panel offers on each link.
_LINK_ACTIONS = {Action.LINK, Action.DISMISS_DUPLICATE, Action.MERGE}

# Events whose content is shown by the message or note they created.
_MESSAGE_ACTIONS = {Action.ADD_NOTE, Action.ADD_MESSAGE}


@dataclass(frozen=True)
class Entry:
    at: dt.datetime
    kind: str  # event, note, inbound, outbound, file
    item: Any


@dataclass(frozen=True)
class Deadline:
    label: Any
    due_at: dt.datetime | None
    done_at: dt.datetime | None
    state: str  # done, late, overdue, due_soon, on_track, none
    target: str = ""  # "3 working days", as the policy (or the law) sets it
    statutory: bool = False  # the legal limit decides this deadline
    policy: str = ""


def _get(request: HttpRequest, reference: str) -> Complaint:
    try:
        return complaint_get_for_user(request.user, reference)  # type: ignore[arg-type]
    except NotFound:
        raise Http404(reference) from None


def _deadlines(complaint: Complaint, now: dt.datetime) -> list[Deadline]:
    rows = [
        (_("Acknowledge"), complaint.acknowledge_due_at, complaint.acknowledged_at),
        (_("Assess"), complaint.assess_due_at, complaint.assessed_at),
        (
            _("Decide and tell the complainant"),
            complaint.decision_due_at,
            complaint.decision_communicated_at,
        ),
        (_("Close"), complaint.close_due_at, complaint.closed_at),
    ]
    # The latest round of each stage's clock: its target, and whether the law set the date.
    clocks = {clock.stage: clock for clock in clocks_of(complaint)}
    stages: list[str] = list(RECEIPT_STAGES)
    review = clocks.get(Stage.REVIEW)
    if review is not None:
        # The latest internal review: its deadline while it runs, and when it was decided.
        decided = review.outcome in (StageClock.Outcome.MET, StageClock.Outcome.BREACHED)
        stopped = review.outcome == StageClock.Outcome.CANCELLED
        rows.append(
            (
                _("Decide the internal review and tell the complainant"),
                None if stopped else review.due_at,
                review.completed_at if decided else None,
            )
        )
        stages.append(Stage.REVIEW)
    language = translation.get_language() or "vi"
    result = []
    for stage, (label, due, done) in zip(stages, rows, strict=True):
        clock = clocks.get(stage)
        if done is not None:
            state = "late" if due is not None and done > due else "done"
        elif due is None:
            state = "none"
        elif due < now:
            state = "overdue"
        elif due < now + DUE_SOON:
            state = "due_soon"
        else:
            state = "on_track"
        target = ""
        if clock is not None and clock.target_amount:
            target = str(Target(clock.target_amount, clock.target_unit))
        if clock is not None and clock.statutory:
            target = str(Target(VN_NEGOTIATION_WORKING_DAYS, TimeUnit.WORKING_DAYS))
        result.append(
            Deadline(
                label=label,
                due_at=due,
                done_at=done,
                state=state,
                target=target,
                statutory=bool(clock and clock.statutory),
                policy=clock.policy.display_name(language) if clock and clock.policy else "",
            )
        )
    return result


def _timeline(complaint: Complaint) -> list[Entry]:
    """Events, messages, notes and files, oldest first (four queries)."""
    entries: list[Entry] = []
    for event in complaint.events.select_related("actor_user"):
        if (
            event.action in _MESSAGE_ACTIONS
            and isinstance(event.data, dict)
            and event.data.get("message")
        ):
            continue
        entries.append(Entry(event.at, "event", event))
    kinds: dict[str, str] = {
        Message.Direction.INTERNAL: "note",
        Message.Direction.INBOUND: "inbound",
    }
    for message in complaint.messages.select_related("author").prefetch_related("attachments"):
        entries.append(Entry(message.created_at, kinds.get(message.direction, "outbound"), message))
    for attachment in complaint.attachments.filter(message__isnull=True):
        entries.append(Entry(attachment.uploaded_at, "file", attachment))
    entries.sort(key=lambda e: (e.at, 0 if e.kind == "event" else 1))
    return entries


def workspace_context(
    request: HttpRequest,
    complaint: Complaint,
    *,
    open_action: str = "",
    form: Any = None,
    remedies: Any = None,
    error: str = "",
) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    roles = complaint_roles(user, complaint)
    scope = PersonalDataScope.for_user(user)
    if scope.allows(complaint):  # the page shows the complainant unmasked
        personal_data_accessed(user=user, via=PersonalDataAccess.Via.PAGE, complaint=complaint)
    answer = answer_get(complaint, scope=scope)
    ctx = registry.Context(user=user, complaint=complaint, roles=roles)
    ctx.cache["satisfaction"] = answer.response if answer else None
    offered, not_yours = registry.offers(ctx)
    now = timezone.now()
    link_actions = {
        o.spec.action for o in offered if o.spec.action in _LINK_ACTIONS and not o.blocked
    }
    open_spec = registry.BY_ACTION.get(open_action)
    if (
        open_spec is not None
        and form is None
        and any(o.spec is open_spec and not o.blocked for o in offered)
    ):
        kwargs = open_spec.form_kwargs(ctx)
        # From the similar complaints: link or merge, the other complaint already named.
        other = request.GET.get("other", "").strip().upper()[:32]
        if open_spec.action in _LINK_ACTIONS and other:
            kwargs = {**kwargs, "initial": {"other": other}}
        form = open_spec.form(complaint=complaint, user=user, **kwargs)
        if open_spec.action == Action.PROPOSE_DECISION:
            remedies = registry.remedy_formset(ctx)
    return {
        "complaint": complaint,
        "person": complainant_view(complaint, scope),
        "answer": answer,
        "roles_here": sorted(str(r.label) for r in roles),
        "offers": offered,
        "not_yours": not_yours,
        "decisions": ctx.decisions,
        # Objectivity: the standing declarations for everyone who sees the complaint; complaints
        # managers also see the withdrawn ones, with who withdrew them and why.
        "declarations": ctx.declarations
        if Role.COMPLAINTS_MANAGER in roles
        else ctx.standing_declarations(),
        "deadlines": _deadlines(complaint, now),
        "timeline": _timeline(complaint),
        # One query: the links whose other complaint this person may see, masked as they must.
        "links": [
            {"link": view, "person": complainant_view(view.other, scope)}
            for view in complaint_links(user, complaint)
        ],
        "link_actions": link_actions,
        "now": now,
        "open_spec": open_spec if form is not None else None,
        "form": form,
        "remedies": remedies,
        "error": error,
        "improvement": complaint_improvement(user, complaint),
        "may_open_capa": may(user, Permission.CAPA_OPEN, unit_id=complaint.unit_id),
        # Kept original emails (and the files not taken, inside them): not for masked roles.
        "originals": {} if not scope.allows(complaint) else complaint_originals(complaint),
        "complainant_email": complaint.complainant.email.lower(),
        **_consent_panel(user, complaint, unmasked=scope.allows(complaint)),
    }


def _consent_panel(user: User, complaint: Complaint, *, unmasked: bool) -> dict[str, Any]:
    """The complainant's consents on all their complaints this person may see (one query), the
    evidence only for those who may see personal data, and the forms for those who may record."""
    may_record = may_privacy(user, PrivacyPermission.CONSENT_RECORD)
    return {
        "consents": list(
            consents_of_complainant(
                complaint.complainant_id, complaints=complaints_visible_to(user)
            )
        ),
        "consent_evidence_shown": unmasked,
        "may_record_consent": may_record,
        "consent_record_form": ConsentRecordForm(prefix="consent") if may_record else None,
        "consent_withdraw_form": ConsentWithdrawForm(prefix="withdraw") if may_record else None,
    }


@staff_view
def complaint(request: HttpRequest, reference: str) -> HttpResponse:
    found = _get(request, reference)
    context = workspace_context(request, found, open_action=request.GET.get("action", ""))
    return page(request, "backoffice/complaint.html", context)


@staff_view
def act(request: HtmxHttpRequest, reference: str, action: str) -> HttpResponse:
    """GET: the action's form (an HTMX partial, or the page with the form open).
    POST: perform it through its service; refusals answer 403/409/422 and change nothing."""
    found = _get(request, reference)
    spec = registry.BY_ACTION.get(action)
    if spec is None:
        raise Http404(action)
    user: User = request.user  # type: ignore[assignment]
    ctx = registry.Context(user=user, complaint=found, roles=complaint_roles(user, found))
    status, reason = registry.refusal(ctx, spec)
    if not status:
        blocked = spec.blocked(ctx)
        status, reason = (409, blocked) if blocked else (0, "")
    if status:
        return _refused(request, found, spec, reason, status)
    if spec.action == Action.ASSIGN:
        _assign_unit(request, ctx)
    kwargs = spec.form_kwargs(ctx)
    if request.method != "POST" or "refresh_owners" in request.POST:
        form = spec.form(complaint=found, user=user, **kwargs)
        if request.method == "POST" and not request.htmx:  # the owners of another unit, no JS
            context = workspace_context(request, found, open_action=spec.action, form=form)
            return page(request, "backoffice/complaint.html", context)
        remedies = registry.remedy_formset(ctx) if spec.action == Action.PROPOSE_DECISION else None
        if request.htmx:
            return render(
                request,
                "backoffice/partials/action_form.html",
                {"complaint": found, "open_spec": spec, "form": form, "remedies": remedies},
            )
        return HttpResponseRedirect(
            reverse("backoffice:complaint", args=[found.reference])
            + f"?action={spec.action}#action-panel"
        )
    form = spec.form(request.POST, request.FILES, complaint=found, user=user, **kwargs)
    remedies = (
        registry.remedy_formset(ctx, request.POST)
        if spec.action == Action.PROPOSE_DECISION
        else None
    )
    if not form.is_valid() or (remedies is not None and not remedies.is_valid()):
        return _form_error(
            request,
            found,
            spec,
            form,
            remedies,
            gettext("Please correct the fields marked below."),
            422,
        )
    try:
        spec.perform(ctx, form, remedies)
    except ApplicationError as error:
        form_add_error(form, error)
        return _form_error(request, found, spec, form, remedies, error.message, error.http_status)
    if spec.action == Action.ASSESS:
        triage.assessment_recorded(request, found)
    messages.success(request, spec.done)
    target = reverse("backoffice:complaint", args=[found.reference])
    if not complaints_visible_to(user).filter(pk=found.pk).exists():
        # They named themselves as the person complained about: the complaint is gone from
        # their sight, so they go back to their home page rather than to a 404.
        home = reverse("backoffice:home")
        if request.htmx:
            gone = HttpResponse(status=204)
            gone["HX-Redirect"] = home
            return gone
        return HttpResponseRedirect(home)
    if request.htmx:
        refreshed = _get(request, reference)
        return page(
            request, "backoffice/partials/workspace.html", workspace_context(request, refreshed)
        )
    return HttpResponseRedirect(target)


def _assign_unit(request: HttpRequest, ctx: registry.Context) -> None:
    """Assign and move in one step: the unit chosen (a refresh of the form, or its sending)
    decides whose names the owner list offers."""
    value = request.POST.get("unit") or request.GET.get("unit") or ""
    if (
        Role.COMPLAINTS_MANAGER in ctx.roles
        and value.isdigit()
        and OrgUnit.objects.filter(pk=int(value), is_active=True).exists()
    ):
        ctx.cache["assign_unit"] = int(value)


def _form_error(
    request: HtmxHttpRequest,
    complaint: Complaint,
    spec: registry.Spec,
    form: Any,
    remedies: Any,
    error: str,
    status: int,
) -> HttpResponse:
    if request.htmx:
        response = render(
            request,
            "backoffice/partials/action_form.html",
            {
                "complaint": complaint,
                "open_spec": spec,
                "form": form,
                "remedies": remedies,
                "error": error,
            },
            status=status,
        )
        return reswap(retarget(response, "#action-panel"), "innerHTML")
    context = workspace_context(
        request, complaint, open_action=spec.action, form=form, remedies=remedies, error=error
    )
    return page(request, "backoffice/complaint.html", context, status=status)


def _refused(
    request: HtmxHttpRequest, complaint: Complaint, spec: registry.Spec, reason: str, status: int
) -> HttpResponse:
    if request.htmx:
        response = render(
            request,
            "backoffice/partials/refused.html",
            {"reason": reason, "spec": spec},
            status=status,
        )
        return reswap(retarget(response, "#action-panel"), "innerHTML")
    context = workspace_context(request, complaint, error=reason)
    return page(request, "backoffice/complaint.html", context, status=status)


@staff_view
def reply_template(request: HttpRequest, reference: str) -> HttpResponse:
    """The chosen reply template filled in for this complaint, in the complainant's language.
    It holds the complainant's name, so only someone who may write to them may have it (not a
    role that sees the complainant masked)."""
    found = _get(request, reference)
    if not complaint_roles(request.user, found) & ACTION_ROLES[Action.ADD_MESSAGE]:  # type: ignore[arg-type]
        raise PermissionDenied(gettext("Your role does not allow replying to the complainant."))
    code = request.GET.get("template", "")
    language = found.complainant.preferred_language
    try:
        subject, body = template_render(code, language, base_context(found))
    except LookupError:
        raise Http404(code) from None
    return JsonResponse({"subject": subject, "body": body})


@staff_view
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """A file of a complaint the person can see (through the gate; unknown and hidden look alike)."""
    found = (
        Attachment.objects.filter(pk=pk, complaint__in=complaints_visible_to(request.user))  # type: ignore[arg-type]
        .select_related("complaint", "message")
        .first()
    )
    if found is None:
        raise Http404(pk)
    scope = PersonalDataScope.for_user(request.user)  # type: ignore[arg-type]
    unmasked = scope.allows(found.complaint)
    if not unmasked and holds_personal_data(found.message):
        raise PermissionDenied(PERSONAL_FILE_REFUSED)
    if unmasked:
        personal_data_accessed(
            user=request.user,  # type: ignore[arg-type]
            via=PersonalDataAccess.Via.FILE,
            complaint=found.complaint,
            detail=f"attachment {found.pk}",
        )
    return FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=download_name(found.original_name, found.content_type),
        content_type=found.content_type,
    )


@staff_view
def original_email(request: HttpRequest, reference: str, email_id: int) -> FileResponse:
    """The original email of a complaint or of a message on it (.eml, with the attachments
    Redress did not take), for those who may see the complaint's personal data."""
    found = _get(request, reference)
    if not PersonalDataScope.for_user(request.user).allows(found):  # type: ignore[arg-type]
        raise PermissionDenied(PERSONAL_FILE_REFUSED)
    inbound = complaint_original_get(found, email_id)
    if inbound is None:
        raise Http404(email_id)
    personal_data_accessed(
        user=request.user,  # type: ignore[arg-type]
        via=PersonalDataAccess.Via.ORIGINAL_EMAIL,
        complaint=found,
        detail=f"email {inbound.pk}",
    )
    response = FileResponse(
        inbound.raw.open("rb"),
        as_attachment=True,
        filename=f"{found.reference}-{inbound.pk}.eml",
        content_type="message/rfc822",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
