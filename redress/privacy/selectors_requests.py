"""Reads of data-subject requests, for the people ``roles.Permission.REQUEST_READ`` names (the
data-protection officer and auditors)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from redress.complaints.models import Complaint
from redress.core.errors import NotFound, ValidationFailed
from redress.core.models import User
from redress.privacy.models import OPEN_STATUSES, DataSubjectRequest, ProcessingRestriction
from redress.privacy.roles import Permission, may, permission_check


def requests_for(user: User, *, open_only: bool = True) -> QuerySet[DataSubjectRequest]:
    """Open requests first due first; with ``open_only`` False every request, newest first.
    Refuses who may not read them."""
    permission_check(user, Permission.REQUEST_READ)
    rows = DataSubjectRequest.objects.all()
    if open_only:
        return rows.filter(status__in=OPEN_STATUSES).order_by("completion_due_at", "pk")
    return rows.order_by("-received_at", "-pk")


def request_get_for(
    user: User, *, pk: int | None = None, reference: str = ""
) -> DataSubjectRequest:
    """One request by id or by reference (``YC-2026-0001``); NotFound otherwise."""
    rows = requests_for(user, open_only=False)
    if pk is not None:
        found = rows.filter(pk=pk).first()
    else:
        parts = reference.strip().upper().split("-")
        valid = len(parts) == 3 and parts[0] == "YC" and parts[1].isdigit() and parts[2].isdigit()
        found = rows.filter(year=int(parts[1]), sequence=int(parts[2])).first() if valid else None
    if found is None:
        raise NotFound(str(pk or reference))
    return found


def reads_requests(user: User) -> bool:
    return may(user, Permission.REQUEST_READ)


def restricted_complaint_ids(complaint_ids: list[int]) -> set[int]:
    """Which of these complaints are restricted at their person's request now."""
    return set(
        ProcessingRestriction.objects.filter(
            complaint_id__in=complaint_ids, lifted_at__isnull=True
        ).values_list("complaint_id", flat=True)
    )


def request_complaints(references: list[str]) -> list[Complaint]:
    """The complaints a request names, by reference, whatever their unit: personal-data
    protection is the organisation's. An unknown reference is refused, naming it."""
    wanted = list(dict.fromkeys(r.strip().upper() for r in references if r.strip()))
    found = {c.reference: c for c in Complaint.objects.filter(reference__in=wanted)}
    unknown = [r for r in wanted if r not in found]
    if unknown:
        message = _("No complaint has the reference %(references)s.") % {
            "references": ", ".join(unknown)
        }
        raise ValidationFailed(message, fields={"references": [message]})
    return [found[r] for r in wanted]
