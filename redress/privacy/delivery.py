"""The answer to an access request, delivered through the portal: once the data-protection
officer completes a person's access request, the person downloads everything Redress holds about
them (``privacy.export``) from their complaint's page, proved by its tracking code, for
``REDRESS_DSAR_EXPORT_DAYS`` days. Each download is audited (``privacy.export_delivered``)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from redress.audit.services import audit_record
from redress.complaints.models import Complaint
from redress.core.actors import Actor
from redress.privacy.export import person_export
from redress.privacy.export_render import person_export_zip
from redress.privacy.models import DataSubjectRequest, RequestKind, RequestStatus


def export_days() -> int:
    return int(getattr(settings, "REDRESS_DSAR_EXPORT_DAYS", 30))


def access_answer_ready(complaint: Complaint) -> DataSubjectRequest | None:
    """The latest access request of the complaint's complainant completed within the download
    period, or None."""
    since = timezone.now() - dt.timedelta(days=export_days())
    return (
        DataSubjectRequest.objects.filter(
            kind=RequestKind.ACCESS,
            status=RequestStatus.DONE,
            complainant_id=complaint.complainant_id,
            completed_at__gte=since,
        )
        .order_by("-completed_at", "-pk")
        .first()
    )


def access_answer_until(request: DataSubjectRequest) -> dt.datetime | None:
    """Until when the person may download the answer."""
    if request.completed_at is None:
        return None
    return request.completed_at + dt.timedelta(days=export_days())


@transaction.atomic
def access_answer_deliver(*, request: DataSubjectRequest, actor: Actor) -> bytes:
    """The ZIP of the person's data (``privacy.export``), audited without the identifiers."""
    data = person_export(complainant_ids=[request.complainant_id] if request.complainant_id else [])
    audit_record(
        actor=actor,
        action="privacy.export_delivered",
        target=request,
        target_label=request.reference,
        after={"counts": {name: len(rows) for name, rows in data["sections"].items()}},
    )
    return person_export_zip(data)
