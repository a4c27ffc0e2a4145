"""A management review in Chromium, with the Content-Security-Policy enforced: the complaints
manager plans a review with the top manager (refused first without top management), writes the
free-text inputs and freezes them, records the meeting held, a decision and an action, and
writes the minutes; the top manager approves the minutes and downloads the PDF pack.

With REDRESS_SCREENSHOTS=1 the review's page is saved to docs/screenshots/.
"""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from redress.core.models import User
from redress.framework.models.review import ManagementReview, ReviewOutput, ReviewStatus
from redress.intake.seed import demo_organisation
from tests.e2e.test_backoffice_journey import sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def shot(page, name):
    if os.environ.get("REDRESS_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"review-{name}.png"), full_page=True)


def test_a_manager_plans_a_review_and_top_management_approves_its_minutes(browser, live_server):
    context = browser.new_context(
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": 1280, "height": 900},
        accept_downloads=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    demo_organisation()
    top = User.objects.get(username="lanhdao")
    handler = User.objects.get(username="xuly")
    today = timezone.localdate().isoformat()

    # The manager plans the review: without top management it is refused, with it planned.
    sign_in(page, "quanly")
    page.click("#nav-framework ~ ul a[href$='/system/reviews/']")
    page.click("a[href$='/system/reviews/new/']")
    page.fill("#id_title", "Xem xét của lãnh đạo năm 2026")
    page.fill("#id_review_date", today)
    page.check(f"input[name=participants][value='{handler.pk}']")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#participants .errorlist, .error")
    assert not ManagementReview.objects.exists()
    page.check(f"input[name=participants][value='{top.pk}']")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#review-status")
    review = ManagementReview.objects.get()

    # The free-text inputs, then the freeze: the snapshot's tables appear.
    page.fill("#id_context_changes", "Nghị định 55/2024/NĐ-CP hướng dẫn Luật Bảo vệ quyền lợi NTD")
    page.fill("#id_resources", "Cần thêm một người xử lý khiếu nại")
    page.click("form[action$='/inputs/'] button")
    page.wait_for_selector("form[action$='/freeze/']")
    page.click("form[action$='/freeze/'] button")
    page.wait_for_selector("#snapshot-kpis")
    page.click("form[action$='/held/'] button")
    page.wait_for_selector("#output-form")

    # A decision, then an action tracked as a task, with its owner and due date.
    page.select_option("#id_type", value="decision")
    page.fill("#id_text", "Duy trì chính sách xử lý khiếu nại hiện hành")
    page.click("#output-form button[type=submit]")
    page.wait_for_selector("#outputs")
    page.select_option("#id_type", value="action")
    page.fill("#id_text", "Rút ngắn thời gian xác nhận khiếu nại xuống 4 giờ")
    page.select_option("#id_owner", label="Phạm Minh Tuấn")
    page.fill("#id_due_on", (timezone.localdate() + dt.timedelta(days=30)).isoformat())
    page.click("#output-form button[type=submit]")
    page.wait_for_selector("#outputs tbody tr:nth-child(2)")
    page.fill(
        "#id_minutes",
        "Ban lãnh đạo thống nhất duy trì chính sách và giao việc rút ngắn thời gian xác nhận.",
    )
    page.click("form[action$='/minutes/'] button")
    page.wait_for_selector("form[action$='/minutes/']")
    assert ReviewOutput.objects.filter(review=review).count() == 2
    sign_out(page)

    # The top manager, a participant, approves the minutes and downloads the pack.
    sign_in(page, "lanhdao")
    page.goto(f"{live_server.url}/staff/system/reviews/{review.pk}/")
    page.click("form[action$='/approve/'] button")
    page.wait_for_selector("#approval")
    shot(page, "page")
    review.refresh_from_db()
    assert review.status == ReviewStatus.MINUTES_APPROVED and review.approved_by == top
    with page.expect_download() as download:
        page.click("#review-pdf")
    path = download.value.path()
    assert path is not None and Path(path).read_bytes().startswith(b"%PDF")
    assert download.value.suggested_filename == f"{review.reference}.pdf"
    assert violations == []
    context.close()
