"""The data-subject requests' pages in the staff site (docs/privacy.md): the DPO records a
request received by phone, sees it in the list with its clocks and takes its steps; a refusal
comes back on the form with its status and changes nothing; auditors read, others are refused;
the list's queries do not grow with its rows."""

import pytest
from django.urls import reverse
from django.utils import timezone

from redress.core.models import User
from redress.core.testing import actor
from redress.handling.testing import receive
from redress.privacy import requests as services
from redress.privacy.models import DataSubjectRequest, RequestStatus
from redress.sla.testing import frozen_clock

pytestmark = pytest.mark.django_db


def sign_in(client, person):
    client.force_login(User.objects.get(pk=person.pk))


def recorded(dpo, **extra):
    return services.request_receive(
        actor=actor(dpo),
        kind=extra.pop("kind", "objection"),
        channel="staff",
        contact_phone="0901234567",
        **extra,
    )


def test_the_dpo_records_a_request_by_phone_and_handles_it_on_its_page(client, team, dpo):
    complaint = receive(team).complaint
    sign_in(client, dpo)
    form = {
        "kind": "restriction",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "references": complaint.reference.lower(),
        "contact_phone": "0901234567",
        "verification": "staff_check",
    }
    unknown = client.post(
        reverse("backoffice:privacy_request_new"), {**form, "references": "KN-2026-999999"}
    )
    assert unknown.status_code == 422 and "KN-2026-999999" in unknown.content.decode()
    assert not DataSubjectRequest.objects.exists()
    done = client.post(reverse("backoffice:privacy_request_new"), form)
    request = DataSubjectRequest.objects.get()
    assert done.status_code == 302
    assert done.url == reverse("backoffice:privacy_request", args=[request.pk])
    assert list(request.complaints.all()) == [complaint] and request.channel == "staff"
    listing = client.get(reverse("backoffice:privacy_requests")).content.decode()
    assert request.reference in listing

    extend = reverse("backoffice:privacy_request_extend", args=[request.pk])
    too_long = client.post(extend, {"days": "20", "reason": "Cần thêm thời gian"})
    assert too_long.status_code == 422 and "15" in too_long.content.decode()
    assert DataSubjectRequest.objects.get().extended_at is None
    assert client.post(extend, {"days": "10", "reason": "Chờ bên xử lý"}).status_code == 302
    again = client.post(extend, {"days": "2", "reason": "Lần hai"})
    assert again.status_code == 422
    client.post(
        reverse("backoffice:privacy_request_respond", args=[request.pk]), {"note": "Đã gọi lại"}
    )
    client.post(
        reverse("backoffice:privacy_request_complete", args=[request.pk]),
        {"outcome_note": "Đã hạn chế xử lý"},
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.DONE and request.extension_days == 10
    page = client.get(reverse("backoffice:privacy_request", args=[request.pk]))
    assert page.status_code == 200 and "Đã hạn chế xử lý" in page.content.decode()
    # The history names who took each step, never their username.
    history = page.content.decode().split('id="h-history"')[1]
    assert dpo.get_full_name() in history and "baove" not in history
    # A closed request takes no more steps: 409, nothing changes.
    late = client.post(
        reverse("backoffice:privacy_request_refuse", args=[request.pk]), {"reason": "x"}
    )
    assert late.status_code == 409
    assert DataSubjectRequest.objects.get().status == RequestStatus.DONE


def test_the_list_marks_overdue_requests_and_auditors_read_without_acting(client, team, dpo):
    with frozen_clock("2026-03-02 09:00"):
        overdue = recorded(dpo)
    recorded(dpo)
    auditor = team.auditor
    sign_in(client, auditor)
    listing = client.get(reverse("backoffice:privacy_requests"))
    assert listing.status_code == 200
    assert overdue.reference in listing.content.decode() and "tag warn" in listing.content.decode()
    page = client.get(reverse("backoffice:privacy_request", args=[overdue.pk]))
    assert page.status_code == 200
    assert reverse("backoffice:privacy_request_refuse", args=[overdue.pk]) not in (
        page.content.decode()
    )
    refused = client.post(
        reverse("backoffice:privacy_request_refuse", args=[overdue.pk]), {"reason": "x"}
    )
    assert refused.status_code == 403
    sign_in(client, team.manager)
    assert client.get(reverse("backoffice:privacy_requests")).status_code == 403


def test_the_list_makes_a_fixed_number_of_queries(client, dpo, django_assert_max_num_queries):
    for _ in range(3):
        recorded(dpo)
    sign_in(client, dpo)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("backoffice:privacy_requests"))
    for _ in range(7):
        recorded(dpo)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("backoffice:privacy_requests"))
