"""A complainant's requests about their personal data on the portal (issue 15, REQ-PD-2): from
the complaint's page, verified by the tracking code, acknowledged on a page and by email with
the request's reference and due date; from the stand-alone page, the same neutral answer for a
known and an unknown code, within the portal's tracking limit."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from redress.handling.testing import make_team, receive
from redress.notifications.models import OutboundEmail
from redress.privacy.models import DataSubjectRequest, RequestStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("portal_settings")]


@pytest.fixture
def team():
    return make_team()


def open_complaint(client, reference, code):
    response = client.post("/en/track/", {"reference": reference, "code": code})
    assert response.status_code == 302
    return client.get(response["Location"])


def test_from_the_complaint_page_the_request_is_recorded_and_acknowledged(client, team):
    received = receive(team)
    complaint = received.complaint
    page = open_complaint(client, complaint.reference, received.tracking_code).content.decode()
    assert f"/en/track/{complaint.reference}/personal-data/" in page
    url = f"/en/track/{complaint.reference}/personal-data/"
    # No choice: the page again with the problem, nothing recorded.
    refused = client.post(url, {"data_request": "", "data_note": ""})
    assert refused.status_code == 200
    assert "Choose what you would like us to do." in refused.content.decode()
    assert not DataSubjectRequest.objects.exists()

    sent = client.post(url, {"data_request": "access", "data_note": "Xin bản sao dữ liệu"})
    assert sent.status_code == 302 and sent["Location"].endswith("/personal-data/received/")
    request = DataSubjectRequest.objects.get()
    assert request.status == RequestStatus.VERIFIED and request.channel == "portal"
    assert list(request.complaints.all()) == [complaint]
    receipt = client.get(sent["Location"]).content.decode()
    assert request.reference in receipt and 'id="completion-due"' in receipt
    email = OutboundEmail.objects.get(template_code="dsar_acknowledgement")
    assert email.to == complaint.complainant.email and request.reference in email.body


def test_without_the_tracking_code_nothing_is_recorded(client, team):
    complaint = receive(team).complaint
    response = client.post(
        f"/en/track/{complaint.reference}/personal-data/", {"data_request": "access"}
    )
    assert response.status_code == 302 and "/track/" in response["Location"]
    assert client.get("/en/personal-data/received/").status_code == 302
    assert not DataSubjectRequest.objects.exists()


def test_a_known_and_an_unknown_code_get_the_same_answer(client, team, settings):
    cache.clear()
    received = receive(team)
    reference = received.complaint.reference

    def ask(code):
        return client.post(
            "/en/personal-data/",
            {"reference": reference, "code": code, "data_request": "erasure", "data_note": ""},
        )

    known = ask(received.tracking_code)
    unknown = ask("ZZZZ-ZZZZ-ZZZZ")
    assert known.status_code == unknown.status_code == 200
    words = 'id="neutral-answer"'
    assert words in known.content.decode() and words in unknown.content.decode()
    strip = [reference, received.tracking_code]
    bodies = [r.content.decode() for r in (known, unknown)]
    for secret in strip:
        bodies = [b.replace(secret, "") for b in bodies]
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", bodies[0]) == token.sub("", bodies[1])
    assert DataSubjectRequest.objects.get().kind == "erasure"


def test_wrong_codes_count_against_the_tracking_limit(client, team, settings):
    cache.clear()
    settings.REDRESS_PORTAL_TRACK_RATE = "2/600"
    reference = receive(team).complaint.reference
    form = {"reference": reference, "code": "ZZZZ-ZZZZ-ZZZZ", "data_request": "access"}
    statuses = [client.post("/en/personal-data/", form).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert not DataSubjectRequest.objects.exists()


def test_once_the_access_request_is_done_the_person_downloads_their_data(client, team):
    import io
    import json
    import zipfile

    from redress.audit.models import AuditEntry
    from redress.core.roles import Role
    from redress.core.testing import actor, staff
    from redress.privacy import requests as services

    received = receive(team)
    complaint = received.complaint
    open_complaint(client, complaint.reference, received.tracking_code)
    url = f"/en/track/{complaint.reference}/personal-data/export/"
    # Not before the request is done.
    client.post(f"/en/track/{complaint.reference}/personal-data/", {"data_request": "access"})
    assert client.get(url).status_code == 404
    request = DataSubjectRequest.objects.get()
    officer = staff(Role.DPO, team.unit)
    services.request_complete(actor=actor(officer), request=request, outcome_note="Đã chuẩn bị")

    page = client.get(f"/en/track/{complaint.reference}/").content.decode()
    assert url in page and request.reference in page
    download = client.get(url)
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    data = json.loads(archive.read("data.json"))
    assert [c["reference"] for c in data["sections"]["complaints"]] == [complaint.reference]
    assert complaint.complainant.email in json.dumps(data)
    assert AuditEntry.objects.filter(action="privacy.export_delivered").count() == 1

    # Another browser, without the tracking code, is sent to the tracking form.
    client.logout()
    client.cookies.clear()
    assert client.get(url).status_code == 302
