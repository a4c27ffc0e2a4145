""" "Communicate the decision" shows exactly what the complainant will receive, the way their
route sends it: the email alone; an SMS with the email it falls back to; a Zalo message to a
complainant without email; in the complainant's language, to whom (masked as the workspace
masks the complainant)."""

import html

import pytest
from django.urls import reverse

from redress.backoffice.decision_preview import decision_preview_for
from redress.complaints.models import Channel, Status
from redress.complaints.testing import ComplainantFactory
from redress.core.actors import Actor
from redress.handling import services
from redress.handling.testing import complaint_in_state
from redress.notifications.models import OutboundEmail, OutboundText
from redress.notifications.tests import channel_setup

pytestmark = pytest.mark.django_db


@pytest.fixture
def handler_in_english(team, signed_in):
    """The handler reads the staff site in English: the preview stays in the complainant's."""
    team.handler.language = "en"
    team.handler.save(update_fields=["language"])
    return signed_in(team.handler)


def preview_of(client, complaint):
    url = reverse("backoffice:act", args=[complaint.reference, "communicate_decision"])
    body = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    start = body.index('id="decision-preview"')
    return body, body[start : body.index("</section>", start)]


def communicate(team, complaint):
    services.complaint_communicate_decision(
        complaint=complaint, actor=Actor.for_user(team.handler), via="email"
    )


def shown_whole(text, preview):
    for line in text.splitlines():
        assert html.escape(line) in preview, line


def test_by_email_only_the_mail_is_shown_and_a_preferred_sms_without_a_channel_is_explained(
    team, handler_in_english
):
    person = ComplainantFactory.create(preferred_channel=Channel.SMS, email="lan@example.vn")
    complaint = complaint_in_state(Status.DECISION_APPROVED, team, complainant=person)

    _body, preview = preview_of(handler_in_english, complaint)
    communicate(team, complaint)

    sent = OutboundEmail.objects.get(complaint=complaint, template_code="decision")
    assert 'data-way="email"' in preview and "data-text-preview" not in preview
    assert "By email to lan@example.vn" in preview
    assert "They prefer SMS, which cannot be used: no active channel." in preview
    assert html.escape(sent.subject) in preview
    shown_whole(sent.body, preview)
    assert not OutboundText.objects.filter(complaint=complaint, template_code="decision").exists()


def test_by_sms_the_text_is_shown_as_sent_with_the_email_it_falls_back_to(
    team, handler_in_english, gateway
):
    channel = channel_setup.speedsms(gateway)
    person = ComplainantFactory.create(
        preferred_channel=Channel.SMS, phone="0912 345 678", email="lan@example.vn"
    )
    complaint = complaint_in_state(Status.DECISION_APPROVED, team, complainant=person)

    body, preview = preview_of(handler_in_english, complaint)
    communicate(team, complaint)

    text = OutboundText.objects.get(complaint=complaint, template_code="decision")
    assert text.channel == channel
    assert 'data-way="sms"' in preview
    assert "By SMS to 84912345678 (SpeedSMS)" in preview
    # The complainant's language (Vietnamese), whatever the page's (English here).
    assert "đã có kết quả giải quyết khiếu nại" in text.body
    assert html.escape(text.body) in preview
    assert "If it cannot be delivered, this email goes to lan@example.vn instead" in preview
    assert html.escape(text.fallback_subject) in preview
    shown_whole(text.fallback_body, preview)
    # The decision is recorded as communicated by the way it goes.
    assert '<option value="sms" selected>' in body


def test_by_zalo_to_a_complainant_without_email_only_the_message_is_shown_in_their_language(
    team, handler_in_english, gateway
):
    channel_setup.zalo(gateway)
    person = ComplainantFactory.create(
        preferred_channel=Channel.ZALO, phone="0912 345 678", email="", preferred_language="en"
    )
    complaint = complaint_in_state(Status.DECISION_APPROVED, team, complainant=person)

    _body, preview = preview_of(handler_in_english, complaint)
    communicate(team, complaint)

    text = OutboundText.objects.get(complaint=complaint, template_code="decision")
    assert text.params["template_id"] == "zns-decision"
    assert 'data-way="zalo"' in preview
    assert "By Zalo to 84912345678 (Zalo OA)" in preview
    assert "there is a decision on complaint" in text.body
    assert html.escape(text.body) in preview
    assert "they gave no email address" in preview and "email-body" not in preview


def test_a_person_who_sees_the_complainant_masked_sees_the_preview_masked(team, gateway):
    channel_setup.speedsms(gateway)
    person = ComplainantFactory.create(
        full_name="Nguyễn Thị Lan",
        preferred_channel=Channel.SMS,
        phone="0912 345 678",
        email="lan@example.vn",
    )
    complaint = complaint_in_state(Status.DECISION_APPROVED, team, complainant=person)

    masked = decision_preview_for(complaint, team.top)
    plain = decision_preview_for(complaint, team.handler)

    assert (plain.to, plain.email_to) == ("84912345678", "lan@example.vn")
    assert "Nguyễn Thị Lan" in plain.email_body
    assert (masked.to, masked.email_to) == ("•••678", "l•••@example.vn")
    assert "Nguyễn Thị Lan" not in masked.email_body and "N. T. L." in masked.email_body
    assert masked.text == plain.text  # the short text names no one
