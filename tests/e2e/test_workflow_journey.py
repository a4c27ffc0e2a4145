"""The whole handling of a complaint in Chromium, on a desktop (1366 px) and a phone (390 px):
frontline intake with a file; assignment, acknowledgement and assessment; a proposal with a
remedy, returned by the manager and proposed again from the returned text; approval; the
decision communicated after its preview; acceptance, the remedy settled, closure. No page
scrolls sideways, and a form sent incomplete answers in Vietnamese from the server."""

import importlib

import pytest
from django.apps import apps

from redress.complaints.models import Complaint, Decision, Status
from redress.intake.seed import demo_organisation
from tests.e2e.shots import shot
from tests.e2e.signin import sign_in

pytestmark = pytest.mark.django_db(transaction=True)
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


def message_templates():
    # Browser tests flush the database, message templates included: put the defaults back.
    defaults = importlib.import_module("redress.notifications.migrations.0002_default_templates")
    defaults.create(apps, None)


def no_sideways_scroll(page, width):
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll} px wide at {width} px"


def sign_out(page):
    page.click("form[action='/staff/logout/'] button")
    page.wait_for_selector("#id_username")


def open_action(page, action, width):
    page.click(f"a[data-action={action}]")
    page.wait_for_selector(f"#action-form[data-action={action}]")
    no_sideways_scroll(page, width)


def send(page, status=None):
    page.click("#action-form button[type=submit].primary")
    if status:
        page.wait_for_selector(f".case-head .status.s-{status}")
    else:
        page.wait_for_selector("#action-form", state="detached")


def signed_in_as(page, username, width):
    # Signing in waits for the queue menu, which a phone's layout hides: sign in wide.
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, username, done="main")
    page.set_viewport_size({"width": width, "height": 900})


def as_person(page, username, reference, width):
    signed_in_as(page, username, width)
    page.goto(page.base_url + f"/staff/c/{reference}/")
    page.wait_for_selector(".case-head")


@pytest.mark.parametrize("width", [1366, 390])
def test_a_complaint_from_intake_to_closure(page, width, tmp_path):
    demo_organisation()
    message_templates()
    receipt = tmp_path / "hoa-don.png"
    receipt.write_bytes(PNG_BYTES)

    # Frontline intake, with the receipt the complainant handed in.
    signed_in_as(page, "tiepnhan", width)
    page.goto(page.base_url + "/staff/intake/")
    no_sideways_scroll(page, width)
    page.click("form.intake button[type=submit]")  # sent empty: the server answers
    page.wait_for_selector("form.intake .errorlist")
    assert "Trường này là bắt buộc." in page.locator("form.intake").inner_text()
    page.fill("#id_full_name", "Nguyễn Thị Lan")
    page.fill("#id_phone", "0912345678")
    page.fill("#id_email", "lan@example.vn")
    page.fill("#id_subject", "Hóa đơn tính sai tiền điện")
    page.fill("#id_description", "Tháng này công ty tính phí gấp đôi so với hợp đồng.")
    page.set_input_files("#id_attachments", str(receipt))
    shot(page, f"intake-{width}")
    page.click("form.intake button[type=submit]")
    page.wait_for_selector(".code")
    complaint = Complaint.objects.get()
    reference = complaint.reference
    assert [a.original_name for a in complaint.attachments.all()] == ["hoa-don.png"]
    sign_out(page)

    # The handler takes it, acknowledges and assesses it.
    as_person(page, "xuly", reference, width)
    open_action(page, "assign", width)
    page.select_option("#action-form select[name=owner]", index=1)
    send(page)
    open_action(page, "acknowledge", width)
    send(page, "acknowledged")
    open_action(page, "assess", width)
    page.select_option("#action-form select[name=severity]", "high")
    page.fill("#action-form textarea[name=immediate_action]", "Tạm ngừng thu phí tháng sau")
    send(page, "assessed")
    open_action(page, "start_investigation", width)
    send(page, "investigating")

    # A proposal sent incomplete is answered by the server, not by a browser bubble.
    open_action(page, "propose_decision", width)
    page.click("#action-form button[type=submit].primary")
    page.wait_for_selector("#action-form .errorlist")
    assert "Trường này là bắt buộc." in page.locator("#action-form").inner_text()
    page.fill("#action-form textarea[name=summary]", "Hoàn lại tiền thu thừa")
    page.fill("#action-form textarea[name=reasons]", "Hệ thống tính phí hai lần")
    page.select_option("#action-form select[name='remedies-0-type']", "refund")
    page.fill("#action-form input[name='remedies-0-amount']", "890000")
    page.fill("#action-form input[name='remedies-0-description']", "Chuyển khoản vào tài khoản")
    no_sideways_scroll(page, width)
    shot(page, f"workspace-propose-{width}")
    send(page, "decision_proposed")
    no_sideways_scroll(page, width)
    sign_out(page)

    # The manager returns it; the handler proposes again, starting from what was returned.
    as_person(page, "quanly", reference, width)
    open_action(page, "return_decision", width)
    page.fill("#action-form textarea[name=reason]", "Cần ghi rõ kỳ hóa đơn")
    send(page, "investigating")
    sign_out(page)
    as_person(page, "xuly", reference, width)
    open_action(page, "propose_decision", width)
    assert page.input_value("#action-form textarea[name=summary]") == "Hoàn lại tiền thu thừa"
    assert page.input_value("#action-form input[name='remedies-0-amount']") == "890000"
    page.fill("#action-form textarea[name=summary]", "Hoàn lại tiền thu thừa của kỳ tháng 10")
    send(page, "decision_proposed")
    sign_out(page)

    # The manager approves, previews the mail, communicates; then acceptance, settle, close.
    as_person(page, "quanly", reference, width)
    open_action(page, "approve_decision", width)
    send(page, "decision_approved")
    open_action(page, "communicate_decision", width)
    preview = page.locator("#decision-preview").inner_text()
    assert page.get_attribute("#decision-preview", "data-way") == "email"
    page.locator("#decision-preview").scroll_into_view_if_needed()
    shot(page, f"workspace-preview-{width}")
    assert "lan@example.vn" in preview and reference in preview
    assert "Hoàn lại tiền thu thừa của kỳ tháng 10" in preview and "890.000 ₫" in preview
    send(page, "decision_communicated")
    open_action(page, "record_reaction", width)
    page.select_option("#action-form select[name=reaction]", "accepted")
    send(page, "resolved")
    open_action(page, "settle_remedy", width)
    assert "890.000 ₫" in page.locator("#action-form select[name=remedy]").inner_text()
    send(page)
    open_action(page, "close", width)
    send(page, "closed")
    no_sideways_scroll(page, width)
    shot(page, f"workspace-{width}")

    closed = Complaint.objects.get(pk=complaint.pk)
    decisions = list(Decision.objects.filter(complaint=closed).order_by("pk"))
    assert closed.status == Status.CLOSED
    assert [d.state for d in decisions] == [Decision.State.RETURNED, Decision.State.COMMUNICATED]
    timeline = page.locator("#h-timeline + .timeline").inner_text()
    assert "Phạm Minh Tuấn" in timeline and "xuly" not in timeline
