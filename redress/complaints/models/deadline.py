"""The deadline that is running now for a complaint's stage, as an expression over the row's own
columns: the database stores it in ``Complaint.next_due_at`` (a generated column, so it is exact
by construction whoever writes the stage's deadlines), and ``running_deadline`` computes the same
for a complaint in memory.

It depends on the stage: acknowledgement while received, assessment while acknowledged, the
decision until it is communicated, closure after that, and during an internal review the
review's own deadline until its decision is communicated (``review_due_at`` is set only while
a review runs). A paused complaint has no running deadline (its clock is stopped), nor has a
closed one.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Case, F, Q, Value, When

from redress.complaints.models.choices import Status

if TYPE_CHECKING:
    from redress.complaints.models.complaint import Complaint

DECIDING = [
    Status.ASSESSED,
    Status.INVESTIGATING,
    Status.DECISION_PROPOSED,
    Status.DECISION_APPROVED,
]
# While a review runs, its new decision may be proposed and approved: the review's deadline
# runs then, not the first decision's (already done).
REVIEW_DECIDING = [Status.DECISION_PROPOSED, Status.DECISION_APPROVED]
CLOSING = [
    Status.DECISION_COMMUNICATED,
    Status.RESOLVED,
    Status.REFERRED_EXTERNAL,
    Status.NOT_ACCEPTED,
    Status.WITHDRAWN,
]


def running_deadline_expression() -> Case:
    """The running deadline as SQL (only the row's own columns: a generated column may use
    nothing else)."""
    return Case(
        When(Q(status=Status.CLOSED) | Q(paused_at__isnull=False), then=Value(None)),
        When(status=Status.RECEIVED, then=F("acknowledge_due_at")),
        When(status=Status.ACKNOWLEDGED, then=F("assess_due_at")),
        When(status=Status.UNDER_REVIEW, then=F("review_due_at")),
        When(Q(status__in=REVIEW_DECIDING, review_due_at__isnull=False), then=F("review_due_at")),
        When(status__in=DECIDING, then=F("decision_due_at")),
        When(status__in=CLOSING, then=F("close_due_at")),
        default=Value(None),
        output_field=models.DateTimeField(),
    )


def running_deadline(complaint: Complaint) -> dt.datetime | None:
    """``running_deadline_expression`` for a complaint in memory (its stored ``next_due_at``
    is read from the database and is not refreshed when the instance is saved)."""
    status = complaint.status
    if status == Status.CLOSED or complaint.paused_at is not None:
        return None
    if status == Status.RECEIVED:
        return complaint.acknowledge_due_at
    if status == Status.ACKNOWLEDGED:
        return complaint.assess_due_at
    if status == Status.UNDER_REVIEW:
        return complaint.review_due_at
    if status in REVIEW_DECIDING and complaint.review_due_at is not None:
        return complaint.review_due_at
    if status in DECIDING:
        return complaint.decision_due_at
    if status in CLOSING:
        return complaint.close_due_at
    return None
