"""A complainant's whole journey in Chromium, in Vietnamese and in English, with and without
JavaScript: complain with a photo, get the receipt, follow the complaint, add information,
read the decision, reject it and see where else to go."""

import re

import pytest
from playwright.sync_api import expect

from redress.complaints.models import Complaint, Message, Status
from redress.handling.testing import make_team
from redress.notifications.models import OutboundEmail
from redress.portal.testing import portal_content, portal_settings, staff_decides, write_png  # noqa: F401

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("portal_settings", "portal_content"),
]


def fill_form(page, labels, photo=None):
    page.get_by_label(labels["name"]).fill(labels["name_value"])
    page.get_by_label(labels["email"]).fill("mai@example.test")
    page.get_by_label(labels["subject"]).fill(labels["subject_value"])
    page.get_by_label(labels["description"], exact=True).fill(labels["description_value"])
    page.get_by_label(labels["order"]).fill("DH-1001")
    if photo:
        page.get_by_label(labels["files"]).set_input_files(photo)
    page.get_by_label(labels["consent"]).check()


VI = {
    "name": "Họ và tên người bị ảnh hưởng",
    "name_value": "Trần Thị Mai",
    "email": "Email (không bắt buộc)",
    "subject": "Tóm tắt vấn đề trong vài chữ",
    "subject_value": "Bị tính tiền hai lần",
    "description": "Chuyện gì đã xảy ra?",
    "description_value": "Tôi bị trừ tiền hai lần cho đơn hàng DH-1001.",
    "order": "Số đơn hàng, hóa đơn hoặc hợp đồng (không bắt buộc)",
    "files": "Ảnh hoặc giấy tờ (không bắt buộc)",
    "consent": "Tôi đã đọc cách thông tin cá nhân của tôi được sử dụng và tôi đồng ý",
    "send": "Gửi khiếu nại",
}
EN = {
    "name": "Full name of the person affected",
    "name_value": "Mary Tran",
    "email": "Email (optional)",
    "subject": "In a few words, what is the problem?",
    "subject_value": "Charged twice",
    "description": "What happened?",
    "description_value": "I was charged twice for order DH-1001.",
    "order": "Order, invoice or contract number (optional)",
    "files": "Photos or documents (optional)",
    "consent": "I have read how my personal data will be used, and I agree",
    "send": "Send my complaint",
}


def receipt_of(page):
    reference = page.locator("#reference").inner_text().strip()
    code = page.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z]+-\d{4}-\d{6}", reference)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    return reference, code


def test_vietnamese_journey_complain_track_reply_reject_and_see_external_options(
    page, browser, live_server, tmp_path
):
    team = make_team()
    page.goto(page.base_url + "/")
    assert page.url.endswith("/vi/")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.get_by_role("link", name="Gửi khiếu nại").first.click()

    fill_form(page, VI, photo=write_png(tmp_path))
    page.get_by_role("button", name=VI["send"]).click()
    page.get_by_role("heading", name="Chúng tôi đã nhận khiếu nại của Quý khách").wait_for()
    reference, code = receipt_of(page)
    complaint = Complaint.objects.get(reference=reference)
    assert complaint.attachments.get().original_name == "hoa-don.png"
    assert OutboundEmail.objects.filter(complaint=complaint, body__contains=code).exists()

    # Another device: follow the complaint with the reference and the code.
    other = browser.new_context(locale="vi-VN", viewport={"width": 375, "height": 800})
    phone = other.new_page()
    phone.goto(live_server.url + "/vi/track/")
    phone.get_by_label("Số tham chiếu").fill(reference.lower())
    phone.get_by_label("Mã tra cứu").fill(code)
    phone.get_by_role("button", name="Xem khiếu nại").click()
    phone.get_by_role("heading", name="Bị tính tiền hai lần").wait_for()
    assert "Chúng tôi đã nhận khiếu nại của Quý khách." in phone.content()

    phone.get_by_label("Nội dung Quý khách muốn gửi").fill("Tôi gửi thêm ảnh sao kê ngân hàng.")
    phone.get_by_label("Ảnh hoặc giấy tờ (không bắt buộc)").set_input_files(
        write_png(tmp_path, "sao-ke.png")
    )
    phone.get_by_role("button", name="Gửi", exact=True).click()
    phone.get_by_text("Cảm ơn Quý khách. Chúng tôi đã nhận được tin nhắn").wait_for()
    message = Message.objects.get(complaint=complaint, direction="inbound")
    assert message.attachments.get().original_name == "sao-ke.png"

    staff_decides(complaint, team)
    phone.reload()
    phone.get_by_role("heading", name="Kết quả giải quyết").wait_for()
    assert "Hoàn tiền" in phone.content()
    phone.get_by_label("Không, tôi không đồng ý với kết quả").check()
    phone.get_by_label("Nếu không đồng ý: vì sao?").fill("Số tiền hoàn lại chưa đủ.")
    phone.get_by_role("button", name="Gửi ý kiến").click()
    phone.get_by_role("heading", name="Những nơi khác Quý khách có thể liên hệ").wait_for()
    assert "Sở Công Thương" in phone.content() and "Tòa án" in phone.content()
    assert Complaint.objects.get(pk=complaint.pk).status == Status.UNDER_REVIEW
    other.close()


def test_english_journey_through_the_secret_link_of_the_receipt_email(
    page, browser, live_server, tmp_path
):
    team = make_team()
    page.goto(page.base_url + "/en/complain/")
    assert page.locator("html").get_attribute("lang") == "en"
    fill_form(page, EN, photo=write_png(tmp_path))
    page.get_by_label("English").check()  # language of our messages
    page.get_by_role("button", name=EN["send"]).click()
    reference, code = receipt_of(page)
    complaint = Complaint.objects.get(reference=reference)

    email = OutboundEmail.objects.get(complaint=complaint)
    link = re.search(r"https?://\S+/en/track/\S+/", email.body).group(0)
    path = link.split("/", 3)[3]
    fresh = browser.new_context(locale="en-GB")
    reader = fresh.new_page()
    reader.goto(f"{live_server.url}/{path}")
    assert reader.url.endswith(f"/en/track/{reference}/")  # the code leaves the address bar
    reader.get_by_role("heading", name="Charged twice").wait_for()

    reader.get_by_label("Your message").fill("My bank statement shows both payments.")
    reader.get_by_role("button", name="Send", exact=True).click()
    reader.get_by_text("Thank you. We have your message").wait_for()

    staff_decides(complaint, team)
    reader.reload()
    assert "We agree with your complaint" in reader.content() and "A refund" in reader.content()
    reader.get_by_label("No, I do not accept the decision").check()
    reader.get_by_role("button", name="Send my answer").click()
    # Waits for the answer to the form (the click only starts the navigation).
    reader.get_by_text("Tell us why you do not accept the decision.").first.wait_for()
    reader.get_by_label("If you do not accept: why not?").fill("The refund is too small.")
    reader.get_by_role("button", name="Send my answer").click()
    reader.get_by_role("heading", name="Other places you can go").wait_for()
    assert "Provincial Department of Industry and Trade" in reader.content()
    assert "Consumer protection associations" in reader.content()
    assert Complaint.objects.get(pk=complaint.pk).status == Status.UNDER_REVIEW
    fresh.close()


def test_errors_are_shown_in_vietnamese_and_nothing_typed_is_lost(page):
    make_team()
    page.goto(page.base_url + "/vi/complain/")
    page.get_by_label(VI["subject"]).fill("Máy giặt kêu to")
    page.get_by_label(VI["email"]).fill("khong-phai-email")
    page.get_by_role("button", name=VI["send"]).click()
    # Waits for the answer to the form (the click only starts the navigation).
    expect(page).to_have_title(re.compile(r"^Lỗi:"))
    summary = page.get_by_role("alert")
    assert "Vui lòng kiểm tra lại biểu mẫu" in summary.inner_text()
    name = page.get_by_label(VI["name"])
    assert name.get_attribute("aria-invalid") == "true"
    assert "full_name-error" in name.get_attribute("aria-describedby")
    assert "Để gửi khiếu nại trực tuyến, vui lòng đánh dấu ô này" in page.content()
    assert page.get_by_label(VI["subject"]).input_value() == "Máy giặt kêu to"
    assert page.get_by_label(VI["email"]).input_value() == "khong-phai-email"
    # The summary links take the keyboard to the field.
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_full_name"
    assert Complaint.objects.count() == 0


def test_the_form_and_tracking_work_with_javascript_off(browser, live_server, tmp_path, settings):
    make_team()
    context = browser.new_context(java_script_enabled=False, locale="vi-VN")
    page = context.new_page()
    page.goto(live_server.url + "/vi/complain/")
    fill_form(page, VI, photo=write_png(tmp_path))
    page.get_by_label("Tôi khiếu nại thay cho người khác").check()
    page.get_by_label("Họ và tên của Quý khách").fill("Trần Văn Nam")
    page.get_by_label("Quý khách là gì của người đó?").fill("con trai")
    page.get_by_role("button", name=VI["send"]).click()
    reference, _code = receipt_of(page)
    complaint = Complaint.objects.get(reference=reference)
    assert complaint.representative_name == "Trần Văn Nam"
    page.get_by_role("link", name="Xem khiếu nại của Quý khách").click()
    page.get_by_role("heading", name="Bị tính tiền hai lần").wait_for()
    context.close()


def test_a_double_click_on_send_makes_one_complaint(page):
    make_team()
    page.goto(page.base_url + "/vi/complain/")
    fill_form(page, VI)
    page.get_by_role("button", name=VI["send"]).dblclick()
    page.get_by_role("heading", name="Chúng tôi đã nhận khiếu nại của Quý khách").wait_for()
    assert Complaint.objects.count() == 1
    page.reload()  # the receipt survives a reload and still makes nothing new
    assert page.locator("#reference").inner_text() == Complaint.objects.get().reference
    assert Complaint.objects.count() == 1
