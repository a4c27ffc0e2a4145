"""The kept original emails of a complaint, for the people who may read its personal data: the
files Redress did not take stay in them (DESIGN.md rule 4), and staff may need them."""

from __future__ import annotations

from django.db import models

from redress.complaints.models import Complaint
from redress.intake.models import InboundEmail

_TAKEN = (InboundEmail.Outcome.COMPLAINT, InboundEmail.Outcome.REPLY)


def _kept() -> models.QuerySet[InboundEmail]:
    # An original deleted by an erasure (privacy.erasure) has no file left to offer.
    return InboundEmail.objects.filter(outcome__in=_TAKEN).exclude(raw="")


def complaint_originals(complaint: Complaint) -> dict[object, InboundEmail]:
    """The emails that made ``complaint`` ("complaint") and its messages (by message pk)."""
    originals: dict[object, InboundEmail] = {}
    for inbound in _kept().filter(complaint=complaint).order_by("received_at", "pk"):
        if inbound.outcome == InboundEmail.Outcome.COMPLAINT:
            originals.setdefault("complaint", inbound)
        elif inbound.message_id is not None:
            originals[inbound.message_id] = inbound
    return originals


def complaint_original_get(complaint: Complaint, pk: int) -> InboundEmail | None:
    """One original email of ``complaint`` (None for another complaint's or an unknown one)."""
    return _kept().filter(pk=pk, complaint=complaint).first()
