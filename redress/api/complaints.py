"""Complaints: create (idempotent), list, get, messages and attachments.

Every read starts from ``complaints_visible_to`` (an invisible complaint is a 404, exactly like
an unknown one); every write is a service call made as the token's user.
"""

import datetime as dt
import zoneinfo
from typing import Annotated, Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Header, Query, Router, Status, UploadedFile

from redress.api.auth import READ, WRITE, api_token, api_user
from redress.api.errors import PayloadTooLarge, error_responses
from redress.api.output import (
    attachment_out,
    complaint_detail,
    complaint_summary,
    cursor_encode,
    cursor_pk,
    cursor_time_pk,
    deadlines,
    due_soon_q,
    message_out,
    overdue_q,
)
from redress.api.schemas import (
    AttachmentOut,
    AttachmentPage,
    ComplaintCreated,
    ComplaintCreateIn,
    ComplaintDetail,
    ComplaintFilters,
    ComplaintPage,
    FileIn,
    In,
    MessageIn,
    MessageOut,
    MessagePage,
    PageParams,
    Required200,
    Text2000,
)
from redress.complaints.attachments import IncomingFile, attachment_problem, download_name
from redress.complaints.masking import PERSONAL_FILE_REFUSED, PersonalDataScope, holds_personal_data
from redress.complaints.models import Category, Complaint, Message, Priority, Product
from redress.complaints.models import Status as ComplaintStatus
from redress.complaints.search import search_condition
from redress.complaints.selectors import complaint_get_for_user, complaints_visible_to
from redress.core.actors import Actor
from redress.core.errors import NotFound, NotPermitted, ValidationFailed
from redress.core.models import OrgUnit
from redress.core.selectors import organisation_get
from redress.handling.services import (
    complaint_add_message,
    complaint_add_note,
)
from redress.intake.consent import api_consent
from redress.intake.receive import Once, Person, Submission, intake_receive
from redress.privacy.access_log import personal_data_accessed
from redress.privacy.models import PersonalDataAccess

router = Router(tags=["complaints"])

REFERENCE_MAX = 32


# --------------------------------------------------------------------------------------------
# Helpers shared with the actions


def complaint_for(request: HttpRequest, reference: str) -> Complaint:
    """The complaint through the visibility gate; a 404 names the reference, nothing more."""
    if len(reference) > REFERENCE_MAX or not reference.isprintable():
        raise NotFound(_("There is no complaint with this reference, or you may not see it."))
    try:
        return complaint_get_for_user(api_user(request), reference.upper())
    except NotFound:
        raise NotFound(
            _("There is no complaint %(reference)s, or you may not see it.")
            % {"reference": reference}
        ) from None


def detail_response(request: HttpRequest, complaint: Complaint) -> dict[str, Any]:
    """The complaint as it is now (after an action: read again without the gate, since the
    caller was allowed to act on it a moment ago, even if it has just left their unit)."""
    fresh = Complaint.objects.select_related(
        "complainant", "unit", "owner", "category", "product"
    ).get(pk=complaint.pk)
    return complaint_detail(
        fresh, user=api_user(request), token=api_token(request), now=timezone.now()
    )


def masked_for(request: HttpRequest, complaint: Complaint) -> bool:
    """Whether the token's person sees this complainant masked (no need to know)."""
    return not PersonalDataScope.for_user(api_user(request)).allows(complaint)


def lookup(model: type, field: str, code: str | None) -> Any:
    """An active unit, category or product by its code, or a 422 naming the field."""
    if not code:
        return None
    found = model.objects.filter(code=code, is_active=True).first()  # type: ignore[attr-defined]
    if found is None:
        message = _("No active entry with the code “%(code)s”.") % {"code": code}
        raise ValidationFailed(message, fields={field: [message]})
    return found


def incoming_files(files: list[FileIn], field: str = "attachments") -> list[IncomingFile]:
    """Decode base64 files; one larger than the attachment limit is a 413 naming it."""
    decoded = [IncomingFile(f.name, f.decoded()) for f in files]
    refuse_oversize([(f.name, len(f.content)) for f in decoded], field)
    return decoded


def refuse_oversize(files: list[tuple[str, int]], field: str) -> None:
    """A file over the attachment limit is a 413 (HTTP's own answer), in the words of the
    attachment rule; every other problem with a file is the service's 422."""
    limit = settings.REDRESS_ATTACHMENT_MAX_BYTES
    errors = [attachment_problem(name, size, b"") for name, size in files if size > limit]
    if errors:
        raise PayloadTooLarge(errors[0], fields={field: errors})


def _csv(value: str, allowed: list[str], field: str) -> list[str]:
    chosen = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [v for v in chosen if v not in allowed]
    if unknown:
        message = _("Unknown value “%(value)s” (choose among: %(choices)s).") % {
            "value": unknown[0],
            "choices": ", ".join(allowed),
        }
        raise ValidationFailed(message, fields={field: [message]})
    return chosen


def _local_day_start(day: dt.date) -> dt.datetime:
    zone = zoneinfo.ZoneInfo(organisation_get().time_zone)
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)


# --------------------------------------------------------------------------------------------
# Create


@router.post(
    "/complaints",
    auth=WRITE,
    response={201: ComplaintCreated, 200: ComplaintCreated, **error_responses()},
    operation_id="complaint_create",
    summary="Receive a complaint",
)
def complaint_create(
    request: HttpRequest,
    response: HttpResponse,
    payload: ComplaintCreateIn,
    idempotency_key: Annotated[Required200 | None, Header(None, alias="Idempotency-Key")] = None,
) -> Any:
    """Register a complaint as the token's user (who needs an intake role in the unit).

    With an ``Idempotency-Key`` header, sending the same body again returns the same complaint
    (200, no tracking code) and another body with the same key is a 409. Without one, every
    call creates a complaint. 201 answers carry the tracking code, once, and the references
    of possible duplicates the token's user can see.
    """
    token = api_token(request)
    actor = Actor.for_user(api_user(request))
    unit = lookup(OrgUnit, "unit", payload.unit)
    category = lookup(Category, "category", payload.category)
    product = lookup(Product, "product", payload.product)
    files = incoming_files(payload.attachments)
    submission = Submission(
        # The API's complainant has exactly the fields of intake's Person.
        person=Person(**payload.complainant.model_dump()),
        subject=payload.subject,
        description=payload.description,
        unit=unit,
        category=category,
        product=product,
        occurred_on=payload.occurred_on,
        order_ref=payload.order_ref,
        remedy_requested=payload.remedy_requested,
        amount_claimed=payload.amount_claimed,
        is_negotiation_request=payload.is_negotiation_request,
        health_safety=payload.health_safety,
        language=payload.language,
        representative_name=payload.representative_name,
        representative_relation=payload.representative_relation,
        representative_contact=payload.representative_contact,
        source_system=token.source_system,
        attachments=files,
        consent=api_consent(token_name=token.name) if payload.consent_to_notice else None,
    )
    # Keys are the client's: two integrations choosing the same key stay apart.
    once = Once("api", f"{api_user(request).pk}:{idempotency_key}") if idempotency_key else None
    result = intake_receive(submission, channel=payload.channel, actor=actor, once=once)
    complaint, code, created = result.complaint, result.tracking_code, result.created
    # The deadlines were set by the SLA engine during intake, on the row and on this instance
    # (a repeated key loads the complaint from the database).
    stored = complaint
    if not created:
        response["Idempotent-Replayed"] = "true"
    body = {
        "reference": stored.reference,
        "status": stored.status,
        "received_at": stored.received_at,
        "deadlines": deadlines(stored),
        "tracking_code": code,
        "url": f"/api/v1/complaints/{stored.reference}",
        "possible_duplicates": [c.reference for c in result.duplicates],
    }
    return Status(201 if created else 200, body)


# --------------------------------------------------------------------------------------------
# List and get


def complaints_filtered(request: HttpRequest, filters: ComplaintFilters) -> QuerySet[Complaint]:
    queryset = complaints_visible_to(api_user(request))
    if filters.status:
        queryset = queryset.filter(
            status__in=_csv(filters.status, ComplaintStatus.values, "status")
        )
    if filters.priority:
        queryset = queryset.filter(priority__in=_csv(filters.priority, Priority.values, "priority"))
    if filters.category:
        queryset = queryset.filter(category__code=filters.category)
    if filters.unit:
        queryset = queryset.filter(unit__code=filters.unit)
    if filters.owner == "me":
        queryset = queryset.filter(owner=api_user(request))
    elif filters.owner == "none":
        queryset = queryset.filter(owner__isnull=True)
    elif filters.owner:
        queryset = queryset.filter(owner__username=filters.owner)
    if filters.overdue is not None:
        missed = overdue_q(timezone.now())
        queryset = queryset.filter(missed) if filters.overdue else queryset.exclude(missed)
    if filters.due_soon is not None:
        soon = due_soon_q(timezone.now())
        queryset = queryset.filter(soon) if filters.due_soon else queryset.exclude(soon)
    if filters.q.strip():
        # The same search as the back office: the complainant's name and contacts only where
        # this user may see them unmasked.
        found = search_condition(PersonalDataScope.for_user(api_user(request)), filters.q)
        queryset = queryset.filter(found) if found is not None else queryset.none()
    if filters.received_from:
        queryset = queryset.filter(received_at__gte=_local_day_start(filters.received_from))
    if filters.received_to:
        queryset = queryset.filter(
            received_at__lt=_local_day_start(filters.received_to + dt.timedelta(days=1))
        )
    return queryset


@router.get(
    "/complaints",
    auth=READ,
    response={200: ComplaintPage, **error_responses(400, 401, 403, 422, 429)},
    operation_id="complaint_list",
    summary="List complaints",
)
def complaint_list(request: HttpRequest, filters: Query[ComplaintFilters]) -> Any:
    """Complaints the token's user may see, newest first, ``limit`` at a time (at most 200).

    Follow ``next_cursor`` for the next page; the query count is the same for every page.
    """
    queryset = complaints_filtered(request, filters)
    if filters.cursor:
        at, pk = cursor_time_pk(filters.cursor)
        queryset = queryset.filter(Q(received_at__lt=at) | Q(received_at=at, pk__lt=pk))
    rows = list(
        queryset.select_related("unit", "category", "owner").order_by("-received_at", "-pk")[
            : filters.limit + 1
        ]
    )
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    now = timezone.now()
    return {
        "items": [complaint_summary(c, now) for c in rows],
        "next_cursor": cursor_encode(rows[-1].received_at.isoformat(), rows[-1].pk)
        if more
        else None,
    }


@router.get(
    "/complaints/{reference}",
    auth=READ,
    response={200: ComplaintDetail, **error_responses(401, 403, 404, 429)},
    operation_id="complaint_get",
    summary="Get a complaint with its events",
)
def complaint_get(request: HttpRequest, reference: str) -> Any:
    """The complaint, its follow-up record (every event), decisions with remedies, and the
    actions the token may take now."""
    complaint = complaint_for(request, reference)
    if not masked_for(request, complaint):
        personal_data_accessed(
            user=api_user(request), via=PersonalDataAccess.Via.API, complaint=complaint
        )
    return complaint_detail(
        complaint, user=api_user(request), token=api_token(request), now=timezone.now()
    )


# --------------------------------------------------------------------------------------------
# Messages


@router.get(
    "/complaints/{reference}/messages",
    auth=READ,
    response={200: MessagePage, **error_responses(401, 403, 404, 422, 429)},
    operation_id="complaint_messages",
    summary="List messages and notes",
)
def complaint_messages(request: HttpRequest, reference: str, page: Query[PageParams]) -> Any:
    """Messages from and to the complainant and internal notes, oldest first."""
    complaint = complaint_for(request, reference)
    queryset = Message.objects.filter(complaint=complaint)
    if page.cursor:
        queryset = queryset.filter(pk__gt=cursor_pk(page.cursor))
    rows = list(
        queryset.select_related("author")
        .prefetch_related("attachments")
        .order_by("pk")[: page.limit + 1]
    )
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    masked = masked_for(request, complaint)
    return {
        "items": [message_out(m, masked=masked) for m in rows],
        "next_cursor": cursor_encode(rows[-1].pk) if more else None,
    }


@router.post(
    "/complaints/{reference}/messages",
    auth=WRITE,
    response={201: MessageOut, **error_responses()},
    operation_id="complaint_message_add",
    summary="Add a message or an internal note",
)
def complaint_message_add(request: HttpRequest, reference: str, payload: MessageIn) -> Any:
    """``inbound``: the complainant wrote (e.g. through a chat bridge); it resumes a complaint
    paused while waiting for them. ``outbound``: to the complainant, emailed when the channel is
    email or empty. ``internal``: a note among staff."""
    complaint = complaint_for(request, reference)
    actor = Actor.for_user(api_user(request))
    files = incoming_files(payload.attachments)
    if payload.direction == Message.Direction.INTERNAL:
        message = complaint_add_note(
            complaint=complaint, actor=actor, body=payload.body, attachments=files
        )
    else:
        message = complaint_add_message(
            complaint=complaint,
            actor=actor,
            direction=payload.direction,
            body=payload.body,
            subject=payload.subject,
            channel=payload.channel,
            attachments=files,
        )
    fresh = (
        Message.objects.select_related("author").prefetch_related("attachments").get(pk=message.pk)
    )
    return Status(201, message_out(fresh))


# --------------------------------------------------------------------------------------------
# Attachments


@router.get(
    "/complaints/{reference}/attachments",
    auth=READ,
    response={200: AttachmentPage, **error_responses(401, 403, 404, 422, 429)},
    operation_id="complaint_attachments",
    summary="List attachments",
)
def complaint_attachments(request: HttpRequest, reference: str, page: Query[PageParams]) -> Any:
    complaint = complaint_for(request, reference)
    masked = masked_for(request, complaint)
    queryset = complaint.attachments.select_related("message")
    if page.cursor:
        queryset = queryset.filter(pk__gt=cursor_pk(page.cursor))
    rows = list(queryset.order_by("pk")[: page.limit + 1])
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    return {
        "items": [
            attachment_out(a, hidden=masked and holds_personal_data(a.message)) for a in rows
        ],
        "next_cursor": cursor_encode(rows[-1].pk) if more else None,
    }


@router.get(
    "/complaints/{reference}/attachments/{attachment_id}",
    auth=READ,
    response=error_responses(401, 403, 404, 422, 429),
    operation_id="complaint_attachment_download",
    summary="Download an attachment",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, with its sniffed content type.",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def complaint_attachment_download(request: HttpRequest, reference: str, attachment_id: int) -> Any:
    complaint = complaint_for(request, reference)
    attachment = (
        complaint.attachments.filter(pk=attachment_id).first()
        if 0 < attachment_id < 2**62
        else None
    )
    if attachment is None:
        raise NotFound(_("This complaint has no such attachment."))
    masked = masked_for(request, complaint)
    if masked and holds_personal_data(attachment.message):
        raise NotPermitted(PERSONAL_FILE_REFUSED)
    if not masked:
        personal_data_accessed(
            user=api_user(request),
            via=PersonalDataAccess.Via.FILE,
            complaint=complaint,
            detail=f"attachment {attachment.pk}",
        )
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=download_name(attachment.original_name, attachment.content_type),
        content_type="application/octet-stream",
    )
    response["X-Content-Type"] = attachment.content_type
    return response


class AttachmentForm(In):
    note: Text2000 = ""


@router.post(
    "/complaints/{reference}/attachments",
    auth=WRITE,
    response={201: list[AttachmentOut], **error_responses()},
    operation_id="complaint_attachment_add",
    summary="Attach files (multipart)",
)
def complaint_attachment_add(
    request: HttpRequest,
    reference: str,
    files: File[list[UploadedFile]],
    data: Form[AttachmentForm],
) -> Any:
    """Upload evidence as ``multipart/form-data`` (field ``files``, up to 10; each within the
    attachment limit, else 413). They are kept with an internal note (``note``, optional)."""
    complaint = complaint_for(request, reference)
    refuse_oversize([(f.name or "file", f.size or 0) for f in files], "files")
    incoming = [IncomingFile(f.name or "file", f.read()) for f in files]
    names = ", ".join(f.name for f in incoming)
    note = data.note.strip() or _("Files attached through the API: %(names)s") % {"names": names}
    note_message = complaint_add_note(
        complaint=complaint,
        actor=Actor.for_user(api_user(request)),
        body=note,
        attachments=incoming,
    )
    return Status(201, [attachment_out(a) for a in note_message.attachments.order_by("pk")])
