"""The admin's year view of a calendar, the statutory policy's lock, and the commands."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from redress.core.management.commands.worker import periodic_jobs, run_periodic_once
from redress.handling.testing import make_team, receive
from redress.notifications.models import Notification
from redress.sla.models import BusinessCalendar, CalendarOverride, SlaPolicy

pytestmark = pytest.mark.django_db


def test_the_calendar_page_lists_the_days_off_of_the_year(admin_client, clock):
    clock.set("2026-06-01 10:00")
    calendar = BusinessCalendar.objects.get(is_default=True)
    CalendarOverride.objects.create(
        calendar=calendar, date=dt.date(2026, 10, 10), kind="working_day", name="Làm bù thứ Bảy"
    )
    page = admin_client.get(
        reverse("admin:sla_businesscalendar_change", args=[calendar.pk])
    ).content.decode()
    assert "24/11/2026" in page  # Vietnam Culture Day
    assert "17/02/2026" in page  # Tết
    assert "22/08/2026" in page  # the Saturday swapped for 31/8
    assert "Làm bù thứ Bảy" in page
    assert "06/02/2027" in page  # next year's Tết too
    listing = admin_client.get(reverse("admin:sla_businesscalendar_changelist")).content.decode()
    assert calendar.name in listing


def test_the_statutory_policy_shows_its_limit_read_only(admin_client):
    preset = SlaPolicy.objects.get(code="vn-negotiation")
    page = admin_client.get(
        reverse("admin:sla_slapolicy_change", args=[preset.pk])
    ).content.decode()
    assert 'name="decision_amount"' not in page
    assert 'name="acknowledge_amount"' in page


def test_sla_calendar_command_prints_the_year(clock):
    out = StringIO()
    call_command("sla", "calendar", "--year", "2027", stdout=out)
    text = out.getvalue()
    assert "2027-02-06 Sat off" in text
    assert "2027-11-24 Wed off" in text
    assert "working days in 2027" in text


def test_the_worker_runs_the_sweep_every_minute(clock):
    assert [name for name, _job in periodic_jobs()] == [
        "sla sweep",
        "outbox flush",
        "sms and zalo flush",
        "mail poll",
        "webhooks flush",
        "monthly report",
        "figures rollup",
        "queue tally",
        "audit anchor",
        "improvement",
        "management system",
        "answer period",
        "progress updates",
        "internal audit reminders",
        "training expiry",
        "management review",
        "breach clock",
        "retention",
        "data-subject request clock",
        "notice digest",
        "triage training",
        "export files expiry",
        "readiness snapshot",
        "triage clusters",
    ]
    team = make_team()
    clock.set("2026-03-09 09:00")
    receive(team, received_at=clock.now)
    clock.set("2026-03-11 09:00")
    run_periodic_once()
    assert Notification.objects.filter(
        kind=Notification.Kind.BREACHED, recipient=team.manager
    ).exists()
