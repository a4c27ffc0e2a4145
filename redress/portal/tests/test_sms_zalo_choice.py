"""The portal offers SMS and Zalo as ways of contact (issue 22); both need a phone number.

English pages: the Vietnamese of these messages comes with the translation catalogue."""

import pytest

from redress.complaints.models import Complaint
from redress.handling.testing import make_team
from redress.portal.testing import complaint_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("portal_settings")]


def _submit(client, **overrides):
    make_team()
    return client.post("/en/complain/", complaint_data(**overrides), REMOTE_ADDR="127.0.0.1")


@pytest.mark.parametrize(
    ("channel", "message"),
    [
        ("sms", "You chose SMS: enter your phone number, or choose another way."),
        (
            "zalo",
            "You chose Zalo: enter the phone number of your Zalo account, or choose another way.",
        ),
    ],
)
def test_sms_and_zalo_need_a_phone_number(client, channel, message):
    response = _submit(client, preferred_channel=channel, phone="")

    assert message in response.content.decode()
    assert Complaint.objects.count() == 0


def test_a_complainant_who_chooses_zalo_is_reached_by_zalo(client):
    response = _submit(client, preferred_channel="zalo", phone="0912 345 678")

    assert response.status_code == 302
    complaint = Complaint.objects.select_related("complainant").get()
    assert complaint.complainant.preferred_channel == "zalo"
