"""Lifecycle duties the worker does itself (``REDRESS_PERIODIC_JOBS``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation

from redress.complaints.models import Complaint, Message, Reaction, Status
from redress.core.actors import Actor
from redress.core.errors import ApplicationError
from redress.core.selectors import organisation_get
from redress.handling.decisions import complaint_record_reaction
from redress.handling.messages import complaint_add_message
from redress.notifications.channels.routing import active_channel, complainant_reachable
from redress.notifications.services import base_context, template_render

ANSWER_PERIOD = Actor.system("answer-period")
PROGRESS = Actor.system("progress-update")
# Open stages in which the complainant waits for us (not paused, not waiting for their answer).
WAITING_FOR_US = (
    Status.ACKNOWLEDGED,
    Status.ASSESSED,
    Status.INVESTIGATING,
    Status.DECISION_PROPOSED,
    Status.DECISION_APPROVED,
    Status.UNDER_REVIEW,
)


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


def progress_update_sweep(*, now: dt.datetime | None = None, limit: int = 100) -> int:
    """Send a progress update (the ``progress_update`` template, in the complainant's language)
    to each complainant of an open complaint who has heard nothing from us for the organisation's
    ``progress_update_days`` (ISO 10002 7.3: informed at preset intervals). The update is a
    message to the complainant like any other: recorded on the complaint, audited, sent by their
    preferred channel (email, SMS or Zalo, with its fallback), and it restarts the interval.
    Off when the setting is 0."""
    days = organisation_get().progress_update_days
    if not days:
        return 0
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=days)
    # Without a text channel switched on, those with a phone only cannot be reached at all.
    no_way = Q(complainant__email="")
    if any(active_channel(kind) is not None for kind in ("sms", "zalo")):
        no_way &= Q(complainant__phone="")
    recent_news = Message.objects.filter(
        complaint=OuterRef("pk"), direction=Message.Direction.OUTBOUND, created_at__gt=cutoff
    )
    due = (
        Complaint.objects.filter(
            status__in=WAITING_FOR_US, paused_at__isnull=True, received_at__lte=cutoff
        )
        .exclude(no_way)
        .exclude(Exists(recent_news))
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for pk in list(due):
        complaint = Complaint.objects.select_related("complainant").get(pk=pk)
        if not complainant_reachable(complaint.complainant):
            continue  # a phone only, and no text channel switched on: nothing would reach them
        language = complaint.complainant.preferred_language
        with translation.override(language):
            subject, body = template_render("progress_update", language, base_context(complaint))
        try:
            complaint_add_message(
                complaint=complaint,
                actor=PROGRESS,
                direction=Message.Direction.OUTBOUND,
                body=body,
                subject=subject,
            )
        except ApplicationError:
            continue  # closed or otherwise moved since it was listed
        sent += 1
    return sent
