"""The complaint workspace: HTMX forms, refusals explained, four-eyes, templates, files."""

import pytest
from django.urls import reverse

from redress.complaints.models import Complaint, Decision, Message, RemedyType, Status
from redress.complaints.testing import ComplainantFactory
from redress.core.actors import Actor
from redress.core.models import Organisation
from redress.handling import services
from redress.handling.testing import advance, complaint_in_state, receive

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def act_url(complaint, action):
    return reverse("backoffice:act", args=[complaint.reference, action])


def test_htmx_form_then_success_returns_the_refreshed_workspace(team, signed_in):
    complaint = receive(team).complaint
    client = signed_in(team.handler)
    form = client.get(act_url(complaint, "acknowledge"), HTTP_HX_REQUEST="true").content.decode()
    assert 'id="action-form"' in form and "<html" not in form
    response = client.post(act_url(complaint, "acknowledge"), {"note": ""}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith('<div id="workspace"')
    assert Complaint.objects.get(pk=complaint.pk).status == Status.ACKNOWLEDGED
    assert 'data-action="assess"' in body


def test_invalid_input_comes_back_in_the_form_with_422_and_changes_nothing(team, signed_in):
    complaint = complaint_in_state(Status.DECISION_COMMUNICATED, team)
    response = signed_in(team.handler).post(
        act_url(complaint, "record_reaction"), {"reaction": "rejected"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#action-panel"
    assert 'id="action-form"' in response.content.decode()
    assert Complaint.objects.get(pk=complaint.pk).status == Status.DECISION_COMMUNICATED


def test_without_javascript_errors_render_the_page_and_success_redirects(team, signed_in):
    complaint = complaint_in_state(Status.ACKNOWLEDGED, team)
    client = signed_in(team.handler)
    response = client.post(
        act_url(complaint, "assess"),
        {"classification": "not_a_complaint", "severity": "low", "priority": "low"},
    )
    assert response.status_code == 422 and "<html" in response.content.decode()
    response = client.post(
        act_url(complaint, "assess"),
        {
            "classification": "complaint",
            "severity": "high",
            "priority": "normal",
            "health_safety": "on",
        },
    )
    assert response.status_code == 302
    assessed = Complaint.objects.get(pk=complaint.pk)
    assert (assessed.status, assessed.priority, assessed.health_safety) == (
        Status.ASSESSED,
        "urgent",
        True,
    )


def test_the_proposer_cannot_approve_above_the_four_eyes_limit(team, signed_in):
    complaint = complaint_in_state(Status.INVESTIGATING, team)
    limit = Organisation.objects.get().four_eyes_threshold
    client = signed_in(team.manager)
    client.post(
        act_url(complaint, "propose_decision"),
        {
            "outcome": "upheld",
            "summary": "Hoàn tiền",
            "reasons": "Tính sai",
            "remedies-TOTAL_FORMS": "3",
            "remedies-INITIAL_FORMS": "0",
            "remedies-0-type": RemedyType.REFUND,
            "remedies-0-amount": str(limit + 1),
        },
    )
    decision = Decision.objects.get(complaint=complaint)
    assert decision.remedies.get().amount == limit + 1
    page = client.get(reverse("backoffice:complaint", args=[complaint.reference])).content.decode()
    assert "Nguyên tắc bốn mắt" in page and 'data-action="approve_decision"' not in page
    response = client.post(act_url(complaint, "approve_decision"), {})
    assert response.status_code == 409
    assert Decision.objects.get(pk=decision.pk).state == Decision.State.PROPOSED
    assert Complaint.objects.get(pk=complaint.pk).status == Status.DECISION_PROPOSED


def test_reply_template_fills_in_the_complainants_language(team, signed_in):
    english = receive(
        team, complainant=ComplainantFactory(full_name="Emma Wilson", preferred_language="en")
    ).complaint
    client = signed_in(team.handler)
    form = client.get(act_url(english, "add_message"), HTTP_HX_REQUEST="true").content.decode()
    assert "Progress update" in form and "Cập nhật tiến độ" not in form
    filled = client.get(
        reverse("backoffice:reply_template", args=[english.reference]) + "?template=reply-progress"
    ).json()
    assert english.reference in filled["subject"] and "Dear Emma Wilson" in filled["body"]


def test_reply_by_email_goes_to_the_outbox(team, signed_in):
    from redress.notifications.models import OutboundEmail

    complaint = receive(team).complaint
    signed_in(team.handler).post(
        act_url(complaint, "add_message"),
        {"channel": "email", "subject": "Về khiếu nại", "body": "Chúng tôi đang kiểm tra."},
    )
    message = Message.objects.get(
        complaint=complaint, direction=Message.Direction.OUTBOUND, body="Chúng tôi đang kiểm tra."
    )
    assert OutboundEmail.objects.filter(message=message).exists()


def test_each_email_shows_its_delivery_state_in_the_readers_language(team, signed_in):
    from redress.notifications.models import OutboundEmail

    team.handler.language = "vi"
    team.handler.save()
    complaint = receive(team).complaint
    receipt = OutboundEmail.objects.get(complaint=complaint, template_code="receipt")
    url = reverse("backoffice:complaint", args=[complaint.reference])

    page = signed_in(team.handler).get(url).content.decode()
    assert '<span class="delivery delivery-queued">Đang chờ gửi</span>' in page

    OutboundEmail.objects.filter(pk=receipt.pk).update(state="failed")
    Message.objects.filter(pk=receipt.message_id).update(delivery_state="failed")
    page = signed_in(team.handler).get(url).content.decode()
    assert '<span class="delivery delivery-failed">Gửi thất bại</span>' in page


def test_what_became_of_an_email_is_a_step_on_the_timeline(team, signed_in):
    from redress.notifications.models import OutboundEmail
    from redress.notifications.tasks import deliver_now

    team.handler.language = "vi"
    team.handler.save()
    complaint = receive(team).complaint
    receipt = OutboundEmail.objects.get(complaint=complaint, template_code="receipt")
    assert deliver_now(receipt.pk) == "sent"

    page = (
        signed_in(team.handler)
        .get(reverse("backoffice:complaint", args=[complaint.reference]))
        .content.decode()
    )
    assert "<strong>Ghi nhận kết quả gửi email</strong>" in page
    assert "<dt>Kết quả gửi</dt><dd>Đã gửi</dd>" in page
    assert "<dt>Số lần thử</dt><dd>1</dd>" in page


def test_note_with_a_file_and_the_file_is_behind_the_gate(team, signed_in, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from redress.handling.testing import make_team

    settings.MEDIA_ROOT = tmp_path
    complaint = receive(team).complaint
    client = signed_in(team.handler)
    client.post(
        act_url(complaint, "add_note"),
        {"body": "Ảnh hóa đơn", "attachments": [SimpleUploadedFile("hd.png", PNG)]},
    )
    attachment = complaint.attachments.get()
    url = reverse("backoffice:attachment", args=[attachment.pk])
    assert client.get(url).status_code == 200
    assert signed_in(make_team().handler).get(url).status_code == 404


def test_a_closed_complaint_can_be_reopened_by_the_manager_only(team, signed_in):
    complaint = complaint_in_state(Status.CLOSED, team)
    assert (
        signed_in(team.handler).post(act_url(complaint, "reopen"), {"reason": "x"}).status_code
        == 403
    )
    assert (
        signed_in(team.manager)
        .post(act_url(complaint, "reopen"), {"reason": "Chứng cứ mới"})
        .status_code
        == 302
    )
    assert Complaint.objects.get(pk=complaint.pk).status == Status.INVESTIGATING


def test_close_is_explained_while_remedies_are_open(team, signed_in):
    complaint = complaint_in_state(Status.RESOLVED, team)
    page = (
        signed_in(team.handler)
        .get(reverse("backoffice:complaint", args=[complaint.reference]))
        .content.decode()
    )
    assert "settle them first" not in page  # Vietnamese for this person
    assert "hãy hoàn tất trước" in page
    advance(complaint, team, "settle")
    response = signed_in(team.handler).post(act_url(complaint, "close"), {"note": ""})
    assert (
        response.status_code == 302
        and Complaint.objects.get(pk=complaint.pk).status == Status.CLOSED
    )


def test_masked_for_top_management_in_the_workspace(team, signed_in):
    complaint = receive(
        team, complainant=ComplainantFactory(full_name="Trần Thị Mai", email="mai@example.vn")
    ).complaint
    page = (
        signed_in(team.top)
        .get(reverse("backoffice:complaint", args=[complaint.reference]))
        .content.decode()
    )
    assert "Trần Thị Mai" not in page and "mai@example.vn" not in page and "T. T. M." in page
    services.complaint_acknowledge(complaint=complaint, actor=Actor.for_user(team.handler))
    page = (
        signed_in(team.handler)
        .get(reverse("backoffice:complaint", args=[complaint.reference]))
        .content.decode()
    )
    assert "Trần Thị Mai" in page and "mai@example.vn" in page


def test_top_management_cannot_open_the_complainants_files_but_can_the_staffs(
    team, signed_in, settings, tmp_path
):
    from redress.complaints.attachments import IncomingFile

    settings.MEDIA_ROOT = tmp_path
    complaint = receive(team, attachments=[IncomingFile("cmnd-tran-thi-mai.png", PNG)]).complaint
    services.complaint_add_note(
        complaint=complaint,
        actor=Actor.for_user(team.handler),
        body="Biên bản",
        attachments=[IncomingFile("bien-ban.png", PNG)],
    )
    personal = complaint.attachments.get(message__isnull=True)
    staff_file = complaint.attachments.get(message__isnull=False)
    top = signed_in(team.top)

    assert top.get(reverse("backoffice:attachment", args=[personal.pk])).status_code == 403
    assert top.get(reverse("backoffice:attachment", args=[staff_file.pk])).status_code == 200
    page = top.get(reverse("backoffice:complaint", args=[complaint.reference])).content.decode()
    assert "cmnd-tran-thi-mai.png" not in page and "bien-ban.png" in page
    assert (
        signed_in(team.handler)
        .get(reverse("backoffice:attachment", args=[personal.pk]))
        .status_code
        == 200
    )


def test_deadlines_show_their_targets_and_the_legal_limit(team, signed_in):
    team.handler.language = "en"
    team.handler.save()
    complaint = receive(team, is_negotiation_request=True).complaint
    page = (
        signed_in(team.handler)
        .get(reverse("backoffice:complaint", args=[complaint.reference]))
        .content.decode()
    )

    assert "7 working days" in page and "legal limit" in page
    assert "1 working day<" in page  # the acknowledgement target of the same policy
    assert "Time limits of the policy" in page


@pytest.mark.parametrize("role", ["top", "auditor"])
def test_a_role_that_sees_the_complainant_masked_cannot_get_a_filled_reply(team, signed_in, role):
    complaint = receive(team, complainant=ComplainantFactory(full_name="Emma Wilson")).complaint
    response = signed_in(getattr(team, role)).get(
        reverse("backoffice:reply_template", args=[complaint.reference]) + "?template=reply-general"
    )
    assert response.status_code == 403
    assert "Emma Wilson" not in response.content.decode()
