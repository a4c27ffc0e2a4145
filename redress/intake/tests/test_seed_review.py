"""Seeded complaints under internal review get the review's deadline when their clocks are
built from their events (issue 18), so that the demo queues show running reviews."""

import pytest
from django.core.management import call_command

from redress.complaints.models import Complaint, Status
from redress.intake.seed import seed_complaints
from redress.sla.models import StageClock
from redress.sla.rules import Stage

pytestmark = pytest.mark.django_db


def test_seeded_reviews_are_timed_once_the_clocks_are_rebuilt():
    seed_complaints(300, batch=300)
    in_review = Complaint.objects.filter(status=Status.UNDER_REVIEW)
    assert in_review.exists()
    call_command("sla", "rebuild", verbosity=0)
    for complaint in in_review:
        review = StageClock.objects.get(complaint=complaint, stage=Stage.REVIEW)
        entered = complaint.events.filter(to_status=Status.UNDER_REVIEW).latest("at")
        assert review.started_at == entered.at
        assert complaint.review_due_at == review.due_at is not None
    # A review decided (or left) in the seeded history is not a running deadline.
    assert (
        not Complaint.objects.exclude(status=Status.UNDER_REVIEW)
        .filter(review_due_at__isnull=False)
        .exists()
    )
