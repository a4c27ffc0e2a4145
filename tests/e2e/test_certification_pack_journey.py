"""The auditor's pack in Chromium, with the Content-Security-Policy enforced: the complaints
manager opens the readiness page from the navigation, sees the score of each clause, goes on
to the packs page from there, asks for a pack of the last quarter with a
sample of three complaints; the page follows the background job (the database queue, run here
by its worker) until the pack is ready; the manager downloads it, and the ZIP holds the PDF
and the files.

With REDRESS_SCREENSHOTS=1 the readiness page, the packs page and the ready pack are saved to docs/screenshots/.
"""

import io
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from pypdf import PdfReader

from redress.certification.maps import SHIPPED, map_load, map_read
from redress.certification.models import AuditorPack, PackState
from redress.intake.seed import demo_organisation
from tests.e2e.shots import shot
from tests.e2e.signin import sign_in
from tests.e2e.test_backoffice_journey import new_complaint

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_prepares_follows_and_downloads_an_auditors_pack(browser, live_server):
    context = browser.new_context(
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": 1366, "height": 900},
        accept_downloads=True,
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.base_url = live_server.url
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    demo_organisation()
    for code in SHIPPED:  # the maps the migrations load, emptied by the flush of an earlier test
        map_load(map_read(code), apps=apps)
    references = [new_complaint(subject=f"Hóa đơn sai lần {n}").reference for n in range(5)]

    sign_in(page, "quanly")
    page.locator("a[href$='/staff/certification/']").first.click()
    page.wait_for_selector("#readiness-score")
    assert page.locator("#readiness-score").inner_text().endswith("%")
    shot(page, "certification-readiness")
    page.click("#to-packs")
    page.wait_for_selector("#pack-form")
    page.fill("#id_sample_size", "3")
    shot(page, "certification-packs")
    page.click("#pack-start")
    page.wait_for_selector("#pack-progress")
    pack = AuditorPack.objects.get()
    assert pack.state == PackState.QUEUED

    # The worker takes the queued job; the page, polling, shows the download when it is done.
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    page.wait_for_selector("#pack-download", timeout=60_000)
    pack.refresh_from_db()
    assert pack.state == PackState.READY
    shot(page, "certification-pack-ready")
    with page.expect_download() as waiting:
        page.click("#pack-download")
    download = waiting.value
    content = Path(download.path()).read_bytes()

    archive = zipfile.ZipFile(io.BytesIO(content))
    names = set(archive.namelist())
    assert {
        f"{pack.reference}.pdf",
        "MANIFEST.csv",
        "sample/complaints.csv",
        "kpis/kpis.xlsx",
    } <= names
    sample = archive.read("sample/complaints.csv").decode("utf-8")
    assert sum(reference in sample for reference in references) == 3
    assert "Nguyễn Thị Lan" not in sample  # masked
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(archive.read(f"{pack.reference}.pdf"))).pages
    )
    assert "Hóa đơn sai lần" in text
    assert violations == []
    context.close()
