"""Competence in Chromium: the complaints manager adds a course the handler role needs; the
demo handler, not trained in it, cannot be made owner of a complaint (the refusal names the
course) until the manager gives a reason to override; the manager then records the handler's
training with its certificate, and the competence page shows the handler current.

With REDRESS_SCREENSHOTS=1 the competence page is saved to docs/screenshots/.
"""

import os
from pathlib import Path

import pytest
from django.utils import timezone

from redress.complaints.models import Complaint, ComplaintEvent
from redress.complaints.testing import plain_pdf
from redress.core.models import User
from redress.intake.seed import demo_organisation
from tests.e2e.test_backoffice_journey import new_complaint, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_the_training_gate_its_override_and_recording_training(page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    demo_organisation()
    complaint = new_complaint(subject="Nhân viên tư vấn sai gói cước")
    handler = User.objects.get(username="xuly")

    sign_in(page, "quanly")
    # A new course the handler role needs.
    page.goto(page.base_url + "/staff/system/training/courses/")
    page.fill("#id_code", "ky-nang-lang-nghe")
    page.fill("#id_name", "Kỹ năng lắng nghe khách hàng")
    page.fill("#id_valid_months", "24")
    page.check("#course-form input[name=roles][value=handler]")
    page.click("#course-form button[type=submit]")
    page.wait_for_selector("#courses >> text=ky-nang-lang-nghe")

    # The handler lacks it: the assignment is refused, naming the course.
    page.goto(page.base_url + f"/staff/c/{complaint.reference}/")
    page.click("a[data-action=assign]")
    page.wait_for_selector("#action-form[data-action=assign]")
    page.select_option("#action-form select[name=owner]", str(handler.pk))
    page.click("#action-form button[type=submit]")
    page.wait_for_selector("#action-form >> text=Kỹ năng lắng nghe khách hàng")
    assert Complaint.objects.get(pk=complaint.pk).owner_id is None

    # With a reason the manager may assign anyway; the event keeps the reason.
    page.select_option("#action-form select[name=owner]", str(handler.pk))
    page.fill("#action-form textarea[name=override_reason]", "Khách hàng cần trả lời trong ngày")
    page.click("#action-form button[type=submit]")
    page.wait_for_selector(".meta strong:has-text('Tuấn')")
    event = ComplaintEvent.objects.get(complaint=complaint, action="assign")
    assert event.data["training_override"]["missing"] == ["ky-nang-lang-nghe"]

    # The manager records the training with its certificate.
    page.goto(page.base_url + f"/staff/system/training/records/new/?user={handler.pk}")
    page.select_option("#id_course", label="Kỹ năng lắng nghe khách hàng")
    page.fill("#id_completed_on", timezone.localdate().isoformat())
    certificate = tmp_path / "chung-chi.pdf"
    certificate.write_bytes(plain_pdf())
    page.set_input_files("#id_evidence", str(certificate))
    page.click("main form button[type=submit]")
    page.wait_for_selector("#records >> text=Kỹ năng lắng nghe khách hàng")

    page.goto(page.base_url + "/staff/system/training/")
    row = page.locator("#competence tr", has_text="Phạm Minh Tuấn")
    assert row.locator("[data-standing=current]").count() == 3
    if os.environ.get("REDRESS_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "training-competence.png"), full_page=True)
