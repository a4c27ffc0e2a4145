"""A request for information on the portal: the question staff asked, in the status box, with
the reply form right below it; the survey's scales in the words of each question; the receipt
says what it does with the tracking code."""

from __future__ import annotations

import re

import pytest

from redress.complaints.models import PauseReason, Status
from redress.complaints.testing import CategoryFactory, ProductFactory
from redress.core.actors import Actor
from redress.handling.services import complaint_assign, complaint_pause
from redress.handling.testing import PATHS, advance, make_team, receive
from redress.portal.testing import complaint_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("portal_settings")]


@pytest.fixture
def team():
    return make_team()


def open_page(client, reference, code, language="en"):
    response = client.post(f"/{language}/track/", {"reference": reference, "code": code})
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


def paused(team, reason, note):
    received = receive(team)
    complaint = received.complaint
    handler = Actor.for_user(team.handler)
    complaint_assign(complaint=complaint, actor=handler, owner=team.handler)
    complaint_pause(complaint=complaint, actor=handler, reason=reason, note=note)
    return received


def status_box(page):
    return re.search(r'<div class="panel status" id="status">(.*?)\n</div>', page, re.S).group(1)


def test_the_question_and_the_reply_form_are_in_the_status_box(client, team):
    received = paused(team, PauseReason.COMPLAINANT, "Xin gửi ảnh hóa đơn tháng 10.")
    page = open_page(client, received.complaint.reference, received.tracking_code)
    box = status_box(page)
    assert "We need information from you" in box
    assert "Xin gửi ảnh hóa đơn tháng 10." in box
    reply = f'action="/en/track/{received.complaint.reference}/reply/"'
    assert reply in box
    # The question comes first, then the form that answers it; the form is not repeated below.
    assert box.index("Xin gửi ảnh hóa đơn") < box.index(reply)
    assert page.count(reply) == 1
    assert "Send us information or files" not in page


def test_the_answer_from_the_status_box_resumes_the_complaint(client, team):
    received = paused(team, PauseReason.COMPLAINANT, "Số hợp đồng của anh chị là gì?")
    open_page(client, received.complaint.reference, received.tracking_code)
    response = client.post(
        f"/en/track/{received.complaint.reference}/reply/",
        {"body": "Hợp đồng số HD-2026-88123", "form_token": "t-1"},
    )
    assert response.status_code == 302
    complaint = received.complaint
    complaint.refresh_from_db()
    assert complaint.paused_at is None
    page = client.get(response["Location"]).content.decode()
    assert "We need information from you" not in page
    assert "Send us information or files" in page


def test_waiting_for_a_third_party_asks_nothing_of_the_complainant(client, team):
    received = paused(team, PauseReason.THIRD_PARTY, "Chờ kết quả kiểm định của nhà sản xuất")
    page = open_page(client, received.complaint.reference, received.tracking_code)
    assert "We need information from you" not in page
    assert "Chờ kết quả kiểm định" not in status_box(page)
    assert "Send us information or files" in page


def test_each_survey_question_has_a_scale_in_its_own_words(client, team):
    received = receive(team)
    complaint = received.complaint
    for step in PATHS[Status.CLOSED]:
        complaint = advance(complaint, team, step)
    page = open_page(client, complaint.reference, received.tracking_code)
    fairness = page[page.index("Were we fair?") : page.index("Did we explain things clearly?")]
    assert "4 – fair" in fairness and "1 – very unfair" in fairness
    assert "happy" not in fairness
    clarity = page[page.index("Did we explain") : page.index("Were we quick enough?")]
    assert "5 – very clear" in clarity
    speed = page[page.index("Were we quick enough?") : page.index("Were we polite")]
    assert "2 – too slow" in speed
    overall = page[page.index("Overall, how satisfied") : page.index("Were we fair?")]
    assert "5 – very happy" in overall


def test_the_receipt_says_how_long_the_code_is_shown_and_shows_it_again_meanwhile(client, team):
    response = client.post("/en/complain/", complaint_data())
    receipt = client.get(response["Location"]).content.decode()
    code = re.search(r'id="tracking-code">([A-Z0-9-]+)<', receipt).group(1)
    assert "only once" not in receipt
    assert "again on this device only for a while" in receipt
    assert code in client.get("/en/complain/received/").content.decode()


def test_the_complaint_form_lists_categories_and_products_in_vietnamese_order(client):
    for name in ("Giao hàng", "Đổi trả", "Bảo hành", "Dịch vụ", "Âm thanh", "An toàn"):
        CategoryFactory.create(name_vi=name)
    for name in ("Tủ lạnh", "Điều hòa", "Máy giặt", "Ấm siêu tốc"):
        ProductFactory.create(name_vi=name)
    page = client.get("/vi/complain/").content.decode()

    def listed(name):
        select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
        return [t.strip() for v, t in re.findall(r'<option value="(\d+)"[^>]*>([^<]*)<', select)]

    assert listed("category") == [
        "An toàn",
        "Âm thanh",
        "Bảo hành",
        "Dịch vụ",
        "Đổi trả",
        "Giao hàng",
    ]
    assert listed("product") == ["Ấm siêu tốc", "Điều hòa", "Máy giặt", "Tủ lạnh"]
