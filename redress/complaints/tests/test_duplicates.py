"""Possible duplicates at intake: same complainant, similar subject, last 30 days, visible."""

import datetime as dt

import pytest
from django.utils import timezone

from redress.complaints.duplicates import complaint_duplicates, subject_similarity
from redress.complaints.models import Complaint
from redress.complaints.testing import ComplainantFactory
from redress.handling.testing import make_team, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return make_team()


@pytest.fixture
def earlier(team):
    person = ComplainantFactory(email="an@example.vn", phone="0911222333")
    return receive(team, complainant=person, subject="Hóa đơn tính sai tiền").complaint


def test_similarity_ignores_accents_and_case():
    assert subject_similarity("Hóa đơn tính sai tiền", "hoa don tinh sai tien") == 1
    assert subject_similarity("Hóa đơn tính sai", "Giao hàng trễ") < 0.5


@pytest.mark.parametrize(
    "email,phone,subject",
    [
        ("AN@example.vn", "", "Hoá đơn tính sai tiền tháng 10"),
        ("", "0911222333", "hoa don sai tien"),
        ("", "0911 222 333", "Hóa đơn tính sai tiền"),
    ],
)
def test_same_person_similar_subject_is_suggested(team, earlier, email, phone, subject):
    assert complaint_duplicates(team.frontline, email=email, phone=phone, subject=subject) == [
        earlier
    ]


def test_other_subject_other_person_old_or_invisible_are_not(team, earlier):
    assert (
        complaint_duplicates(team.frontline, email="an@example.vn", subject="Giao hàng trễ hẹn")
        == []
    )
    assert (
        complaint_duplicates(
            team.frontline, email="other@example.vn", subject="Hóa đơn tính sai tiền"
        )
        == []
    )
    assert (
        complaint_duplicates(
            make_team().frontline, email="an@example.vn", subject="Hóa đơn tính sai tiền"
        )
        == []
    )
    Complaint.objects.filter(pk=earlier.pk).update(
        received_at=timezone.now() - dt.timedelta(days=31)
    )
    assert (
        complaint_duplicates(team.frontline, email="an@example.vn", subject="Hóa đơn tính sai tiền")
        == []
    )


LATE_PARCEL = (
    "Đơn hàng của tôi đã quá hẹn năm ngày mà kiện hàng vẫn chưa được giao, tổng đài không "
    "trả lời, đề nghị kiểm tra và giao ngay."
)


def test_same_person_with_a_like_text_under_another_subject_is_suggested(team):
    person = ComplainantFactory(email="binh@example.vn")
    earlier = receive(
        team, complainant=person, subject="Giao hàng trễ", description=LATE_PARCEL
    ).complaint
    found = complaint_duplicates(
        team.frontline,
        email="binh@example.vn",
        subject="Khiếu nại lần hai",  # a subject nothing like the first one's
        description="Don hang cua toi da qua hen nam ngay ma kien hang van chua duoc giao.",
    )
    assert found == [earlier]


def test_the_same_order_with_a_like_text_is_suggested_whoever_writes(team):
    earlier = receive(
        team,
        complainant=ComplainantFactory(email="chi@example.vn"),
        subject="Giao hàng trễ",
        description=LATE_PARCEL,
        order_ref="DH-7781",
    ).complaint
    receive(
        team,
        complainant=ComplainantFactory(email="other@example.vn"),
        subject="Giao hàng trễ",
        description=LATE_PARCEL,
        order_ref="DH-1000",
    )
    # The complainant's husband writes about the same order, from his own address.
    found = complaint_duplicates(
        team.frontline,
        email="chong@example.vn",
        subject="Đơn DH-7781 chưa giao",
        description="Kiện hàng vẫn chưa được giao, quá hẹn năm ngày, tổng đài không trả lời.",
        order_ref="DH-7781",
    )
    assert found == [earlier]
    # The same order about something else entirely is not the same complaint.
    assert (
        complaint_duplicates(
            team.frontline,
            email="chong@example.vn",
            subject="Nhân viên thô lỗ",
            description="Nhân viên cửa hàng nói chuyện rất thô lỗ với vợ tôi.",
            order_ref="DH-7781",
        )
        == []
    )


def test_a_like_text_from_another_person_about_no_shared_order_is_not_a_duplicate(team):
    receive(
        team,
        complainant=ComplainantFactory(email="dung@example.vn"),
        subject="Giao hàng trễ",
        description=LATE_PARCEL,
    )
    assert (
        complaint_duplicates(
            team.frontline, email="em@example.vn", subject="Giao hàng trễ", description=LATE_PARCEL
        )
        == []
    )
