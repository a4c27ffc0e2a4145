"""The workflow in the workspace: forms that show their fields as groups and answer in
Vietnamese; assign and move in one step; the bulk assign's owner list; a returned proposal as
the start of the next; the decision mail previewed before it is sent; Vietnamese order of
categories; amounts as 8.990.000 ₫; timelines that name people."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from redress.backoffice.templatetags.people import SYSTEM_WORDS
from redress.complaints.models import Complaint, ConflictDeclaration, Decision, RemedyType, Status
from redress.complaints.testing import CategoryFactory, ComplainantFactory
from redress.core.actors import Actor
from redress.core.roles import Role
from redress.core.testing import UnitFactory, staff
from redress.handling import services
from redress.handling.testing import complaint_in_state, receive
from redress.notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def act_url(complaint, action):
    return reverse("backoffice:act", args=[complaint.reference, action])


def options(html, name):
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


# --- forms: groups, required marks, server-side messages ------------------------------------


def test_action_forms_leave_validation_to_the_server_and_mark_required_fields(team, signed_in):
    complaint = complaint_in_state(Status.ACKNOWLEDGED, team)
    client = signed_in(team.handler)
    form = client.get(act_url(complaint, "assess"), HTTP_HX_REQUEST="true").content.decode()
    assert re.search(r'<form[^>]*id="action-form"[^>]*novalidate', form)
    # Each field is one group: its label (with * when required) above its input.
    assert re.search(
        r'<div class="field">\s*<label for="id_severity">Mức độ nghiêm trọng '
        r'<span class="req" aria-hidden="true">\*</span></label>\s*<select name="severity"',
        form,
    )
    refused = client.post(
        act_url(complaint, "assess"), {"severity": "high"}, HTTP_HX_REQUEST="true"
    )
    body = refused.content.decode()
    assert refused.status_code == 422
    # The message is the server's, in Vietnamese, under the field it is about.
    group = body[body.index('<label for="id_classification">') :]
    group = group[: group.index("</div>")]
    assert "Trường này là bắt buộc." in group


def test_frontline_intake_takes_the_files_the_complainant_hands_in(team, signed_in):
    client = signed_in(team.frontline)
    page = client.get(reverse("backoffice:intake")).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'type="file" name="attachments"' in page
    assert '<span class="req" aria-hidden="true">*</span>' in page  # "fields marked *"
    response = client.post(
        reverse("backoffice:intake"),
        {
            "channel": "in_person",
            "received_by": team.frontline.pk,
            "unit": team.unit.pk,
            "full_name": "Nguyễn Thị Lan",
            "phone": "0912345678",
            "preferred_language": "vi",
            "subject": "Hóa đơn tính sai tiền",
            "description": "Khách mang hóa đơn đến quầy.",
            "attachments": [SimpleUploadedFile("hoa-don.png", PNG, content_type="image/png")],
        },
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert [a.original_name for a in complaint.attachments.all()] == ["hoa-don.png"]


def test_intake_refuses_a_file_of_a_kind_not_taken_under_its_field(team, signed_in):
    client = signed_in(team.frontline)
    response = client.post(
        reverse("backoffice:intake"),
        {
            "channel": "phone",
            "received_by": team.frontline.pk,
            "unit": team.unit.pk,
            "full_name": "Nguyễn Thị Lan",
            "phone": "0912345678",
            "preferred_language": "vi",
            "subject": "Hóa đơn",
            "description": "Khách gửi tệp.",
            "attachments": [SimpleUploadedFile("virus.exe", b"MZ" + b"\x00" * 64)],
        },
    )
    body = response.content.decode()
    assert response.status_code == 422 and not Complaint.objects.exists()
    assert "Vui lòng sửa các trường được đánh dấu bên dưới." in body
    group = body[body.index('<label for="id_attachments">') :]
    group = group[: group.index("</fieldset>")]
    assert 'class="errorlist' in group and "PDF" in group


# --- assign and move in one step -------------------------------------------------------------


def test_the_owner_list_follows_the_unit_chosen_and_assign_moves_in_one_step(team, signed_in):
    complaint = receive(team).complaint
    other = UnitFactory.create(parent=team.unit)
    there = staff(Role.HANDLER, other, first_name="Lê", last_name="Văn Bình")
    client = signed_in(team.manager)
    here = options(
        client.get(act_url(complaint, "assign"), HTTP_HX_REQUEST="true").content.decode(), "owner"
    )
    assert str(team.handler.pk) in dict(here) and str(there.pk) not in dict(here)
    # With JavaScript: the unit's change asks for the form again, with that unit's people.
    moved = client.get(act_url(complaint, "assign") + f"?unit={other.pk}", HTTP_HX_REQUEST="true")
    offered = dict(options(moved.content.decode(), "owner"))
    assert str(there.pk) in offered and str(team.handler.pk) not in offered
    assert str(team.manager.pk) in offered  # a manager above the unit may take it
    # Without JavaScript: the form's own button shows the same list, and changes nothing.
    refreshed = client.post(act_url(complaint, "assign"), {"unit": other.pk, "refresh_owners": "1"})
    assert refreshed.status_code == 200
    assert str(there.pk) in dict(options(refreshed.content.decode(), "owner"))
    assert Complaint.objects.get(pk=complaint.pk).unit_id == team.unit.pk
    done = client.post(act_url(complaint, "assign"), {"unit": other.pk, "owner": there.pk})
    assert done.status_code == 302
    assigned = Complaint.objects.get(pk=complaint.pk)
    assert (assigned.unit_id, assigned.owner_id) == (other.pk, there.pk)


def test_bulk_assign_offers_only_who_may_take_every_selected_complaint(team, signed_in):
    other = UnitFactory.create(parent=team.unit)
    there = staff(Role.HANDLER, other)
    here_one = receive(team).complaint
    there_one = receive(team, unit=other).complaint
    ConflictDeclaration.objects.create(
        complaint=there_one,
        person=team.manager,
        reason="Người thân",
        declared_at=there_one.received_at,
    )
    client = signed_in(team.manager)
    url = reverse("backoffice:bulk_owners")
    alone = client.get(url, {"ref": [here_one.reference]}).content.decode()
    assert f'value="{team.handler.pk}"' in alone and f'value="{there.pk}"' not in alone
    both = client.get(url, {"ref": [here_one.reference, there_one.reference]}).content.decode()
    # Neither unit's handler may take the other's; the manager declared a conflict on one.
    assert f'value="{team.handler.pk}"' not in both and f'value="{there.pk}"' not in both
    assert f'value="{team.manager.pk}"' not in both
    assert re.findall(r'<option value="(\d*)"', both) == [""]
    page = client.get(reverse("backoffice:queue", args=["all"])).content.decode()
    assert f'data-owners-url="{url}"' in page


def test_the_bulk_owner_list_costs_the_same_queries_for_two_or_twenty_complaints(
    team, signed_in, django_assert_max_num_queries
):
    complaints = [receive(team).complaint for _ in range(20)]
    client = signed_in(team.manager)
    url = reverse("backoffice:bulk_owners")
    client.get(url, {"ref": [complaints[0].reference]})  # the session and roles, warmed
    with django_assert_max_num_queries(14):
        two = client.get(url, {"ref": [c.reference for c in complaints[:2]]})
    with django_assert_max_num_queries(14):
        twenty = client.get(url, {"ref": [c.reference for c in complaints]})
    assert two.content == twenty.content
    assert f'value="{team.handler.pk}"'.encode() in twenty.content


# --- a returned proposal is the start of the next ---------------------------------------------


def test_after_a_return_the_proposal_form_starts_from_the_returned_proposal(team, signed_in):
    complaint = complaint_in_state(Status.INVESTIGATING, team)
    handler = Actor.for_user(team.handler)
    services.complaint_propose_decision(
        complaint=complaint,
        actor=handler,
        outcome="partly_upheld",
        summary="Hoàn 50% phí dịch vụ tháng 10",
        reasons="Lỗi đồng hồ đo chỉ ảnh hưởng nửa tháng",
        remedies=[
            services.RemedyInput(
                type=RemedyType.REFUND, amount=8_990_000, description="Chuyển khoản"
            ),
        ],
    )
    services.complaint_return_decision(
        complaint=complaint, actor=Actor.for_user(team.manager), reason="Thiếu biên bản kiểm tra"
    )
    form = signed_in(team.handler).get(
        act_url(complaint, "propose_decision"), HTTP_HX_REQUEST="true"
    )
    body = form.content.decode()
    assert "Hoàn 50% phí dịch vụ tháng 10</textarea>" in body
    assert "Lỗi đồng hồ đo chỉ ảnh hưởng nửa tháng</textarea>" in body
    assert '<option value="partly_upheld" selected>' in body
    assert re.search(r'name="remedies-0-amount" value="8990000"', body)
    assert re.search(r'name="remedies-0-description" value="Chuyển khoản"', body)
    assert '<option value="refund" selected>' in body
    assert 'name="remedies-1-type"' in body  # room for another remedy


def test_a_first_proposal_starts_empty(team, signed_in):
    complaint = complaint_in_state(Status.INVESTIGATING, team)
    body = (
        signed_in(team.handler)
        .get(act_url(complaint, "propose_decision"), HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert re.search(r'name="summary"[^>]*>\s*</textarea>', body)


# --- the decision mail previewed ---------------------------------------------------------------


def test_communicating_shows_the_decision_mail_exactly_as_it_will_be_sent(team, signed_in):
    complaint = complaint_in_state(Status.DECISION_APPROVED, team)
    decision = Decision.objects.get(complaint=complaint)
    decision.remedies.update(amount=8_990_000)
    body = (
        signed_in(team.handler)
        .get(act_url(complaint, "communicate_decision"), HTTP_HX_REQUEST="true")
        .content.decode()
    )
    preview = body[body.index('id="decision-preview"') :]
    assert 'data-way="email"' in preview and "data-text-preview" not in preview
    assert complaint.complainant.email in preview
    assert complaint.reference in preview
    assert decision.summary in preview
    assert "8.990.000 ₫" in preview
    services.complaint_communicate_decision(
        complaint=complaint, actor=Actor.for_user(team.handler), via="email"
    )
    sent = (
        complaint.outbound_emails.order_by("-pk").first()
        if hasattr(complaint, "outbound_emails")
        else None
    )

    sent = OutboundEmail.objects.filter(complaint=complaint, template_code="decision").get()
    assert html.escape(sent.subject) in preview
    for line in sent.body.splitlines():
        assert html.escape(line) in preview


def test_without_an_email_the_preview_says_nothing_is_sent(team, signed_in):
    complaint = complaint_in_state(
        Status.DECISION_APPROVED, team, complainant=ComplainantFactory.create(email="")
    )
    body = (
        signed_in(team.handler)
        .get(act_url(complaint, "communicate_decision"), HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert 'data-way="none"' in body and "By email to" not in body
    assert '<option value="phone" selected>' in body  # communicated by another channel


# --- Vietnamese order, money, names ------------------------------------------------------------


def test_categories_are_listed_in_vietnamese_alphabetical_order(team, signed_in):
    for name in ("Giao hàng", "Đổi trả", "Bảo hành", "Dịch vụ", "Âm thanh", "An toàn"):
        CategoryFactory.create(name_vi=name)
    page = signed_in(team.frontline).get(reverse("backoffice:intake")).content.decode()
    names = [text for value, text in options(page, "category") if value]
    assert names == ["An toàn", "Âm thanh", "Bảo hành", "Dịch vụ", "Đổi trả", "Giao hàng"]


def test_the_remedy_to_settle_shows_its_amount_as_people_write_it(team, signed_in):
    complaint = complaint_in_state(Status.RESOLVED, team)
    Decision.objects.get(complaint=complaint).remedies.update(amount=8_990_000)
    body = (
        signed_in(team.handler)
        .get(act_url(complaint, "settle_remedy"), HTTP_HX_REQUEST="true")
        .content.decode()
    )
    labels = [text for _value, text in options(body, "remedy")]
    assert any("8.990.000 ₫" in label for label in labels), labels


def test_the_timeline_names_people_and_channels_never_usernames_or_codes(team, signed_in):
    complaint = receive(team).complaint  # received through the portal ("web")
    team.handler.first_name, team.handler.last_name = "Tuấn", "Phạm Minh"
    team.handler.save()
    services.complaint_acknowledge(complaint=complaint, actor=Actor.for_user(team.handler))
    services.complaint_pause(
        complaint=complaint,
        actor=Actor.for_user(team.handler),
        reason="complainant",
        note="Ảnh hóa đơn?",
    )
    services.complaint_add_message(
        complaint=Complaint.objects.get(pk=complaint.pk),
        actor=Actor.channel("web"),
        direction="inbound",
        body="Đây là ảnh",
    )
    page = (
        signed_in(team.manager)
        .get(reverse("backoffice:complaint", args=[complaint.reference]))
        .content.decode()
    )
    timeline = page[page.index('id="h-timeline"') :]
    who = re.findall(r'<span class="who">([^<]*)</span>', timeline)
    assert "Tuấn Phạm Minh" in who or "Phạm Minh Tuấn" in who
    assert "Cổng thông tin" in who
    with translation.override("vi"):
        assert str(SYSTEM_WORDS["complainant-replied"]) in who
    assert (
        team.handler.username not in who and "web" not in who and "complainant-replied" not in who
    )
