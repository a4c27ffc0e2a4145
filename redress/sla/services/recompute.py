"""Recomputing deadlines in bulk: after a policy or calendar was edited (queued in batches once
every process has forgotten the old settings), and rebuilding the clocks of complaints written
without the services (bulk imports, demo data) by replaying their recorded events.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from redress.complaints.models import Complaint, ComplaintEvent, Status
from redress.core.memo import memo_clear, memo_wait
from redress.core.models import OrgUnit
from redress.sla.models import BusinessCalendar, ClockPause, StageClock
from redress.sla.rules import Stage
from redress.sla.services.clocks import (
    REVIEW_DONE_BY,
    REVIEW_ENDED_BY,
    REVIEW_STARTED_BY,
    STAGE_DONE_BY,
    sla_clocks_recompute,
    sla_clocks_start,
    sla_follow_review,
    sla_pause_end_quietly,
    sla_round_start,
    sla_stage_complete,
    sla_stages_cancel,
)
from redress.sla.services.queue import enqueue_recompute

logger = logging.getLogger(__name__)

RECOMPUTE_BATCH = 200


def sla_recompute_complaints(*, complaint_ids: Iterable[int]) -> int:
    """Recompute open complaints one by one, each in its own transaction with the row locked
    (after a policy or calendar was edited). Returns how many were recomputed."""
    done = 0
    for complaint_id in complaint_ids:
        with transaction.atomic():
            complaint = (
                Complaint.objects.select_for_update()
                .select_related("complainant")
                .filter(pk=complaint_id)
                .exclude(status=Status.CLOSED)
                .first()
            )
            if complaint is None:
                continue
            sla_reviews_rebuild(complaint=complaint)
            sla_clocks_recompute(complaint=complaint)
            done += 1
    return done


def _entered_review() -> Q:
    return Q(events__to_status=Status.UNDER_REVIEW, events__action__in=REVIEW_STARTED_BY)


def sla_reviews_rebuild(*, complaint: Complaint) -> list[StageClock]:
    """Build the review clocks of a complaint that went to internal review but has none (its
    review started before reviews were timed) by replaying its events. Idempotent."""
    reviews = StageClock.objects.filter(complaint=complaint, stage=Stage.REVIEW)
    if (
        reviews.exists()
        or not complaint.events.filter(
            to_status=Status.UNDER_REVIEW, action__in=REVIEW_STARTED_BY
        ).exists()
    ):
        return []
    actions = REVIEW_STARTED_BY | REVIEW_ENDED_BY | {REVIEW_DONE_BY}
    events = ComplaintEvent.objects.filter(complaint=complaint, action__in=actions)
    for event in events.order_by("at", "pk"):
        sla_follow_review(
            complaint=complaint, action=event.action, to_status=event.to_status, at=event.at
        )
    return list(reviews)


def sla_clocks_rebuild(*, complaint: Complaint) -> list[StageClock]:
    """Build the clocks of a complaint that has none by replaying its recorded events
    (complaints written without the services: bulk imports, demo data). Idempotent: a
    complaint that already has clocks is left alone."""
    if StageClock.objects.filter(complaint=complaint).exists():
        return []
    ClockPause.objects.filter(complaint=complaint).delete()
    sla_clocks_start(complaint=complaint)
    for event in ComplaintEvent.objects.filter(complaint=complaint).order_by("at", "pk"):
        action = event.action
        if action == "pause":
            ClockPause.objects.create(
                complaint=complaint, started_at=event.at, reason=str(event.data.get("reason", ""))
            )
        elif action in ("resume", "close"):
            sla_pause_end_quietly(complaint=complaint, at=event.at)
        if action in STAGE_DONE_BY:
            sla_stage_complete(complaint=complaint, stage=STAGE_DONE_BY[action], at=event.at)
        if action == "assess" and event.to_status == "not_accepted":
            sla_stages_cancel(complaint=complaint, stages=[Stage.DECISION], at=event.at)
        if action == "withdraw":
            sla_stages_cancel(
                complaint=complaint,
                stages=[Stage.ACKNOWLEDGE, Stage.ASSESS, Stage.DECISION],
                at=event.at,
            )
        if action == "reopen":
            sla_round_start(complaint=complaint, at=event.at, stages=[Stage.DECISION, Stage.CLOSE])
        sla_follow_review(
            complaint=complaint, action=action, to_status=event.to_status, at=event.at
        )
    return sla_clocks_recompute(complaint=complaint)


def sla_clocks_rebuild_missing(*, limit: int | None = None) -> int:
    """Rebuild the clocks of every complaint that has none, and the review clocks of open
    complaints that went to internal review without one; returns how many."""
    ids = (
        Complaint.objects.filter(sla_clocks__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    done = 0
    for complaint_id in list(ids[:limit] if limit else ids):
        with transaction.atomic():
            complaint = (
                Complaint.objects.select_for_update()
                .select_related("complainant")
                .get(pk=complaint_id)
            )
            if sla_clocks_rebuild(complaint=complaint):
                done += 1
    reviews = (
        Complaint.objects.exclude(status=Status.CLOSED)
        .filter(_entered_review())
        .exclude(sla_clocks__stage=Stage.REVIEW)
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )
    for complaint_id in list(reviews[:limit] if limit else reviews):
        with transaction.atomic():
            complaint = (
                Complaint.objects.select_for_update()
                .select_related("complainant")
                .get(pk=complaint_id)
            )
            if sla_reviews_rebuild(complaint=complaint):
                sla_clocks_recompute(complaint=complaint)
                done += 1
    return done


def sla_recompute_schedule(*, unit_ids: Iterable[int] | None = None) -> int:
    """After a policy or calendar was edited: queue the recomputation of the open complaints
    (of ``unit_ids``, or all), in batches, once the edit has committed. Returns how many.

    Other processes remember settings for a few seconds (``redress.core.memo``), so a complaint
    received meanwhile may get the old deadlines: the recomputation runs once every process
    has forgotten them, and covers the complaints received until then as well."""
    memo_clear()
    now = timezone.now()
    units = None if unit_ids is None else list(unit_ids)
    open_complaints = Complaint.objects.exclude(status=Status.CLOSED)
    if units is not None:
        open_complaints = open_complaints.filter(unit_id__in=units)
    ids = list(open_complaints.order_by("pk").values_list("pk", flat=True))
    batches = [ids[i : i + RECOMPUTE_BATCH] for i in range(0, len(ids), RECOMPUTE_BATCH)]
    later = now + dt.timedelta(seconds=memo_wait())

    def enqueue() -> None:
        try:
            enqueue_recompute(
                batches, run_after=later, since=now, unit_ids=units, catch_up=bool(memo_wait())
            )
        except Exception:
            # The deadlines stay as they were until the next change; say so loudly.
            logger.exception("Could not queue the recomputation of %s complaints", len(ids))

    transaction.on_commit(enqueue)
    return len(ids)


def sla_recompute_received_since(*, since: dt.datetime, unit_ids: list[int] | None) -> int:
    """Recompute the open complaints received since ``since`` (of ``unit_ids``, or all)."""
    received = Complaint.objects.filter(received_at__gte=since).exclude(status=Status.CLOSED)
    if unit_ids is not None:
        received = received.filter(unit_id__in=unit_ids)
    ids = list(received.values_list("pk", flat=True))
    for start in range(0, len(ids), RECOMPUTE_BATCH):
        sla_recompute_complaints(complaint_ids=ids[start : start + RECOMPUTE_BATCH])
    return len(ids)


def sla_calendar_changed(*, calendar_id: int) -> int:
    """Recompute the open complaints of every unit that uses the calendar (directly, or as
    the organisation's default)."""
    calendar = BusinessCalendar.objects.filter(pk=calendar_id).first()
    if calendar is None:
        return 0
    units = OrgUnit.objects.filter(calendar=calendar)
    if calendar.is_default:
        units = OrgUnit.objects.filter(Q(calendar=calendar) | Q(calendar__isnull=True))
    return sla_recompute_schedule(unit_ids=units.values_list("pk", flat=True))
