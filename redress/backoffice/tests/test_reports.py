"""The complaints report download: who may take it, for what they see, and refusals that name
the field in the person's language."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from redress.analytics.testing import register_row
from redress.backoffice.views import reports
from redress.core.roles import Role
from redress.core.testing import staff

pytestmark = pytest.mark.django_db

URL = reverse("backoffice:report_pdf")


@pytest.fixture
def fake_pdf(monkeypatch):
    """The PDF is rendered by ``analytics.report`` (tested there); here only who asked for
    which period matters."""
    asked = []

    def render(period, *, user, language):
        asked.append((period, user, language))
        return b"%PDF-1.7 fake"

    monkeypatch.setattr(reports, "monthly_report_pdf", render)
    return asked


@pytest.mark.parametrize("who", ["frontline", "handler"])
def test_handlers_and_frontline_staff_are_refused(team, signed_in, fake_pdf, who):
    response = signed_in(getattr(team, who)).get(URL, {"from": "2026-03-01", "to": "2026-03-31"})

    assert response.status_code == 403
    assert fake_pdf == []
    assert signed_in(getattr(team, who)).get(reverse("backoffice:report")).status_code == 403


def test_an_administrator_without_a_figures_role_is_refused(team, signed_in, fake_pdf):
    admin = staff(Role.ADMIN, team.unit)
    assert signed_in(admin).get(URL).status_code == 403


@pytest.mark.parametrize("who", ["manager", "top", "auditor"])
def test_managers_top_management_and_auditors_get_the_pdf_built_for_them(
    team, signed_in, fake_pdf, who
):
    user = getattr(team, who)
    response = signed_in(user).get(URL, {"from": "2026-03-01", "to": "2026-03-31"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="redress-report-2026-03.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert response.content == b"%PDF-1.7 fake"
    [(period, asked_by, language)] = fake_pdf
    assert (period.first, period.last) == (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert (asked_by.pk, language) == (user.pk, user.language)


def test_without_dates_last_month_and_with_one_day_its_month(team, signed_in, fake_pdf):
    client = signed_in(team.manager)
    response = client.get(URL)
    assert re.fullmatch(
        r'attachment; filename="redress-report-\d{4}-\d{2}\.pdf"', response["Content-Disposition"]
    )
    client.get(URL, {"from": "2026-02-01"})
    client.get(URL, {"to": "2026-02-10"})
    assert [(p.first, p.last) for p, _user, _language in fake_pdf[1:]] == [
        (dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
        (dt.date(2026, 2, 1), dt.date(2026, 2, 10)),
    ]


def test_reversed_dates_are_refused_naming_the_field_in_the_persons_language(
    team, signed_in, fake_pdf
):
    team.manager.language = "vi"
    team.manager.save()

    response = signed_in(team.manager).get(URL, {"from": "2026-03-31", "to": "2026-03-01"})

    assert response.status_code == 422
    assert fake_pdf == []
    page = response.content.decode()
    assert "Đến ngày: Ngày kết thúc kỳ trước ngày bắt đầu." in page


def test_a_malformed_date_is_refused_naming_the_field(team, signed_in, fake_pdf):
    team.manager.language = "en"
    team.manager.save()

    response = signed_in(team.manager).get(URL, {"from": "2026-13-01", "to": "2026-03-31"})

    assert response.status_code == 422
    assert "From: Enter a valid date." in response.content.decode()
    assert fake_pdf == []


def test_the_page_offers_last_month_and_the_menu_links_to_it(team, signed_in):
    client = signed_in(team.manager)
    page = client.get(reverse("backoffice:report")).content.decode()
    assert 'name="from"' in page and 'name="to"' in page
    assert reverse("backoffice:report") in client.get(reverse("backoffice:search")).content.decode()
    handler_page = signed_in(team.handler).get(reverse("backoffice:search")).content.decode()
    assert reverse("backoffice:report") not in handler_page


def test_the_real_pdf_for_a_manager(team, signed_in):
    register_row(team.unit, "2026-03-02 09:00")

    response = signed_in(team.manager).get(URL, {"from": "2026-03-01", "to": "2026-03-31"})

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
