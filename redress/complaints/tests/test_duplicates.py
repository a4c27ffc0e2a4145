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
