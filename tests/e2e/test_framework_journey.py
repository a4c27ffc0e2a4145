"""The management system's policy, responsibilities and objectives in Chromium, with the
Content-Security-Policy enforced: the complaints manager drafts the policy, top management
approves it, a handler reads and acknowledges it, the manager fills in the responsibility
matrix and sets an objective from the KPI catalogue, measures it, and finds it on the year's
calendar; the public portal shows the policy in force.

With REDRESS_SCREENSHOTS=1 the pages are saved to docs/screenshots/.
"""

import os
from pathlib import Path

import pytest
from django.utils import timezone

from redress.framework.models import Objective, PolicyStatus, PolicyVersion
from redress.intake.seed import demo_organisation
from tests.e2e.test_backoffice_journey import sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def shot(page, name):
    if os.environ.get("REDRESS_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"framework-{name}.png"), full_page=True)


def test_policy_matrix_and_objectives(browser, live_server):
    context = browser.new_context(
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 1366, "height": 900}
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
    today = timezone.localdate()

    # The complaints manager drafts the policy; an empty text is refused on its field.
    sign_in(page, "quanly")
    page.click("#nav-framework + ul a[href$='/system/policy/']")
    page.click("a[href$='/system/policy/draft/']")
    page.fill("#id_title", "Chính sách xử lý khiếu nại")
    page.click("main form button[type=submit].primary")
    assert "Trường này là bắt buộc." in page.locator("main form").inner_text()
    page.fill("#id_text", "Mọi khiếu nại được tiếp nhận miễn phí.\nChúng tôi trả lời đúng hạn.")
    page.click("main form button[type=submit].primary")
    page.wait_for_selector("#policy-draft")
    assert PolicyVersion.objects.get().status == PolicyStatus.DRAFT

    # The matrix starts from the standard one.
    page.click("#nav-framework + ul a[href$='/system/responsibilities/']")
    page.click("form[action$='/responsibilities/standard/'] button")
    page.wait_for_selector("#responsibility-matrix tr[data-step='review']")
    assert "Chịu trách nhiệm giải trình" in page.locator("#responsibility-matrix").inner_text()
    shot(page, "responsibilities")

    # An objective from the KPI catalogue, measured at once.
    page.click("#nav-framework + ul a[href$='/system/objectives/']")
    page.click("a[href$='/system/objectives/new/']")
    page.fill("#id_title", "Xác nhận đúng hạn")
    page.select_option("#id_kpi", "ack_on_time_pct")
    page.fill("#id_target", "95")
    page.select_option("#id_owner", label="Trần Thị Mai")
    page.fill("#id_period_start", f"{today.year}-01-01")
    page.fill("#id_period_end", f"{today.year}-12-31")
    page.select_option("#id_frequency", "quarterly")
    page.click("main form button[type=submit].primary")
    page.wait_for_selector("#objective-status")
    page.click("form[action$='/measure/'] button")
    page.wait_for_selector("#results")
    assert Objective.objects.get().results.count() == 1
    sign_out(page)

    # Top management approves it from today.
    sign_in(page, "lanhdao")
    page.goto(f"{live_server.url}/staff/system/policy/")
    page.fill("#id_effective_from", today.isoformat())
    page.click("form[action$='/policy/approve/'] button")
    page.wait_for_selector("#policy-current")
    assert PolicyVersion.objects.get().status == PolicyStatus.APPROVED
    sign_out(page)

    # A handler reads it and says so; the manager sees who has not.
    sign_in(page, "xuly")
    page.goto(f"{live_server.url}/staff/system/policy/")
    page.click("form[action$='/policy/read/'] button")
    page.wait_for_selector("#policy-read")
    sign_out(page)
    sign_in(page, "quanly")
    page.goto(f"{live_server.url}/staff/system/policy/")
    unread = page.locator("#policy-unread").inner_text()
    assert "Phạm Minh Tuấn" not in unread and "Lê Thu Hà" in unread
    shot(page, "policy")
    page.goto(f"{live_server.url}/staff/system/")
    assert "Xác nhận đúng hạn" in page.locator("#calendar").inner_text()
    shot(page, "overview")
    sign_out(page)

    # The portal publishes the policy in force.
    page.goto(f"{live_server.url}/policy/")
    assert "Mọi khiếu nại được tiếp nhận miễn phí." in page.locator("main").inner_text()
    assert violations == []
    context.close()
