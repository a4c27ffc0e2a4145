"""SMS replies: a gateway's inbound callback becomes a message on the complainant's complaint,
matched by their number, through the same entry point as email replies."""

import pytest
from django.urls import reverse

from redress.complaints.models import Channel, Message, PauseReason
from redress.complaints.testing import ComplainantFactory
from redress.core.actors import Actor
from redress.handling import services
from redress.handling.testing import make_team, receive
from redress.intake.models import InboundText
from redress.notifications.channels.gateways import callback_token
from redress.notifications.channels.testing import FakeGateway
from redress.notifications.models import Notification
from redress.notifications.tests import channel_setup

pytestmark = pytest.mark.django_db


def _inbound(client, channel, body, **headers):
    url = reverse(
        "channel_callback",
        kwargs={
            "pk": channel.pk,
            "purpose": "inbound",
            "token": callback_token(channel, "inbound"),
        },
    )
    return client.post(url, data=body, content_type="application/json", **headers)


def test_an_sms_reply_lands_on_the_complaint_of_the_number(gateway, client):
    channel = channel_setup.speedsms(gateway)
    team = make_team()
    person = ComplainantFactory(phone="0912 345 678", email="", preferred_channel=Channel.SMS)
    complaint = receive(team, complainant=person).complaint
    services.complaint_assign(
        complaint=complaint, actor=Actor.for_user(team.manager), owner=team.handler
    )

    answer = _inbound(
        client,
        channel,
        FakeGateway.speedsms_inbound("84912345678", "Tôi đã gửi hóa đơn qua bưu điện", "in-1"),
    )

    assert answer.status_code == 200
    [taken] = answer.json()["messages"]
    assert taken["outcome"] == "reply"
    message = Message.objects.get(complaint=complaint, direction="inbound")
    assert (message.channel, message.body) == ("sms", "Tôi đã gửi hóa đơn qua bưu điện")
    event = complaint.events.get(action="add_message")
    assert (event.actor_label, event.method) == ("sms", "sms")
    assert Notification.objects.filter(recipient=team.handler, kind="message").exists()

    # The gateway calls again with the same message: nothing new.
    again = _inbound(
        client,
        channel,
        FakeGateway.speedsms_inbound("84912345678", "Tôi đã gửi hóa đơn qua bưu điện", "in-1"),
    )
    assert again.json()["messages"][0]["id"] == taken["id"]
    assert Message.objects.filter(complaint=complaint, direction="inbound").count() == 1


def test_a_reply_naming_a_reference_goes_to_that_complaint_and_resumes_it(gateway, client):
    channel = channel_setup.speedsms(gateway)
    team = make_team()
    person = ComplainantFactory(phone="+84 912345678", email="")
    older = receive(team, complainant=person).complaint
    newer = receive(team, complainant=person, subject="Giao hàng trễ").complaint
    services.complaint_pause(
        complaint=older,
        actor=Actor.for_user(team.handler),
        reason=PauseReason.COMPLAINANT,
        note="Xin gửi hóa đơn",
    )

    _inbound(
        client,
        channel,
        FakeGateway.speedsms_inbound("0912345678", f"{older.reference.lower()} da gui", "in-2"),
    )

    assert Message.objects.filter(complaint=older, direction="inbound").count() == 1
    assert not Message.objects.filter(complaint=newer, direction="inbound").exists()
    older.refresh_from_db()
    assert older.paused_at is None  # the complainant answered


def test_an_unknown_number_is_kept_not_dropped(gateway, client):
    channel = channel_setup.speedsms(gateway)

    answer = _inbound(client, channel, FakeGateway.speedsms_inbound("84999999999", "Xin chào", "x"))

    assert answer.status_code == 200
    record = InboundText.objects.get()
    assert (record.outcome, record.sender, record.body, record.complaint) == (
        "unmatched",
        "84999999999",
        "Xin chào",
        None,
    )
    assert not Message.objects.exists()


def test_an_inbound_call_with_a_wrong_token_or_signature_is_refused(gateway, client):
    speed = channel_setup.speedsms(gateway)
    generic = channel_setup.generic(gateway)
    body = FakeGateway.speedsms_inbound("84912345678", "Xin chào", "y")
    url = reverse(
        "channel_callback", kwargs={"pk": speed.pk, "purpose": "inbound", "token": "0" * 40}
    )

    assert client.post(url, data=body, content_type="application/json").status_code == 401
    unsigned = _inbound(client, generic, b'{"msgid": "1", "msisdn": "84912345678", "text": "a"}')
    assert unsigned.status_code == 401
    assert not InboundText.objects.exists()


def test_a_signed_generic_inbound_message_is_taken(gateway, client):
    channel = channel_setup.generic(gateway)
    person = ComplainantFactory(phone="0912345678", email="")
    complaint = receive(make_team(), complainant=person).complaint
    body, headers = FakeGateway.generic_signed(
        {"msgid": "m-7", "msisdn": "84912345678", "text": "Cảm ơn"}, channel_setup.CALLBACK_SECRET
    )

    assert _inbound(client, channel, body, **headers).status_code == 200

    assert Message.objects.get(complaint=complaint, direction="inbound").body == "Cảm ơn"
