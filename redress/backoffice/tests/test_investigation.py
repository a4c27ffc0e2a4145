"""The investigation record in the staff site (ISO 10002 7.6): activities with evidence files,
findings and root cause, 5 whys and fishbone, each through its service; refusals shown on the
form with nothing changed; readers see it without the forms."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from redress.complaints.testing import plain_pdf
from redress.handling.testing import receive
from redress.improvement.models import Investigation, InvestigationActivity
from redress.improvement.tests.helpers import cause

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint(team):
    return receive(team).complaint


def url(name, complaint):
    return reverse(f"backoffice:{name}", args=[complaint.reference])


def test_a_handler_records_an_activity_with_evidence_and_the_root_cause(team, signed_in, complaint):
    client = signed_in(team.handler)
    assert 'id="investigation-link"' in client.get(url("complaint", complaint)).content.decode()
    response = client.post(
        url("investigation_activity", complaint),
        {
            "done_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
            "checked": "Nhật ký thanh toán",
            "result": "Trừ tiền hai lần",
            "evidence": SimpleUploadedFile("sao-ke.pdf", plain_pdf()),
        },
    )
    assert response.status_code == 302
    activity = InvestigationActivity.objects.get()
    assert [f.original_name for f in activity.evidence.all()] == ["sao-ke.pdf"]
    handover = cause("process-handover")
    response = client.post(
        url("investigation_conclude", complaint),
        {"findings": "Bàn giao ca thiếu", "root_cause": handover.pk, "root_cause_text": "Ca tối"},
    )
    assert response.status_code == 302
    assert Investigation.objects.get().root_cause == handover
    page = client.get(url("investigation", complaint)).content.decode()
    assert 'id="root-cause"' in page and "sao-ke.pdf" in page


def test_refusals_are_shown_on_the_form_and_change_nothing(team, signed_in, complaint):
    client = signed_in(team.handler)
    refused = client.post(
        url("investigation_activity", complaint),
        {"done_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat(), "checked": "x"},
    )
    assert refused.status_code == 422
    assert "Ngày không được ở tương lai." in refused.content.decode()
    empty = client.post(url("investigation_conclude", complaint), {"findings": ""})
    assert empty.status_code == 422
    assert not Investigation.objects.exists()


def test_five_whys_and_fishbone_leave_out_blank_rows(team, signed_in, complaint):
    client = signed_in(team.handler)
    whys = {
        "why-TOTAL_FORMS": "3",
        "why-INITIAL_FORMS": "0",
        "why-0-why": "Vì sao trừ hai lần?",
        "why-0-answer": "Gửi lệnh hai lần",
        "why-1-why": "",
        "why-1-answer": "",
        "why-2-why": "Vì sao gửi hai lần?",
        "why-2-answer": "Bấm lại khi chờ",
    }
    assert client.post(url("investigation_whys", complaint), whys).status_code == 302
    assert list(complaint.why_steps.values_list("position", "answer")) == [
        (1, "Gửi lệnh hai lần"),
        (2, "Bấm lại khi chờ"),
    ]
    half = {**whys, "why-1-why": "Chỉ có câu hỏi"}
    assert client.post(url("investigation_whys", complaint), half).status_code == 422
    assert complaint.why_steps.count() == 2
    bones = {
        "bone-TOTAL_FORMS": "2",
        "bone-INITIAL_FORMS": "0",
        "bone-0-family": cause("people").pk,
        "bone-0-text": "Nhân viên mới",
        "bone-1-family": "",
        "bone-1-text": "",
    }
    assert client.post(url("investigation_fishbone", complaint), bones).status_code == 302
    assert list(complaint.fishbone.values_list("text", flat=True)) == ["Nhân viên mới"]


def test_readers_see_the_record_without_the_forms_and_cannot_write(team, signed_in, complaint):
    client = signed_in(team.auditor)
    page = client.get(url("investigation", complaint)).content.decode()
    assert "/investigation/activity/" not in page
    refused = client.post(url("investigation_conclude", complaint), {"findings": "x"})
    assert refused.status_code == 403
    assert not Investigation.objects.exists()


def test_frontline_staff_may_not_read_an_investigation_and_only_investigators_record_one(
    team, signed_in, complaint
):
    """Reading an investigation is for the roles that read improvement records, recording it
    for handlers and complaints managers (``IMPROVEMENT_ROLES``): the others are refused (403)
    before any form is read, where they used to get the page or the form's 422."""
    url = reverse("backoffice:investigation", args=[complaint.reference])
    assert signed_in(team.frontline).get(url).status_code == 403
    for name in ("activity", "conclude", "whys", "fishbone"):
        step = reverse(f"backoffice:investigation_{name}", args=[complaint.reference])
        for person in (team.frontline, team.top, team.auditor):
            assert signed_in(person).post(step, {}).status_code == 403, (name, person)
        assert signed_in(team.handler).post(step, {}).status_code == 422, name
    assert signed_in(team.auditor).get(url).status_code == 200
    assert not Investigation.objects.filter(complaint=complaint).exists()
