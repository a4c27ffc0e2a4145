"""Every page renders for every role in a few lifecycle states (templates, labels, masking)."""

import pytest
from django.urls import reverse

from redress.complaints.models import Status
from redress.handling.testing import complaint_in_state

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "state", [Status.RECEIVED, Status.DECISION_PROPOSED, Status.RESOLVED, Status.CLOSED]
)
def test_pages_render(team, signed_in, state):
    c = complaint_in_state(state, team)
    for user in (team.handler, team.manager, team.auditor, team.frontline):
        client = signed_in(user)
        for queue in [
            "mine",
            "unit",
            "unassigned",
            "due_soon",
            "overdue",
            "awaiting_approval",
            "awaiting_complainant",
            "all",
        ]:
            r = client.get(reverse("backoffice:queue", args=[queue]))
            assert r.status_code == 200, r.content[:2000]
        r = client.get(reverse("backoffice:complaint", args=[c.reference]))
        assert r.status_code == 200
        r = client.get(reverse("backoffice:search") + "?q=hoa+don")
        assert r.status_code == 200
        assert c.reference in r.content.decode()
