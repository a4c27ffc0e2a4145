"""The workspace lists the running internal review's deadline with its target (issue 18)."""

import pytest
from django.urls import reverse

from redress.complaints.models import Status
from redress.handling.testing import complaint_in_state

pytestmark = pytest.mark.django_db


def test_a_complaint_under_review_shows_the_reviews_deadline_and_target(team, signed_in):
    team.handler.language = "en"
    team.handler.save()
    complaint = complaint_in_state(Status.UNDER_REVIEW, team)
    assert complaint.review_due_at is not None
    page = (
        signed_in(team.handler)
        .get(reverse("backoffice:complaint", args=[complaint.reference]))
        .content.decode()
    )
    assert "Decide the internal review and tell the complainant" in page
    assert "10 working days" in page
