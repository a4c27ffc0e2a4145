"""Continual improvement in Chromium, with the Content-Security-Policy enforced: two billing
complaints assessed in a row open a systemic issue by the administrator's rule; the handler
records an investigation activity and the root cause of one of them; the manager
finds it from a complaint, opens a CAPA from it for the handler; the handler plans, starts and
implements it; once its window has passed the worker checks its effectiveness; the manager
verifies it effective and the CAPA and its issue close.

With REDRESS_SCREENSHOTS=1 the investigation, issue and CAPA pages are saved to
docs/screenshots/.
"""

import os
from pathlib import Path

import pytest
from django.utils import timezone

from redress.complaints.models import Category
from redress.core.actors import Actor
from redress.core.models import User
from redress.handling import services as handling
from redress.improvement.models import Capa, CapaStatus, IssueStatus, SystemicIssue
from redress.improvement.services import capa_checks_due, systemic_rule_save
from redress.improvement.tests.helpers import cause
from redress.intake.seed import demo_organisation
from tests.e2e.test_backoffice_journey import new_complaint, sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def shot(page, name):
    if os.environ.get("REDRESS_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"improvement-{name}.png"), full_page=True)


def assessed(subject):
    complaint = new_complaint(subject=subject)
    handler = Actor.for_user(User.objects.get(username="xuly"))
    handling.complaint_acknowledge(complaint=complaint, actor=handler)
    return handling.complaint_assess(
        complaint=complaint, actor=handler, category=Category.objects.get(code="billing")
    )


def test_from_a_complaint_to_a_systemic_issue_to_a_verified_capa(browser, live_server):
    context = browser.new_context(
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 1280, "height": 900}
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
    systemic_rule_save(
        actor=Actor.for_user(User.objects.get(username="quantri")),
        name="2 khiếu nại cùng danh mục trong 7 ngày",
        dimension="category",
        threshold=2,
        window_days=7,
    )
    assessed("Bị trừ tiền hai lần")
    complaint = assessed("Hóa đơn tính trùng")
    issue = SystemicIssue.objects.get()
    assert issue.complaints.count() == 2
    handover = cause("process-handover")  # the seeded taxonomy (the browser tests flush it)

    # The handler records what was checked and the root cause, from the complaint.
    sign_in(page, "xuly")
    page.goto(f"{live_server.url}/staff/c/{complaint.reference}/")
    page.click("#investigation-link")
    page.fill("#id_done_on", timezone.localdate().isoformat())
    page.fill("#id_checked", "Nhật ký cổng thanh toán ngày hôm qua")
    page.click("form[action$='/investigation/activity/'] button")
    page.wait_for_selector("#activities")
    page.fill("#id_findings", "Lệnh thanh toán gửi hai lần khi ca trực bàn giao")
    page.select_option("#id_root_cause", value=str(handover.pk))
    page.click("form[action$='/investigation/conclude/'] button")
    page.wait_for_selector("#root-cause")
    shot(page, "investigation")
    sign_out(page)

    # The manager finds the issue from the complaint and opens a CAPA from it.
    sign_in(page, "quanly")
    page.goto(f"{live_server.url}/staff/c/{complaint.reference}/")
    page.click(f"#complaint-issues a:has-text('{issue.reference}')")
    page.wait_for_selector("#issue-complaints")
    shot(page, "issue")
    page.click("a[href*='/improvement/capa/new/']")
    page.fill("#id_title", "Chống trừ tiền hai lần khi thanh toán")
    page.select_option("#id_owner", label="Phạm Minh Tuấn")
    page.select_option(
        "#id_unit", value=str(User.objects.get(username="xuly").memberships.get().unit_id)
    )
    page.fill("#id_check_window_days", "30")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#capa-status")
    capa = Capa.objects.get()
    assert capa.source_issue == issue and capa.category.code == "billing"
    issue.refresh_from_db()
    assert issue.status == IssueStatus.ACTION
    sign_out(page)

    # The handler, its owner, plans it (refused without a plan), starts and implements it.
    sign_in(page, "xuly")
    page.goto(f"{live_server.url}/staff/improvement/capa/{capa.pk}/")
    page.fill("#id_due_working_days", "10")
    page.click("form[action$='/act/plan/'] button")
    page.wait_for_selector("#id_plan + .errorlist, .errorlist")
    page.fill("#id_plan", "Khóa nút thanh toán sau lần bấm đầu; đối soát hằng ngày")
    page.fill("#id_due_working_days", "10")
    page.click("form[action$='/act/plan/'] button")
    page.wait_for_selector("form[action$='/act/start/']")
    page.click("form[action$='/act/start/'] button")
    page.wait_for_selector("form[action$='/act/implement/']")
    page.click("form[action$='/act/implement/'] button")
    page.wait_for_selector("form[action$='/act/implement/']", state="detached")
    assert Capa.objects.get().status == CapaStatus.IMPLEMENTED
    sign_out(page)

    # The window is taken as passed (its end moved to now in the database: the two complaints
    # before implementation are the baseline, none came after); the worker's job checks.
    Capa.objects.filter(pk=capa.pk).update(check_due_at=timezone.now())
    assert capa_checks_due() == 1

    # The manager reads the figures and confirms the proposal.
    sign_in(page, "quanly")
    page.goto(f"{live_server.url}/staff/improvement/capa/{capa.pk}/")
    page.wait_for_selector("#effectiveness")
    assert page.inner_text("td[data-figure=baseline]") == "2"
    assert page.inner_text("td[data-figure=window]") == "0"
    shot(page, "capa")
    page.check("input[name=effective][value=yes]")
    page.click("form[action$='/act/verify/'] button")
    page.wait_for_selector("form[action$='/act/reopen/']")
    capa.refresh_from_db()
    issue.refresh_from_db()
    assert capa.status == CapaStatus.CLOSED and capa.verifier.username == "quanly"
    assert issue.status == IssueStatus.CLOSED
    assert violations == []
    context.close()
