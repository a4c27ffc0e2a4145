"""An import finds possible duplicates as every channel does (ISO 10002 7.2): the same person
(email or phone), a similar subject, within 30 days — against the stored complaints and the
file's earlier rows — and keeps them as links and on the receive event, in a fixed number of
queries whatever the number of rows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from redress.complaints.models import Complaint, ComplaintLink, LinkKind
from redress.complaints.testing import ComplainantFactory
from redress.handling.testing import receive
from redress.intake.importing import plan_write
from redress.intake.tests.test_import import DAY, csv_bytes, plan_for, team  # noqa: F401

pytestmark = pytest.mark.django_db


def _row(name, email, phone, subject, day=DAY):
    return [name, email, phone, subject, "Nội dung.", day.strftime("%d/%m/%Y"), "", "", "", ""]


def _imported(subject):
    return Complaint.objects.get(subject=subject, source_system="import")


def test_a_row_repeating_a_stored_complaint_of_the_same_person_is_linked_to_it(team):  # noqa: F811
    stored = receive(
        team,
        complainant=ComplainantFactory(email="Lan@example.vn"),
        subject="Hóa đơn tháng 5 tính sai tiền",
        received_at=timezone.make_aware(dt.datetime.combine(DAY, dt.time(8))),
    ).complaint
    other_person = receive(
        team,
        complainant=ComplainantFactory(email="khac@example.vn"),
        subject="Hóa đơn tháng 5 tính sai tiền",
    ).complaint

    plan_write(
        plan_for(
            csv_bytes(
                [
                    _row("Lan", "lan@example.vn", "", "Hoá đơn tháng 5 tính sai tiền"),
                    _row("Lan", "lan@example.vn", "", "Nhân viên thái độ kém"),
                ]
            )
        )
    )

    repeat = _imported("Hoá đơn tháng 5 tính sai tiền")
    link = ComplaintLink.objects.get(complaint=repeat)
    assert (link.other_id, link.kind, link.found_by) == (
        stored.pk,
        LinkKind.POSSIBLE_DUPLICATE,
        "import",
    )
    assert repeat.events.get(action="receive").data["possible_duplicates"] == [stored.reference]
    unrelated = _imported("Nhân viên thái độ kém")
    assert not ComplaintLink.objects.filter(complaint=unrelated).exists()
    assert not ComplaintLink.objects.filter(other=other_person).exists()


def test_a_row_repeating_an_earlier_row_of_the_file_is_linked_to_it(team):  # noqa: F811
    plan_write(
        plan_for(
            csv_bytes(
                [
                    _row("Bình", "", "0912 345 678", "Giao hàng trễ mười ngày"),
                    _row("Bình", "", "0912345678", "Giao hàng trễ 10 ngày", DAY),
                    # Same person and subject, but months apart: not the same complaint.
                    _row("Bình", "", "0912345678", "Giao hàng trễ", DAY - dt.timedelta(days=90)),
                ]
            )
        )
    )

    first = _imported("Giao hàng trễ mười ngày")
    second = _imported("Giao hàng trễ 10 ngày")
    assert list(ComplaintLink.objects.values_list("complaint_id", "other_id")) == [
        (second.pk, first.pk)
    ]
    assert second.events.get(action="receive").data["possible_duplicates"] == [first.reference]


def test_finding_duplicates_takes_the_same_queries_for_ten_rows_as_for_two(team):  # noqa: F811
    def queries(count):
        rows = [
            _row(f"Người {i}", f"p{count}-{i}@example.vn", "", f"Khiếu nại số {i}")
            for i in range(count)
        ]
        plan = plan_for(csv_bytes(rows))
        with CaptureQueriesContext(connection) as captured:
            plan_write(plan)
        return len(captured)

    queries(2)  # what is remembered after a first import (the organisation, the top unit)
    assert queries(10) == queries(3)
