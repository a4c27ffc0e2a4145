"""Lifecycle duties the worker does itself (``REDRESS_PERIODIC_JOBS``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from redress.complaints.models import Complaint, Reaction, Status
from redress.core.actors import Actor
from redress.core.errors import ApplicationError
from redress.core.selectors import organisation_get
from redress.handling.decisions import complaint_record_reaction

ANSWER_PERIOD = Actor.system("answer-period")


def answer_period_sweep(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """Record "no reply" for each communicated decision whose answer period has ended (the
    organisation's ``no_reply_days``; the portal tells the complainant that date), so the
    complaint moves on to resolved without anyone recording it by hand (ISO 10002 7.9). One
    transaction per complaint; a complaint another action moved meanwhile is skipped."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=organisation_get().no_reply_days)
    due = (
        Complaint.objects.filter(
            status=Status.DECISION_COMMUNICATED, decision_communicated_at__lte=cutoff
        )
        .order_by("decision_communicated_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    recorded = 0
    for pk in list(due):
        complaint = Complaint.objects.get(pk=pk)
        try:
            complaint_record_reaction(
                complaint=complaint, actor=ANSWER_PERIOD, reaction=Reaction.NO_REPLY
            )
        except ApplicationError:
            continue  # answered, escalated or otherwise moved since it was listed
        recorded += 1
    return recorded
