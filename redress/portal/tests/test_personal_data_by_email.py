"""A request about personal data from someone without their tracking code (issue 15, REQ-PD-2):
a one-time code goes to the email address they complained from; the right code records the
request on all that person's complaints, verified by the code. The pages read the same for an
unknown address; a code works once, for a limited time and a limited number of tries; neither
the address nor the code is stored in clear."""

from __future__ import annotations

import re

import pytest

from redress.complaints.testing import ComplainantFactory
from redress.handling.testing import make_team, receive
from redress.notifications.models import OutboundEmail
from redress.privacy.contact_codes import ATTEMPTS, SENT_PER_HOUR, contact_code_send
from redress.privacy.models import ContactCode, DataSubjectRequest, Verification
from redress.sla.testing import frozen_clock

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("portal_settings")]

START = "/en/personal-data/by-email/"
CODE = "/en/personal-data/by-email/code/"
WRONG = "The code is wrong or has expired."


@pytest.fixture
def team():
    return make_team()


@pytest.fixture
def person(team):
    complainant = ComplainantFactory.create(email="lan.nguyen@example.vn")
    first = receive(team, complainant=complainant).complaint
    second = receive(team, complainant=complainant).complaint
    return complainant, [first, second]


def sent_code() -> str:
    email = OutboundEmail.objects.filter(template_code="dsar_contact_code").latest("pk")
    found = re.search(r"\b(\d{6})\b", email.body)
    assert found, email.body
    return found.group(1)


def ask_code(client, email):
    response = client.post(START, {"email": email})
    assert response.status_code == 302 and response["Location"].endswith(CODE)
    return client.get(CODE).content.decode()


def test_the_right_code_records_the_request_on_all_the_persons_complaints(client, team, person):
    complainant, complaints = person
    page = ask_code(client, "  Lan.Nguyen@Example.VN ")
    assert 'id="neutral-answer"' in page
    email = OutboundEmail.objects.get(template_code="dsar_contact_code")
    assert email.to == "lan.nguyen@example.vn"
    code = sent_code()
    # Neither the address nor the code is kept in clear.
    stored = ContactCode.objects.values_list("contact_digest", "code_digest").get()
    assert all("lan.nguyen" not in value and code not in value for value in stored)

    wrong = client.post(CODE, {"one_time_code": "000000", "data_request": "access"})
    assert wrong.status_code == 200 and WRONG in wrong.content.decode()
    assert not DataSubjectRequest.objects.exists()
    other = "111111" if code != "111111" else "222222"
    assert (
        WRONG
        in client.post(CODE, {"one_time_code": other, "data_request": "access"}).content.decode()
    )

    done = client.post(CODE, {"one_time_code": code, "data_request": "erasure", "data_note": ""})
    assert done.status_code == 302 and done["Location"].endswith("/personal-data/received/")
    request = DataSubjectRequest.objects.get()
    assert request.kind == "erasure" and request.verification == Verification.ONE_TIME_CODE
    assert request.complainant == complainant
    assert set(request.complaints.all()) == set(complaints)
    receipt = client.get(done["Location"]).content.decode()
    assert request.reference in receipt
    # Used once: the same code again starts over.
    assert client.post(CODE, {"one_time_code": code, "data_request": "access"}).status_code == 302


def test_an_unknown_address_reads_the_same_and_no_code_works(client, team, person):
    known = ask_code(client, "lan.nguyen@example.vn")
    client.cookies.clear()
    unknown = ask_code(client, "nobody@example.vn")

    def neutral(page):
        return re.search(r'id="neutral-answer">(.*?)</p>', page, re.S).group(1)

    assert neutral(known).replace("lan.nguyen", "nobody") == neutral(unknown)
    assert OutboundEmail.objects.filter(template_code="dsar_contact_code").count() == 1
    answer = client.post(CODE, {"one_time_code": sent_code(), "data_request": "access"})
    assert answer.status_code == 200 and WRONG in answer.content.decode()
    assert not DataSubjectRequest.objects.exists()


def test_a_bad_address_is_refused_naming_the_field_in_vietnamese(client, team):
    page = client.post("/vi/personal-data/by-email/", {"email": "không-phải-email"})
    assert page.status_code == 200
    assert "Nhập địa chỉ email" in page.content.decode()
    assert not ContactCode.objects.exists()


def test_a_code_expires_and_stops_after_too_many_tries(client, team, person):
    with frozen_clock("2026-03-13 10:00") as clock:
        ask_code(client, "lan.nguyen@example.vn")
        code = sent_code()
        clock.set("2026-03-13 10:16")
        late = client.post(CODE, {"one_time_code": code, "data_request": "access"})
        assert WRONG in late.content.decode()

        ask_code(client, "lan.nguyen@example.vn")
        code = sent_code()
        wrong = "000000" if code != "000000" else "999999"
        for _ in range(ATTEMPTS):
            client.post(CODE, {"one_time_code": wrong, "data_request": "access"})
        blocked = client.post(CODE, {"one_time_code": code, "data_request": "access"})
        assert WRONG in blocked.content.decode()
    assert not DataSubjectRequest.objects.exists()


def test_an_address_gets_a_limited_number_of_codes_an_hour(team, person):
    sent = [
        contact_code_send(email="lan.nguyen@example.vn", language="vi")
        for _ in range(SENT_PER_HOUR + 1)
    ]
    assert sent == [True] * SENT_PER_HOUR + [False]
