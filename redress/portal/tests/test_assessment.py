"""What the complainant sees of the assessment: the fee (ISO 10002 4.8), published and on their
complaint, and no negotiation or mediation route when the complaint affects the public
interest (REQ-VN-3)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from redress.core.actors import Actor
from redress.core.selectors import organisation_get
from redress.handling import services
from redress.handling.testing import advance, make_team, receive
from redress.portal.tests.test_views import open_complaint

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("portal_settings")]


@pytest.fixture
def team():
    return make_team()


def _set_fee(amount):
    organisation = organisation_get()
    organisation.complaint_fee = Decimal(amount)
    organisation.save()


def test_the_published_information_says_free_or_the_amount(client):
    assert "Complaining is free" in client.get("/en/").content.decode()
    _set_fee(8_990_000)
    page = client.get("/vi/").content.decode()
    assert "8.990.000 ₫" in page
    form = client.get("/vi/complain/").content.decode()
    assert "8.990.000 ₫" in form


def test_the_tracking_page_shows_the_complaint_fee(client, team):
    _set_fee(50_000)
    received = receive(team)
    complaint = advance(received.complaint, team, "acknowledge")
    services.complaint_assess(
        complaint=complaint,
        actor=Actor.for_user(team.handler),
        fee_waived=True,
        fee_waived_reason="Hộ nghèo",
    )
    page = open_complaint(client, complaint.reference, received.tracking_code).content.decode()
    assert 'id="fee"' in page and "50,000 ₫" in page and "waived" in page


def test_no_mediation_body_is_offered_for_a_public_interest_complaint(client, team):
    received = receive(team)
    complaint = advance(received.complaint, team, "acknowledge")
    services.complaint_assess(
        complaint=complaint, actor=Actor.for_user(team.handler), public_interest=True
    )
    for step in ("investigate", "propose", "approve", "communicate", "reject"):
        complaint = advance(complaint, team, step)
    page = open_complaint(client, complaint.reference, received.tracking_code).content.decode()
    assert "Other places you can go" in page and "The People&#x27;s Court" in page
    assert "Commercial mediation" not in page
