"""Frontline intake by phone, in person or letter: fast, with a duplicate warning."""

import pytest
from django.urls import reverse

from redress.complaints.models import Complaint, Status
from redress.complaints.references import tracking_code_matches
from redress.complaints.testing import ComplainantFactory
from redress.handling.testing import receive

pytestmark = pytest.mark.django_db


def data(team, **extra):
    return {
        "channel": "phone",
        "received_by": team.frontline.pk,
        "unit": team.unit.pk,
        "full_name": "Nguyễn Thị Lan",
        "phone": "0912345678",
        "email": "lan@example.vn",
        "preferred_language": "vi",
        "subject": "Hóa đơn tính sai tiền",
        "description": "Khách gọi tổng đài báo bị tính tiền hai lần.",
        **extra,
    }


def test_frontline_logs_a_phone_complaint_and_sees_the_tracking_code_once(team, signed_in):
    client = signed_in(team.frontline)
    assert client.get(reverse("backoffice:intake")).status_code == 200
    response = client.post(reverse("backoffice:intake"), data(team))
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "backoffice:intake_done", args=[complaint.reference]
    )
    assert (complaint.channel, complaint.received_by, complaint.status) == (
        "phone",
        team.frontline,
        Status.RECEIVED,
    )
    assert complaint.events.get().actor_user == team.frontline
    page = client.get(response.url).content.decode()
    code = page.split('class="code">')[1].split("<")[0]
    assert tracking_code_matches(complaint, code)
    again = client.get(response.url)
    assert again.status_code == 302 and again.url == reverse(
        "backoffice:complaint", args=[complaint.reference]
    )


def test_duplicate_warning_needs_confirmation(team, signed_in):
    earlier = receive(
        team, complainant=ComplainantFactory(email="lan@example.vn"), subject="Hóa đơn tính sai"
    ).complaint
    client = signed_in(team.frontline)
    response = client.post(reverse("backoffice:intake"), data(team))
    assert response.status_code == 409 and earlier.reference in response.content.decode()
    assert Complaint.objects.count() == 1
    hint = client.get(
        reverse("backoffice:intake_duplicates") + "?email=lan@example.vn&subject=hoa+don+tinh+sai"
    )
    assert earlier.reference in hint.content.decode()
    response = client.post(reverse("backoffice:intake"), data(team, not_duplicate="on"))
    assert response.status_code == 302 and Complaint.objects.count() == 2


def test_the_duplicate_hint_reads_the_description_and_the_order_typed(team, signed_in):
    earlier = receive(
        team,
        complainant=ComplainantFactory(email="mai@example.vn"),
        subject="Giao hàng trễ",
        description="Kiện hàng quá hẹn năm ngày vẫn chưa được giao, tổng đài không trả lời.",
        order_ref="DH-5521",
    ).complaint
    client = signed_in(team.frontline)
    typed = {
        "email": "someone.else@example.vn",
        "subject": "Đơn chưa giao",
        "description": "Kien hang qua hen nam ngay van chua duoc giao, tong dai khong tra loi.",
    }
    hint = client.post(reverse("backoffice:intake_duplicates"), typed).content.decode()
    assert earlier.reference not in hint
    hint = client.post(
        reverse("backoffice:intake_duplicates"), {**typed, "order_ref": "DH-5521"}
    ).content.decode()
    assert earlier.reference in hint


def test_missing_contact_and_future_time_are_refused(team, signed_in):
    client = signed_in(team.frontline)
    response = client.post(
        reverse("backoffice:intake"), data(team, phone="", email="", received_at="2999-01-01T10:00")
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert set(errors) == {"phone", "received_at"}
    assert Complaint.objects.count() == 0


def test_letter_received_earlier_keeps_its_date(team, signed_in):
    signed_in(team.frontline).post(
        reverse("backoffice:intake"), data(team, channel="letter", received_at="2026-01-05T09:30")
    )
    complaint = Complaint.objects.get()
    assert complaint.channel == "letter"
    assert complaint.received_at.isoformat().startswith(
        "2026-01-05T02:30"
    )  # 09:30 in Hanoi is 02:30 UTC
