"""Writes of data-subject requests (REQ-PD-2; docs/privacy.md): receive one (from the portal,
from staff on the person's behalf, from the API), verify who asks, give the first response,
extend once, complete with the outcome, or refuse with the reason. Each write is audited
(``privacy.request_*``) without the notes, which may hold personal data; a refusal names the
field and changes nothing.

The status follows from what is recorded (``_status``): received → verified → in progress (the
first response given) → extended → done or refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from redress.audit.services import audit_record, jsonable
from redress.complaints.models import Complaint
from redress.core.actors import Actor
from redress.core.errors import Conflict, NotPermitted, ValidationFailed
from redress.core.selectors import organisation_get
from redress.notifications.services import format_local
from redress.privacy import clocks
from redress.privacy.erasure import person_erase
from redress.privacy.mail import outbox_email
from redress.privacy.models import (
    OPEN_STATUSES,
    DataSubjectRequest,
    RequestChannel,
    RequestEvent,
    RequestKind,
    RequestStatus,
    Verification,
)
from redress.privacy.restriction import complaints_restrict
from redress.privacy.roles import Permission, permission_check
from redress.transparency.models import NoticeConsent, WithdrawalMethod
from redress.transparency.services import consent_withdraw

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def request_record(
    *,
    actor: Actor,
    action: str,
    target: DataSubjectRequest,
    after: Mapping[str, Any] | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> None:
    """The request's history line and its audit entry (``privacy.request_<action>``), in the
    caller's transaction. The note goes to the history only: the audit chain must survive the
    erasure of the person's data, so it holds no free text."""
    at = at or timezone.now()
    RequestEvent.objects.create(
        request=target, at=at, action=action, actor_label=actor.label[:200], note=note
    )
    audit_record(
        actor=actor,
        action=f"privacy.request_{action}",
        target=target,
        target_label=target.reference,
        after=jsonable(dict(after or {})),
        at=at,
    )


def _refuse(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


def _manager(actor: Actor) -> None:
    if actor.user is None:
        raise NotPermitted(_("Only a signed-in person can do this."))
    permission_check(actor.user, Permission.REQUEST_MANAGE)


def _text(field: str, value: str) -> str:
    if not (value or "").strip():
        raise _refuse(field, _("This field is required."))
    return value.strip()


def _status(request: DataSubjectRequest) -> str:
    if request.status in (RequestStatus.DONE, RequestStatus.REFUSED):
        return request.status
    if request.extended_at is not None:
        return RequestStatus.EXTENDED
    if request.verified_at is not None:
        if request.first_responded_at is not None:
            return RequestStatus.IN_PROGRESS
        return RequestStatus.VERIFIED
    return RequestStatus.RECEIVED


def _locked(request: DataSubjectRequest) -> DataSubjectRequest:
    locked = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
    if not locked.is_open:
        raise Conflict(
            _("This request is closed (%(status)s).") % {"status": locked.get_status_display()},
            code="request_closed",
        )
    return locked


def _save(request: DataSubjectRequest, fields: list[str]) -> None:
    request.status = _status(request)
    request.save(update_fields=[*fields, "status"])


# ---------------------------------------------------------------------------------------------
# Receive


@transaction.atomic
def request_receive(
    *,
    actor: Actor,
    kind: str,
    channel: str,
    complaints: Sequence[Complaint] = (),
    requester_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    note: str = "",
    processor_involved: bool = False,
    verification: str = "",
    received_at: dt.datetime | None = None,
    language: str = "vi",
) -> DataSubjectRequest:
    """Record a request with the next reference of its year (``YC-2026-0001``) and its clocks,
    and acknowledge it by email (reference and due date) when an address is known.

    From the portal (``channel`` portal, a channel actor) the person proved they hold the
    complaint's tracking code: the request is verified at once, and asking again for the same
    thing while it is open gives the same request (a double tap, a reload). Staff and the API
    record requests for the data-protection officer (``REQUEST_MANAGE``), with the
    verification done, if any. Refused, naming the field: an unknown kind or channel, a request
    that names neither a complaint nor a way to reach the person, a time in the future."""
    now = timezone.now()
    if kind not in RequestKind.values:
        raise _refuse("kind", _("Choose what the person asks for."))
    if channel not in RequestChannel.values:
        raise _refuse("channel", _("Not a valid choice."))
    if verification not in Verification.values:
        raise _refuse("verification", _("Not a valid choice."))
    if channel == RequestChannel.PORTAL:
        if not complaints:
            raise _refuse("complaints", _("A request from the portal concerns a complaint."))
        # The person proved the complaint's tracking code, or a one-time code sent to them.
        if verification != Verification.ONE_TIME_CODE:
            verification = Verification.TRACKING_CODE
    else:
        _manager(actor)
    complaints = list(dict.fromkeys(complaints))
    complainants = {c.complainant_id for c in complaints}
    if len(complainants) > 1:
        raise _refuse("complaints", _("The complaints of one request belong to one person."))
    first = complaints[0] if complaints else None
    complainant = first.complainant if first is not None else None
    if complainant is not None:
        requester_name = requester_name.strip() or complainant.full_name
        contact_email = contact_email.strip() or complainant.email
        contact_phone = contact_phone.strip() or complainant.phone
        language = complainant.preferred_language or language
    if not complaints and not (contact_email.strip() or contact_phone.strip()):
        raise _refuse(
            "contact_email", _("Give the person's email or phone, or the complaint it concerns.")
        )
    received_at = received_at or now
    if received_at > now:
        raise _refuse("received_at", _("This time is in the future."))
    if channel == RequestChannel.PORTAL and complainant is not None:
        repeated = (
            DataSubjectRequest.objects.filter(
                complainant=complainant, kind=kind, channel=channel, status__in=OPEN_STATUSES
            )
            .order_by("-received_at")
            .first()
        )
        if repeated is not None:
            return repeated
    year = received_at.astimezone(timezone.get_current_timezone()).year
    last = (
        DataSubjectRequest.objects.select_for_update()
        .filter(year=year)
        .aggregate(n=Max("sequence"))["n"]
    )
    verified = verification != Verification.NONE
    request = DataSubjectRequest.objects.create(
        year=year,
        sequence=(last or 0) + 1,
        kind=kind,
        channel=channel,
        received_at=received_at,
        requester_name=requester_name.strip()[:200],
        contact_email=contact_email.strip()[:254],
        contact_phone=contact_phone.strip()[:32],
        note=note.strip(),
        complainant=complainant,
        processor_involved=processor_involved,
        verification=verification,
        verified_at=received_at if verified else None,
        status=RequestStatus.VERIFIED if verified else RequestStatus.RECEIVED,
        first_response_due_at=clocks.first_response_due(received_at),
        completion_due_at=clocks.completion_due(
            received_at, kind, processor_involved=processor_involved
        ),
        recorded_by=actor.user,
    )
    request.complaints.set(complaints)
    request_record(
        actor=actor,
        action="receive",
        target=request,
        note=request.note,
        at=now,
        after={
            "kind": kind,
            "channel": channel,
            "received_at": received_at,
            "complaints": [c.reference for c in complaints],
            "verification": verification,
            "processor_involved": processor_involved,
            "first_response_due_at": request.first_response_due_at,
            "completion_due_at": request.completion_due_at,
        },
    )
    if request.contact_email:
        request_acknowledge(request=request, language=language)
    return request


def request_acknowledge(*, request: DataSubjectRequest, language: str) -> None:
    """The acknowledgement to the person: the request's reference, what they asked and by when
    it will be done. Queued in the caller's transaction."""
    organisation = organisation_get()
    with translation.override(language):
        kind = str(request.get_kind_display())
    outbox_email(
        to=request.contact_email,
        language=language,
        code="dsar_acknowledgement",
        context={
            "request_reference": request.reference,
            "name": request.requester_name,
            "kind": kind,
            "response_due": format_local(request.first_response_due_at, language),
            "due": format_local(request.completion_due_at, language),
            "organisation": organisation.name_en
            if language == "en" and organisation.name_en
            else organisation.name,
            "support_email": organisation.support_email,
        },
    )


def request_tell(
    *, request: DataSubjectRequest, what: StrOrPromise, note: str = "", due: bool = False
) -> None:
    """Tell the person a later step of their request by email (``dsar_update``): ``what`` the
    step is (a lazy text, put in their language), the DPO's ``note``, the deadline when ``due``.
    Nothing when no address is known; nothing after an erasure, whose address is gone."""
    if not request.contact_email or (request.kind == RequestKind.ERASURE and request.completed_at):
        return
    language = request.complainant.preferred_language if request.complainant else "vi"
    organisation = organisation_get()
    with translation.override(language):
        kind, step = str(request.get_kind_display()), str(what)
    outbox_email(
        to=request.contact_email,
        language=language,
        code="dsar_update",
        context={
            "request_reference": request.reference,
            "name": request.requester_name,
            "kind": kind,
            "what": step,
            "note": note,
            "due": format_local(request.completion_due_at, language) if due else "",
            "organisation": organisation.name_en
            if language == "en" and organisation.name_en
            else organisation.name,
            "support_email": organisation.support_email,
        },
    )


# ---------------------------------------------------------------------------------------------
# Handle


@transaction.atomic
def request_verify(
    *, actor: Actor, request: DataSubjectRequest, method: str, note: str = ""
) -> DataSubjectRequest:
    """Record that the person who asks was verified to be the data subject, and how."""
    _manager(actor)
    if method not in Verification.values or method == Verification.NONE:
        raise _refuse("method", _("Choose how the person was verified."))
    locked = _locked(request)
    if locked.verified_at is not None:
        raise Conflict(_("This request is already verified."), code="verified")
    locked.verification = method
    locked.verified_at = timezone.now()
    _save(locked, ["verification", "verified_at"])
    request_record(
        actor=actor,
        action="verify",
        target=locked,
        note=note.strip(),
        after={"method": method, "at": locked.verified_at},
    )
    return locked


@transaction.atomic
def request_respond(*, actor: Actor, request: DataSubjectRequest, note: str) -> DataSubjectRequest:
    """Record the first response (within 2 working days): what the person was told of how
    their request will be handled."""
    _manager(actor)
    note = _text("note", note)
    locked = _locked(request)
    if locked.first_responded_at is not None:
        raise Conflict(_("The first response is already recorded."), code="responded")
    locked.first_responded_at = timezone.now()
    locked.first_response_note = note
    _save(locked, ["first_responded_at", "first_response_note"])
    request_record(
        actor=actor,
        action="respond",
        target=locked,
        note=note,
        after={
            "at": locked.first_responded_at,
            "late": locked.first_responded_at > locked.first_response_due_at,
        },
    )
    request_tell(request=locked, what=gettext_lazy("we are handling it"), note=note, due=True)
    return locked


@transaction.atomic
def request_extend(
    *, actor: Actor, request: DataSubjectRequest, days: int | None, reason: str
) -> DataSubjectRequest:
    """Extend the completion deadline once, by at most 15 days, with the reason (Decree 356).
    A second extension, or a longer one, is refused with the rule it breaks."""
    _manager(actor)
    reason = _text("reason", reason)
    if days is None or days < 1:
        raise _refuse("days", _("Give the number of days of the extension (1 to 15)."))
    if days > clocks.MAX_EXTENSION_DAYS:
        raise _refuse(
            "days",
            _("An extension is at most %(max)s days (Decree 356/2025).")
            % {"max": clocks.MAX_EXTENSION_DAYS},
        )
    locked = _locked(request)
    if locked.extended_at is not None:
        raise _refuse(
            "days",
            _("A request may be extended only once; this one was extended on %(date)s.")
            % {"date": format_local(locked.extended_at, translation.get_language() or "vi")},
        )
    before = locked.completion_due_at
    locked.completion_due_at = clocks.extended_due(before, days)
    locked.extended_at = timezone.now()
    locked.extension_days = days
    locked.extension_reason = reason
    _save(locked, ["completion_due_at", "extended_at", "extension_days", "extension_reason"])
    request_record(
        actor=actor,
        action="extend",
        target=locked,
        note=reason,
        after={"days": days, "from": before, "to": locked.completion_due_at},
    )
    request_tell(request=locked, what=gettext_lazy("we need more time"), note=reason, due=True)
    return locked


@transaction.atomic
def request_complete(
    *, actor: Actor, request: DataSubjectRequest, outcome_note: str
) -> DataSubjectRequest:
    """Carry out the request (``_fulfil``) and close it with the outcome told to the person.
    Refused while the person is not verified: nobody's data is shown, changed or erased on an
    unverified request."""
    _manager(actor)
    outcome_note = _text("outcome_note", outcome_note)
    locked = _locked(request)
    if locked.verified_at is None:
        raise Conflict(
            _("Verify who is asking before carrying out the request."), code="not_verified"
        )
    _fulfil(locked, actor)
    locked.completed_at = timezone.now()
    locked.outcome_note = outcome_note
    locked.status = RequestStatus.DONE
    _save(locked, ["completed_at", "outcome_note"])
    request_record(
        actor=actor,
        action="complete",
        target=locked,
        note=outcome_note,
        after={"at": locked.completed_at, "late": locked.completed_at > locked.completion_due_at},
    )
    request_tell(request=locked, what=gettext_lazy("it is done"), note=outcome_note)
    return locked


@transaction.atomic
def request_refuse(*, actor: Actor, request: DataSubjectRequest, reason: str) -> DataSubjectRequest:
    """Close the request without carrying it out, with the reason given to the person (e.g. the
    person could not be verified, the data is under a legal hold)."""
    _manager(actor)
    reason = _text("reason", reason)
    locked = _locked(request)
    locked.completed_at = timezone.now()
    locked.refusal_reason = reason
    locked.status = RequestStatus.REFUSED
    _save(locked, ["completed_at", "refusal_reason"])
    request_record(
        actor=actor,
        action="refuse",
        target=locked,
        note=reason,
        after={"at": locked.completed_at},
    )
    request_tell(request=locked, what=gettext_lazy("we cannot carry it out"), note=reason)
    return locked


# ---------------------------------------------------------------------------------------------
# Fulfilment, one function per kind. Access (the export), erasure and consent withdrawal are
# the services of their own modules (``privacy.export.person_export``,
# ``privacy.erasure.person_erase``, ``transparency.services.consent_withdraw``), wired here.


def _fulfil(request: DataSubjectRequest, actor: Actor) -> None:
    FULFILMENT[RequestKind(request.kind)](request, actor)


def _fulfil_by_hand(request: DataSubjectRequest, actor: Actor) -> None:
    """Done by the officer outside this service (a correction made on the complaint, an
    objection answered); the outcome note records what was done."""


def _fulfil_access(request: DataSubjectRequest, actor: Actor) -> None:
    """Nothing to change: once the request is done, the person downloads their data from their
    complaint's page (``privacy.delivery``); the officer may also send the export."""


def _fulfil_erasure(request: DataSubjectRequest, actor: Actor) -> None:
    """Erase the person's data by anonymisation (``privacy.erasure.person_erase``), found by the
    contact details of the complainant record the request concerns, else those the person gave.
    Refused, with its reason and nothing changed, while one of their complaints is open or under
    a legal hold: the request stays open until it can be done (or is refused)."""
    person = request.complainant
    email = (person.email if person else "") or request.contact_email
    phone = (person.phone if person else "") or request.contact_phone
    person_erase(
        email=email,
        phone=phone,
        actor=actor,
        reason=_("Data-subject request %(reference)s") % {"reference": request.reference},
    )


# How a request came in, as the way the complainant withdrew their consent.
_WITHDRAWAL_METHOD = {
    RequestChannel.PORTAL: WithdrawalMethod.WEB,
    RequestChannel.API: WithdrawalMethod.API,
    RequestChannel.STAFF: WithdrawalMethod.LETTER,
}


def _fulfil_consent_withdrawal(request: DataSubjectRequest, actor: Actor) -> None:
    """Withdraw the consent in force on each complaint of the request (or, when it names none,
    of the complainant), with the request as the evidence (``consent_withdraw``)."""
    complaints = list(request.complaints.all())
    if not complaints and request.complainant_id is not None:
        complaints = list(Complaint.objects.filter(complainant_id=request.complainant_id))
    active = set(
        NoticeConsent.objects.filter(
            complaint__in=complaints, withdrawn_at__isnull=True
        ).values_list("complaint_id", flat=True)
    )
    note = _("Data-subject request %(reference)s") % {"reference": request.reference}
    method = _WITHDRAWAL_METHOD.get(RequestChannel(request.channel), WithdrawalMethod.LETTER)
    for complaint in complaints:
        if complaint.pk in active:
            consent_withdraw(complaint=complaint, actor=actor, method=method, note=note)


def _fulfil_restriction(request: DataSubjectRequest, actor: Actor) -> None:
    """Restrict each complaint of the request: the DPO's alone until lifted (``restriction``)."""
    complaints_restrict(request=request, complaints=list(request.complaints.all()), actor=actor)


FULFILMENT = {
    RequestKind.ACCESS: _fulfil_access,
    RequestKind.RECTIFICATION: _fulfil_by_hand,
    RequestKind.ERASURE: _fulfil_erasure,
    RequestKind.RESTRICTION: _fulfil_restriction,
    RequestKind.OBJECTION: _fulfil_by_hand,
    RequestKind.CONSENT_WITHDRAWAL: _fulfil_consent_withdrawal,
}
