"""The complainant's tracking page during an internal review shows the review's own date
(issue 18), not the first decision's, which was already met."""

import pytest

from redress.handling.testing import advance, make_team, receive
from redress.sla.testing import frozen_clock

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("portal_settings")]

FIRST_DECISION = ["acknowledge", "assess", "investigate", "propose", "approve", "communicate"]


def test_the_tracking_page_shows_when_the_review_will_be_decided(client):
    team = make_team()
    with frozen_clock("2026-03-09 09:00") as clock:
        received = receive(team, received_at=clock.now)
        complaint = received.complaint
        for step in FIRST_DECISION:
            complaint = advance(complaint, team, step)
        clock.set("2026-03-10 10:00")
        complaint = advance(complaint, team, "reject")
        page = client.get(
            f"/en/track/{complaint.reference}/{received.tracking_code}/", follow=True
        ).content.decode()
    # Ten working days after Tue 10/03/2026: by the end of Tue 24/03/2026 (the first
    # decision's date, 30/03, was met already and the closure date is later).
    assert "We send you the outcome of the internal review, by 24 March 2026" in page
    assert "30 March 2026" not in page
