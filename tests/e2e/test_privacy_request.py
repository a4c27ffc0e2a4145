"""A complainant asks for their personal data on the portal, in Chromium, with and without
JavaScript: they open their complaint with its reference and tracking code, ask in the
"Your personal data" section, and see the acknowledgement with the request's reference and
due date (also sent by email). The pages pass axe's WCAG rules."""

import re

import pytest

from redress.handling.testing import make_team, receive
from redress.notifications.models import OutboundEmail
from redress.portal.testing import portal_content, portal_settings  # noqa: F401
from redress.privacy.models import DataSubjectRequest
from tests.e2e.test_portal_accessibility import axe

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("portal_settings", "portal_content"),
]


def ask_for_my_data(page, base_url, received):
    page.goto(base_url + "/vi/track/")
    page.get_by_label("Số tham chiếu").fill(received.complaint.reference)
    page.get_by_label("Mã tra cứu").fill(received.tracking_code)
    page.get_by_role("button", name="Xem khiếu nại").click()
    page.locator("#personal-data").click()  # opens the section (a <details>, no script needed)
    section = page.locator("section.personal-data")
    section.locator("input[name=data_request][value=access]").check()
    section.locator("textarea[name=data_note]").fill("Xin gửi cho tôi bản sao dữ liệu cá nhân.")
    return section


def test_a_complainant_asks_for_their_data_and_sees_the_acknowledgement(page, browser):
    received = receive(make_team())
    section = ask_for_my_data(page, page.base_url, received)
    problems = axe(page)
    section.get_by_role("button").click()
    page.locator("#request-reference").wait_for()
    reference = page.locator("#request-reference").inner_text().strip()
    assert re.fullmatch(r"YC-\d{4}-\d{4}", reference)
    assert page.locator("#completion-due").inner_text().strip()
    problems += axe(page)
    page.goto(page.base_url + "/vi/personal-data/")  # the stand-alone page
    problems += axe(page)
    assert problems == []
    request = DataSubjectRequest.objects.get()
    assert request.reference == reference and request.kind == "access"
    assert list(request.complaints.all()) == [received.complaint]
    email = OutboundEmail.objects.get(template_code="dsar_acknowledgement")
    assert reference in email.body


def test_the_same_request_works_without_javascript(browser, live_server):
    received = receive(make_team())
    context = browser.new_context(locale="vi-VN", java_script_enabled=False)
    page = context.new_page()
    section = ask_for_my_data(page, live_server.url, received)
    section.get_by_role("button").click()
    page.locator("#request-reference").wait_for()
    assert DataSubjectRequest.objects.get().reference == (
        page.locator("#request-reference").inner_text().strip()
    )
    context.close()
