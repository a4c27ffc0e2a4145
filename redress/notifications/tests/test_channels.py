"""SMS and Zalo messages to the complainant, sent to a real HTTP server on loopback that speaks
each gateway's format (``channels.testing``): receipt by SMS, decision by Zalo with the email
fallback, delivery reports, retries and the switch-off alert."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from redress.audit.models import AuditEntry
from redress.complaints.models import Channel, Message, Status
from redress.complaints.testing import ComplainantFactory
from redress.core.actors import Actor
from redress.core.testing import UserFactory
from redress.handling import services
from redress.handling.testing import complaint_in_state, make_team, receive
from redress.notifications.channels import http
from redress.notifications.channels.gateways import callback_token
from redress.notifications.channels.outbox import texts_flush
from redress.notifications.models import Notification, OutboundEmail, OutboundText
from redress.notifications.tasks import MAX_ATTEMPTS, outbox_flush
from redress.notifications.tests import channel_setup
from redress.privacy.erasure import complaints_anonymise

pytestmark = pytest.mark.django_db


def _phone_person(**kwargs):
    defaults = {
        "full_name": "Nguyễn Văn Đức",
        "email": "",
        "phone": "0912 345 678",
        "preferred_channel": Channel.PHONE,
    }
    defaults.update(kwargs)
    return ComplainantFactory(**defaults)


def _callback(client, channel, purpose, body, **headers):
    url = reverse(
        "channel_callback",
        kwargs={"pk": channel.pk, "purpose": purpose, "token": callback_token(channel, purpose)},
    )
    return client.post(url, data=body, content_type="application/json", **headers)


def test_a_phone_complaint_gets_its_receipt_by_sms_with_the_secret_link(gateway):
    channel = channel_setup.speedsms(gateway)
    team = make_team()
    received = receive(team, complainant=_phone_person(), channel=Channel.PHONE)
    complaint = received.complaint

    assert texts_flush() == 1

    [request] = gateway.requests
    assert request.path == "/index.php/sms/send"
    assert request.body["to"] == ["84912345678"]
    assert request.body["sender"] == "REDRESS"
    content = request.body["content"]
    assert f"đã nhận khiếu nại {complaint.reference}" in content
    assert f"/vi/track/{complaint.reference}/{received.tracking_code}/" in content
    text = OutboundText.objects.get(complaint=complaint)
    assert (text.state, text.provider_id, text.cost, text.channel) == (
        "sent",
        "9001",
        Decimal("250.00"),
        channel,
    )
    # The complaint's copy hides the tracking code, like the email receipt's.
    message = Message.objects.get(complaint=complaint, direction="outbound")
    assert (message.channel, message.delivery_state) == ("sms", "sent")
    assert received.tracking_code not in message.body
    assert complaint.reference in message.body
    event = complaint.events.get(action="record_delivery")
    assert event.data == {
        "delivery": "sent",
        "message": message.pk,
        "template": "receipt",
        "attempts": 1,
        "channel": "sms",
        "cost": "250.00",
    }
    assert not OutboundEmail.objects.filter(complaint=complaint).exists()


def test_delivery_report_marks_the_sms_delivered_and_a_wrong_token_is_refused(gateway, client):
    channel = channel_setup.speedsms(gateway)
    complaint = receive(make_team(), complainant=_phone_person()).complaint
    texts_flush()
    text = OutboundText.objects.get(complaint=complaint)

    forged = client.post(
        reverse(
            "channel_callback", kwargs={"pk": channel.pk, "purpose": "report", "token": "x" * 40}
        ),
        data=gateway.speedsms_report(text.provider_id),
        content_type="application/json",
    )
    assert forged.status_code == 401
    text.refresh_from_db()
    assert text.state == "sent"

    answer = _callback(client, channel, "report", gateway.speedsms_report(text.provider_id))

    assert answer.status_code == 200
    assert answer.json() == {"reports": 1}
    text.refresh_from_db()
    assert text.state == "delivered"
    assert text.reported_at is not None
    assert Message.objects.get(pk=text.message_id).delivery_state == "delivered"
    states = [e.data["delivery"] for e in complaint.events.filter(action="record_delivery")]
    assert states == ["sent", "delivered"]


def test_esms_sends_unaccented_text_and_takes_its_report_by_get(gateway, client):
    channel = channel_setup.esms(gateway, unaccented=True)
    person = _phone_person(preferred_channel=Channel.SMS)
    complaint = receive(make_team(), complainant=person).complaint

    texts_flush()

    [request] = gateway.requests
    body = request.body
    assert (body["ApiKey"], body["SecretKey"], body["Phone"]) == (
        "esms-key",
        "esms-secret",
        "84912345678",
    )
    assert body["IsUnicode"] == "0"
    assert body["Brandname"] == "Baotrixemay"
    assert f"da nhan khieu nai {complaint.reference}" in body["Content"]
    assert body["Content"].isascii()
    text = OutboundText.objects.get(complaint=complaint)
    assert body["RequestId"] == f"redress-{text.pk}"
    assert body["CallbackUrl"].endswith(
        f"/intake/channels/{channel.pk}/report/{callback_token(channel, 'report')}/"
    )

    url = reverse(
        "channel_callback",
        kwargs={"pk": channel.pk, "purpose": "report", "token": callback_token(channel, "report")},
    )
    answer = client.get(url, {"SMSID": text.provider_id, "SendStatus": "5"})

    assert answer.status_code == 200
    text.refresh_from_db()
    assert text.state == "delivered"


def test_a_decision_goes_by_zalo_and_by_email_when_zalo_refuses_the_number(gateway, smtp):
    channel_setup.zalo(gateway)
    team = make_team()
    person = _phone_person(preferred_channel=Channel.ZALO, email="duc@example.vn")
    complaint = complaint_in_state(Status.DECISION_APPROVED, team, complainant=person)
    texts_flush()
    gateway.requests.clear()
    gateway.mode = "refuse"

    services.complaint_communicate_decision(complaint=complaint, actor=Actor.for_user(team.handler))
    texts_flush()

    [request] = gateway.requests
    assert request.path == "/message/template"
    assert request.headers["access_token"] == "zalo-oa-token"
    assert request.body["template_id"] == "zns-decision"
    assert request.body["phone"] == "84912345678"
    assert request.body["template_data"]["ma_khieu_nai"] == complaint.reference
    text = OutboundText.objects.get(complaint=complaint, template_code="decision")
    # Refused for good (no Zalo account): no retry, the email goes instead.
    assert (text.state, text.attempts) == ("failed", 1)
    assert "-118" in text.last_error
    email = text.fallback_email
    assert (email.fallback_from, email.fallback_reason, email.template_code) == (
        "zalo",
        "failed",
        "decision",
    )
    outbox_flush()
    [mail] = [m for m in smtp.messages if "Kết quả giải quyết" in str(m["Subject"])]
    assert smtp.recipients[-1] == ["duc@example.vn"]
    assert "Hoàn tiền" in mail.get_content()
    zalo_event = complaint.events.filter(action="record_delivery", data__channel="zalo").last()
    assert zalo_event.data["delivery"] == "failed"
    assert zalo_event.data["fallback"] == "email"
    email_event = complaint.events.filter(action="record_delivery", data__instead_of="zalo").get()
    assert email_event.data["delivery"] == "sent"
    assert email_event.data["why"] == "failed"


def test_a_decision_by_zalo_is_delivered_on_its_signed_report(gateway, client):
    channel = channel_setup.zalo(gateway)
    team = make_team()
    person = _phone_person(preferred_channel=Channel.ZALO, email="duc@example.vn")
    complaint = complaint_in_state(Status.DECISION_COMMUNICATED, team, complainant=person)
    texts_flush()
    text = OutboundText.objects.get(complaint=complaint, template_code="decision")
    assert text.state == "sent"
    assert text.provider_id.startswith("zmsg-")

    body, headers = gateway.zalo_report(text.provider_id, f"redress-{text.pk}")
    assert _callback(client, channel, "report", body + b" ", **headers).status_code == 401
    answer = _callback(client, channel, "report", body, **headers)

    assert answer.status_code == 200
    text.refresh_from_db()
    assert text.state == "delivered"
    assert not OutboundEmail.objects.filter(complaint=complaint, template_code="decision").exists()


def test_preferred_channel_without_a_gateway_falls_back_to_email_and_says_so(smtp):
    person = _phone_person(preferred_channel=Channel.SMS, email="duc@example.vn")
    complaint = receive(make_team(), complainant=person).complaint

    outbox_flush()

    email = OutboundEmail.objects.get(complaint=complaint)
    assert (email.fallback_from, email.fallback_reason) == ("sms", "no_channel")
    assert smtp.recipients == [["duc@example.vn"]]
    event = complaint.events.get(action="record_delivery")
    assert (event.data["instead_of"], event.data["why"]) == ("sms", "no_channel")
    assert not OutboundText.objects.exists()


def test_a_gateway_outage_is_retried_then_switches_the_channel_off_and_alerts(gateway, smtp):
    admin = UserFactory(is_superuser=True, is_staff=True)
    channel = channel_setup.speedsms(gateway, disable_after=3)
    gateway.mode = "down"
    people = [_phone_person(email=f"p{i}@example.vn", phone=f"090000000{i}") for i in range(2)]
    team = make_team()
    complaints = [receive(team, complainant=p).complaint for p in people]

    assert texts_flush() == 2
    first, second = OutboundText.objects.filter(complaint__in=complaints).order_by("pk")
    assert (first.state, first.attempts) == ("retrying", 1)
    assert "HTTP 503" in first.last_error
    assert first.next_attempt_at > timezone.now() + dt.timedelta(minutes=1)
    channel.refresh_from_db()
    assert (channel.is_active, channel.failed_in_row) == (True, 2)
    assert not Notification.objects.filter(kind="channel_disabled").exists()

    # The next attempt fails too: the third failure in a row switches the channel off.
    OutboundText.objects.filter(pk=first.pk).update(next_attempt_at=None)
    texts_flush()

    channel.refresh_from_db()
    assert not channel.is_active
    assert "3 failed attempts in a row" in channel.disabled_reason
    assert Notification.objects.filter(recipient=admin, kind="channel_disabled").count() == 1
    assert AuditEntry.objects.filter(action="notifications.channel_disable").exists()
    # What was waiting goes by email, the fallback recorded.
    texts_flush()
    for text in OutboundText.objects.filter(complaint__in=complaints):
        assert text.state == "failed"
        assert text.fallback_email.fallback_from == "sms"
    outbox_flush()
    assert sorted(r[0] for r in smtp.recipients) == ["p0@example.vn", "p1@example.vn"]
    requests_before = len(gateway.requests)
    receive(team, complainant=_phone_person(email="p9@example.vn", phone="0900000009"))
    texts_flush()
    assert len(gateway.requests) == requests_before  # a switched-off channel is not called


def test_the_last_attempt_fails_the_message(gateway):
    channel_setup.speedsms(gateway, disable_after=50)
    gateway.mode = "down"
    team = make_team()
    complaint = receive(team, complainant=_phone_person()).complaint
    for _ in range(MAX_ATTEMPTS):
        OutboundText.objects.update(next_attempt_at=None)
        texts_flush()

    text = OutboundText.objects.get(complaint=complaint)
    assert (text.state, text.attempts) == ("failed", MAX_ATTEMPTS)
    assert text.fallback_email is None  # no email address to fall back to
    assert complaint.events.get(action="record_delivery").data["delivery"] == "failed"
    # Nobody else will write to them: the unit's complaints manager is told to reach them.
    assert Notification.objects.filter(
        recipient=team.manager, kind="text_failed", complaint=complaint
    ).exists()


def test_a_rate_limit_waits_as_long_as_the_gateway_asks(gateway):
    channel_setup.speedsms(gateway)
    gateway.mode, gateway.retry_after = "rate", 900
    receive(make_team(), complainant=_phone_person())

    texts_flush()

    text = OutboundText.objects.get()
    assert text.state == "retrying"
    assert "HTTP 429" in text.last_error
    assert text.next_attempt_at >= timezone.now() + dt.timedelta(seconds=890)


def test_a_gateway_that_does_not_answer_in_time_is_retried(gateway, monkeypatch):
    monkeypatch.setattr(http, "TIMEOUT_SECONDS", 0.3)
    channel_setup.speedsms(gateway)
    gateway.mode, gateway.delay = "slow", 1.5
    receive(make_team(), complainant=_phone_person())

    texts_flush()

    text = OutboundText.objects.get()
    assert text.state == "retrying"
    assert "timed out" in text.last_error


def test_generic_gateway_maps_fields_records_cost_and_checks_the_report_signature(gateway, client):
    channel = channel_setup.generic(gateway)
    complaint = receive(make_team(), complainant=_phone_person(preferred_language="en")).complaint

    texts_flush()

    [request] = gateway.requests
    assert request.headers["authorization"] == "Bearer generic-token"
    assert request.body["msisdn"] == "84912345678"
    assert request.body["from"] == "REDRESS"
    assert request.body["type"] == "text"
    assert f"we received complaint {complaint.reference}" in request.body["message"]
    text = OutboundText.objects.get()
    assert (text.provider_id, text.cost) == ("g-1", Decimal("350.00"))

    report = {"msgid": "g-1", "stat": "UNDELIV"}
    body, headers = gateway.generic_signed(report, "wrong-secret")
    assert _callback(client, channel, "report", body, **headers).status_code == 401
    body, headers = gateway.generic_signed(report, channel_setup.CALLBACK_SECRET)
    assert _callback(client, channel, "report", body, **headers).status_code == 200

    text.refresh_from_db()
    assert text.state == "undelivered"
    assert "UNDELIV" in text.last_error


def test_anonymising_a_complaint_scrubs_the_number_from_its_sms(gateway):
    channel_setup.speedsms(gateway)
    team = make_team()
    complaint = complaint_in_state(Status.CLOSED, team, complainant=_phone_person())
    texts_flush()
    assert OutboundText.objects.filter(complaint=complaint, to="84912345678").exists()

    complaints_anonymise([complaint.pk], actor=Actor.system("retention"), reason="Hết hạn")

    numbers = set(OutboundText.objects.filter(complaint=complaint).values_list("to", flat=True))
    assert numbers
    assert not any("912345678" in n for n in numbers)
