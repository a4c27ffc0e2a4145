"""An internal audit in Chromium, with the Content-Security-Policy enforced: the complaints
manager plans an audit of customer care; the auditor starts it, answers a checklist question,
draws the sample of closed complaints, records the check of one of them and a nonconformity
(which opens a CAPA), issues the report and downloads it as PDF.

With REDRESS_SCREENSHOTS=1 the programme and the audit's page are saved to docs/screenshots/.
"""

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from django.utils import timezone
from pypdf import PdfReader

from redress.complaints.models import Complaint, Status
from redress.core.models import User
from redress.framework.models import Audit, AuditStatus
from redress.improvement.models import CapaSource
from redress.intake.seed import demo_organisation
from tests.e2e.test_backoffice_journey import new_complaint, sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def shot(page, name):
    if os.environ.get("REDRESS_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"audit-{name}.png"), full_page=True)


def test_a_manager_plans_an_audit_and_the_auditor_conducts_and_reports_it(browser, live_server):
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
    # Closed complaints of customer care last month (closed directly: the audit reads them).
    closed_at = timezone.now() - dt.timedelta(days=20)
    ids = [new_complaint(subject=f"Hóa đơn sai lần {n}").pk for n in range(6)]
    Complaint.objects.filter(pk__in=ids).update(status=Status.CLOSED, closed_at=closed_at)
    auditor = User.objects.get(username="kiemtoan")
    today = timezone.localdate()

    # The complaints manager plans the audit.
    sign_in(page, "quanly")
    page.click("#nav-framework + ul a[href$='/system/audits/']")
    page.click("#plan-audit")
    page.fill("#id_title", "Đánh giá nội bộ phòng Chăm sóc khách hàng")
    page.select_option("#id_unit", label="Phòng Chăm sóc khách hàng")
    page.fill("#id_period_start", (today - dt.timedelta(days=90)).isoformat())
    page.fill("#id_period_end", today.isoformat())
    page.fill("#id_planned_on", (today + dt.timedelta(days=7)).isoformat())
    page.select_option("#id_risk_level", value="high")
    page.fill("#id_rationale", "Nhiều khiếu nại về hóa đơn trong quý")
    page.check(f"input[name=auditors][value='{auditor.pk}']")
    page.click("main form button[type=submit].primary")
    page.wait_for_selector("#audit-status")
    audit = Audit.objects.get()
    page.goto(f"{live_server.url}/staff/system/audits/")
    page.wait_for_selector(f"#audits a:has-text('{audit.reference}')")
    shot(page, "programme")
    sign_out(page)

    # The auditor starts it, answers a question, draws the sample and checks a complaint.
    sign_in(page, "kiemtoan")
    page.goto(f"{live_server.url}/staff/system/audits/{audit.pk}/")
    page.click("#start-audit")
    page.wait_for_selector("#checklist ol")
    question = audit.questions.get(clause="7.4")
    page.click(f"#q-{question.pk} summary")
    page.select_option(f"#answer-{question.pk}", value="nonconforming")
    page.fill(f"#evidence-{question.pk}", "Hai hồ sơ xác nhận trễ hạn")
    page.click(f"#q-{question.pk} form.answer button")
    page.wait_for_selector(f"#q-{question.pk} [data-answer=nonconforming]")
    page.select_option("#id_confidence", value="95")
    page.select_option("#id_tolerable_pct", value="5")
    page.click("#draw-sample button")
    page.wait_for_selector("#sample-rule")
    audit.refresh_from_db()
    assert audit.population_size == 6 and audit.sample_size == 6  # 59 / (1 + 58/6) -> 6
    item = audit.sample_items.order_by("position").first()
    page.click(f"#s-{item.pk} summary")
    page.check(f"#s-{item.pk} input[value=acknowledged_in_time]")
    page.select_option(f"#result-{item.pk}", value="nonconforming")
    page.fill(f"#note-{item.pk}", "Xác nhận sau 3 ngày làm việc")
    page.click(f"#s-{item.pk} form.check button")
    page.wait_for_selector(f"#s-{item.pk} [data-result=nonconforming]")

    # A minor nonconformity on that complaint opens a CAPA for the manager.
    page.select_option("#id_type", value="minor_nc")
    page.fill("#id_statement", "Khiếu nại không được xác nhận trong 1 ngày làm việc")
    page.select_option("#id_question", value=str(question.pk))
    page.select_option("#id_sample_item", value=str(item.pk))
    page.click("#finding-form button")
    page.wait_for_selector("#finding-list a.capa")
    finding = audit.findings.get()
    assert finding.capa.source == CapaSource.AUDIT_FINDING
    assert finding.capa.owner.username == "quanly"

    # The report, then the PDF.
    page.fill("#id_conclusion", "Quy trình phù hợp một phần; cần cải thiện việc xác nhận")
    page.click("#issue-report")
    page.wait_for_selector("#conclusion")
    audit.refresh_from_db()
    assert audit.status == AuditStatus.REPORTED
    shot(page, "audit")
    with page.expect_download() as download:
        page.click("#report-pdf")
    pdf = Path(download.value.path()).read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    packed = "".join(text.split())
    assert "cần cải thiện việc xác nhận" in text
    assert item.complaint.reference in packed
    assert finding.capa.reference in packed
    assert violations == []
    context.close()
