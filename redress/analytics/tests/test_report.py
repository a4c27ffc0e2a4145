"""The complaints report: a PDF in Vietnamese (diacritics and all) with the figures of the
register, every breakdown drawn, and nothing in it that a person may not see."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from redress.analytics.cohort import Period
from redress.analytics.report import (
    last_month,
    monthly_report_html,
    monthly_report_pdf,
    report_filename,
    report_window,
)
from redress.analytics.testing import VN, at, register_row
from redress.complaints.models import Decision, Outcome, Reaction, Status
from redress.complaints.models.records import Remedy
from redress.complaints.testing import CategoryFactory
from redress.core.testing import UnitFactory
from redress.handling.testing import make_team

pytestmark = pytest.mark.django_db

MARCH = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
NOW = dt.datetime(2026, 4, 15, 10, 0, tzinfo=VN)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def march():
    """Three complaints received in March (two about a wrong bill), one decided with a remedy
    of 8,990,000 ₫; one received in April; one in another team's unit."""
    team = make_team()
    bill = CategoryFactory.create(name_vi="Hóa đơn sai", name_en="Wrong bill")
    odd = CategoryFactory.create(name_vi="<script>alert(1)</script>", name_en="<b>odd</b>")
    first = register_row(team.unit, "2026-03-02 09:00", category=bill)
    register_row(team.unit, "2026-03-10 09:00", category=bill, status=Status.ACKNOWLEDGED)
    register_row(team.unit, "2026-03-20 09:00", category=odd)
    register_row(team.unit, "2026-04-02 09:00", category=bill)
    register_row(UnitFactory.create(), "2026-03-05 09:00", category=bill)  # elsewhere
    decision = Decision.objects.create(
        complaint=first,
        outcome=Outcome.UPHELD,
        summary="…",
        reasons="…",
        state=Decision.State.COMMUNICATED,
        proposed_by=team.manager,
        proposed_at=at("2026-03-05 09:00"),
        communicated_at=at("2026-03-06 09:00"),
        reaction=Reaction.ACCEPTED,
    )
    Remedy.objects.create(decision=decision, type="refund", amount=8_990_000)
    return team


def test_the_pdf_reads_in_vietnamese_with_the_figures_of_the_period(march):
    pdf = monthly_report_pdf(MARCH, user=march.manager, language="vi", now=NOW)

    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert "Báo cáo tháng về khiếu nại" in text
    assert "Công ty Redress Demo" in text
    assert "01/03/2026 – 31/03/2026" in text
    assert "Số khiếu nại đã nhận" in text
    assert "Hóa đơn sai" in text
    assert "8.990.000 ₫" in text
    # Two of the three complaints the manager sees are about a wrong bill: 66,7 %.
    assert "66,7%" in text
    assert "Chỉ số" in text


def test_the_pdf_in_english_uses_english_names_and_separators(march):
    text = pdf_text(monthly_report_pdf(MARCH, user=None, language="en", now=NOW))

    assert "Monthly complaints report" in text
    assert "Redress Demo Company" in text
    assert "Complaints received" in text
    assert "8,990,000 ₫" in text
    assert "1 Mar 2026 – 31 Mar 2026" in text


def test_the_report_counts_what_the_person_may_see(march):
    mine = monthly_report_html(MARCH, user=march.manager, language="en", now=NOW)
    everyone = monthly_report_html(MARCH, user=None, language="en", now=NOW)

    assert "3 complaints by category" in mine
    assert "4 complaints by category" in everyone
    assert "The complaints" in mine and "may see" in mine
    assert "The whole organisation." in everyone


def test_every_breakdown_is_drawn_and_names_are_text_not_markup(march):
    html = monthly_report_html(MARCH, user=None, language="vi", now=NOW)

    for code in ("trend_monthly", "pareto_category", "backlog_ageing", "control_volume"):
        assert f'id="{code}"' in html
    assert html.count("<svg ") >= 10
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>odd</b>" not in html


def test_control_charts_list_their_signals_with_the_weeks():
    team = make_team()
    # A steady three complaints a week for 25 weeks, then a week with 30 (16 February).
    monday = dt.date(2025, 8, 25)
    for week in range(26):
        for n in range(30 if week == 25 else 3):
            day = monday + dt.timedelta(days=7 * week + n % 5)
            register_row(team.unit, dt.datetime.combine(day, dt.time(9, n), tzinfo=VN))
    period = Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28))

    html = monthly_report_html(period, user=None, language="en", now=NOW)

    assert "Signals of the control charts" in html
    assert "Weeks of 16/02/2026 – 16/02/2026: One point above the upper control limit" in html
    assert 'class="signal"' in html


def test_a_month_and_its_file_name():
    assert last_month(dt.date(2026, 4, 1)) == MARCH
    assert last_month(dt.date(2026, 1, 31)) == Period(dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    assert report_filename(MARCH) == "redress-report-2026-03.pdf"
    assert (
        report_filename(Period(dt.date(2026, 3, 1), dt.date(2026, 3, 15)))
        == "redress-report-2026-03-01_2026-03-15.pdf"
    )


def test_trends_and_control_charts_cover_a_longer_run_ending_with_the_period():
    assert report_window("pareto_category", MARCH) == MARCH
    assert report_window("trend_monthly", MARCH) == Period(dt.date(2025, 4, 1), MARCH.last)
    assert report_window("control_volume", MARCH) == Period(dt.date(2025, 10, 1), MARCH.last)
    year = Period(dt.date(2024, 1, 1), dt.date(2025, 12, 31))
    assert report_window("control_volume", year) == year
