"""SMS and Zalo channels in the back office: credentials sealed and never shown, callback
addresses to give the gateway, a test message through the real (loopback) gateway, the
delivery log with a fixed number of queries, the alert of a switched-off channel.

The administrator reads the staff site in English here (``User.language``): the Vietnamese of
these pages comes with the translation catalogue."""

import pytest
from django.urls import reverse

from redress.audit.models import AuditEntry
from redress.complaints.models import Channel
from redress.complaints.testing import ComplainantFactory
from redress.core.roles import Role
from redress.core.selectors import organisation_get
from redress.core.testing import staff
from redress.handling.testing import receive
from redress.notifications.channels import testing as fake
from redress.notifications.channels.gateways import callback_token
from redress.notifications.channels.outbox import channel_disable, texts_flush
from redress.notifications.models import OutboundText, TextChannel
from redress.notifications.tests import channel_setup

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(team):
    organisation_get()
    return staff(Role.ADMIN, team.unit, username="quantri", language="en")


def _form(gateway, **changes):
    return {
        "name": "SpeedSMS chính",
        "gateway": "speedsms",
        "url": gateway.url("speedsms"),
        "api_key": fake.SPEEDSMS_TOKEN,
        "sender": "REDRESS",
        "options": '{"sms_type": 2}',
        "is_active": "on",
        "disable_after": "5",
        **changes,
    }


def test_an_administrator_adds_a_channel_whose_credentials_are_sealed(admin, signed_in, gateway):
    client = signed_in(admin)

    response = client.post(reverse("backoffice:channel_create"), _form(gateway))

    assert response.status_code == 302
    channel = TextChannel.objects.get()
    assert channel.api_key.startswith("sealed:v1:")
    assert fake.SPEEDSMS_TOKEN not in channel.api_key
    assert channel.callback_secret.startswith("sealed:v1:")  # made by Redress
    entry = AuditEntry.objects.get(action="notifications.channel_create")
    assert fake.SPEEDSMS_TOKEN not in str(entry.after)
    assert entry.after["secrets_changed"] == ["api_key"]

    page = client.get(reverse("backoffice:channels"))
    text = page.content.decode()
    assert "SMS and Zalo channels" in text
    assert fake.SPEEDSMS_TOKEN not in text
    assert f"/intake/channels/{channel.pk}/report/{callback_token(channel, 'report')}/" in text

    edit = client.get(reverse("backoffice:channel_edit", args=[channel.pk]))
    assert fake.SPEEDSMS_TOKEN not in edit.content.decode()
    # An empty key keeps the one stored.
    saved = client.post(
        reverse("backoffice:channel_edit", args=[channel.pk]),
        _form(gateway, api_key="", sender="CSKH"),
    )
    assert saved.status_code == 302
    channel.refresh_from_db()
    assert channel.sender == "CSKH"
    assert channel.api_key.startswith("sealed:v1:")


def test_bad_options_are_refused_with_the_field_named(admin, signed_in, gateway):
    response = signed_in(admin).post(
        reverse("backoffice:channel_create"), _form(gateway, options="[1, 2")
    )

    assert response.status_code == 422
    assert "Enter a JSON object." in response.content.decode()
    assert not TextChannel.objects.exists()


def test_a_test_message_goes_through_the_gateway_and_shows_in_the_log(admin, signed_in, gateway):
    channel = channel_setup.speedsms(gateway)
    client = signed_in(admin)

    response = client.post(
        reverse("backoffice:channel_test", args=[channel.pk]), {"phone": "0987 654 321"}
    )
    texts_flush()

    assert response.status_code == 302
    [request] = gateway.requests
    assert request.body["to"] == ["84987654321"]
    assert request.body["content"] == "Redress: test message from the channel SpeedSMS."
    sent = OutboundText.objects.get(is_test=True)
    assert (sent.state, sent.complaint) == ("sent", None)
    assert AuditEntry.objects.filter(action="notifications.channel_test").exists()
    OutboundText.objects.filter(pk=sent.pk).update(cost=1250)
    log = client.get(reverse("backoffice:channel_log")).content.decode()
    assert "SMS and Zalo delivery log" in log
    assert "Sent" in log
    assert "1,250 ₫" in log  # the cost as money is written (in English here)


def test_the_delivery_log_reads_a_fixed_number_of_queries(
    admin, signed_in, gateway, team, django_assert_max_num_queries
):
    channel_setup.speedsms(gateway)
    for i in range(6):
        person = ComplainantFactory(phone=f"090000000{i}", preferred_channel=Channel.SMS)
        receive(team, complainant=person)
    texts_flush()
    client = signed_in(admin)
    client.get(reverse("backoffice:channel_log"))  # warm the per-process memo

    with django_assert_max_num_queries(12):
        assert client.get(reverse("backoffice:channel_log")).status_code == 200


def test_a_switched_off_channel_is_shown_with_its_reason_and_can_be_turned_on(
    admin, signed_in, gateway
):
    channel = channel_setup.speedsms(gateway)
    channel_disable(channel=channel, actor=channel_setup.ADMIN, reason="5 failed attempts")
    client = signed_in(admin)

    page = client.get(reverse("backoffice:channels")).content.decode()
    assert "was switched off" in page
    assert "5 failed attempts" in page

    client.post(reverse("backoffice:channel_enable", args=[channel.pk]))
    channel.refresh_from_db()
    assert (channel.is_active, channel.failed_in_row, channel.disabled_at) == (True, 0, None)


def test_the_complaint_shows_how_its_sms_went_and_what_it_cost(signed_in, gateway, team):
    channel_setup.speedsms(gateway)
    person = ComplainantFactory(phone="0912345678", email="", preferred_channel=Channel.SMS)
    complaint = receive(team, complainant=person).complaint
    texts_flush()
    handler = team.handler
    handler.language = "en"
    handler.save(update_fields=["language"])

    page = signed_in(handler).get(reverse("backoffice:complaint", args=[complaint.reference]))

    text = page.content.decode()
    assert page.status_code == 200
    assert "SMS" in text
    assert "250 ₫" in text  # the cost the gateway returned, as money, on the delivery event
