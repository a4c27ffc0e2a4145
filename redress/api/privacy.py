"""Data-subject requests over /api/v1 (docs/privacy.md): record a request received through an
integration (a call centre, a CRM) and read one back with its clocks and history.

The token acts as its person: only the data-protection officer records a request
(``privacy.roles.Permission.REQUEST_MANAGE``, scope ``write``); the officer and auditors read
one (``REQUEST_READ``, scope ``read``). A request another person may not read is refused (403)
before it is looked up; an unknown reference is 404."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field, StrictBool

from redress.api.auth import READ, WRITE, api_user
from redress.api.errors import error_responses
from redress.api.schemas import Email, In, Text200, Text5000
from redress.core.actors import Actor
from redress.privacy.models import (
    DataSubjectRequest,
    RequestChannel,
    RequestKind,
    RequestStatus,
    Verification,
)
from redress.privacy.requests import request_receive
from redress.privacy.roles import Permission, permission_check
from redress.privacy.selectors_requests import request_complaints, request_get_for

router = Router(tags=["privacy"])


class RequestIn(In):
    kind: RequestKind
    complaints: list[str] = Field(
        default_factory=list, max_length=50, description="References of the complaints concerned."
    )
    requester_name: Text200 = ""
    contact_email: Email = ""
    contact_phone: str = Field("", max_length=32)
    note: Text5000 = ""
    processor_involved: StrictBool = False
    verification: Verification | Literal[""] = Field(
        "", description="How the person was verified, if they were."
    )
    received_at: dt.datetime | None = Field(None, description="Default: now.")


class RequestEventOut(Schema):
    at: dt.datetime
    action: str
    actor: str


class RequestOut(Schema):
    reference: str
    kind: RequestKind
    channel: RequestChannel
    status: RequestStatus
    received_at: dt.datetime
    complaints: list[str]
    verification: Verification | Literal[""]
    verified_at: dt.datetime | None
    processor_involved: bool
    first_response_due_at: dt.datetime
    first_responded_at: dt.datetime | None
    completion_due_at: dt.datetime
    extended_at: dt.datetime | None
    extension_days: int | None
    completed_at: dt.datetime | None
    events: list[RequestEventOut]


def _out(found: DataSubjectRequest) -> dict[str, Any]:
    # Contact details and notes stay out: the API gives the request's course, not the
    # person's data (the data-protection officer reads those in the staff site).
    return {
        "reference": found.reference,
        "kind": found.kind,
        "channel": found.channel,
        "status": found.status,
        "received_at": found.received_at,
        "complaints": sorted(c.reference for c in found.complaints.all()),
        "verification": found.verification,
        "verified_at": found.verified_at,
        "processor_involved": found.processor_involved,
        "first_response_due_at": found.first_response_due_at,
        "first_responded_at": found.first_responded_at,
        "completion_due_at": found.completion_due_at,
        "extended_at": found.extended_at,
        "extension_days": found.extension_days,
        "completed_at": found.completed_at,
        "events": [
            {"at": e.at, "action": e.action, "actor": e.actor_label} for e in found.events.all()
        ],
    }


@router.post(
    "/privacy/requests",
    auth=WRITE,
    response={201: RequestOut, **error_responses()},
    operation_id="privacy_request_create",
    summary="Record a data-subject request",
)
def privacy_request_create(request: HttpRequest, payload: RequestIn) -> Any:
    """The data-protection officer's token; the request gets its reference and its Decree
    356/2025 clocks, and the person an acknowledgement by email when an address is known."""
    user = api_user(request)
    permission_check(user, Permission.REQUEST_MANAGE)
    found = request_receive(
        actor=Actor.for_user(user),
        kind=payload.kind,
        channel=RequestChannel.API,
        complaints=request_complaints(payload.complaints),
        requester_name=payload.requester_name,
        contact_email=payload.contact_email,
        contact_phone=payload.contact_phone,
        note=payload.note,
        processor_involved=payload.processor_involved,
        verification=payload.verification,
        received_at=payload.received_at,
    )
    return 201, _out(found)


@router.get(
    "/privacy/requests/{reference}",
    auth=READ,
    response={200: RequestOut, **error_responses(401, 403, 404, 429)},
    operation_id="privacy_request_get",
    summary="Get a data-subject request with its clocks and history",
)
def privacy_request_get(request: HttpRequest, reference: str) -> Any:
    return _out(request_get_for(api_user(request), reference=reference))
