"""The monthly report on its schedule: due on the configured day and hour (organisation's time
zone), sent once to top management only, each in their language, with the PDF attached; a
failed sending is retried for those who did not get it, never for those who did."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connections

from redress.analytics.models import ReportDispatch
from redress.analytics.report import last_month
from redress.analytics.tasks import _claim, due_at, monthly_report_send
from redress.analytics.testing import VN, register_row
from redress.core.roles import Role
from redress.core.testing import staff
from redress.handling.testing import make_team
from redress.notifications.testing import SmtpSink

pytestmark = pytest.mark.django_db


def local(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=VN)


@pytest.fixture
def team(settings):
    settings.REDRESS_MONTHLY_REPORT = {"day": 1, "hour": 7, "recipients": "top_management"}
    team = make_team()
    for user in (team.frontline, team.handler, team.manager, team.top, team.auditor):
        user.email = f"{user.username}@example.vn"
        user.language = "vi"
        user.save()
    register_row(team.unit, "2026-03-02 09:00")
    return team


def test_not_before_the_configured_hour(team, smtp):
    assert monthly_report_send(local("2026-04-01 06:59")) == 0
    assert not ReportDispatch.objects.exists()
    assert smtp.messages == []


def test_not_before_the_configured_day(team, smtp, settings):
    settings.REDRESS_MONTHLY_REPORT = {"day": 3, "hour": 7, "recipients": "top_management"}
    assert monthly_report_send(local("2026-04-02 23:00")) == 0
    assert smtp.messages == []


def test_sent_once_on_the_day_to_top_management_only_with_the_pdf(team, smtp):
    assert monthly_report_send(local("2026-04-01 07:00")) == 1
    assert monthly_report_send(local("2026-04-01 07:01")) == 0
    assert monthly_report_send(local("2026-04-20 12:00")) == 0

    assert smtp.recipients == [[team.top.email]]
    [message] = smtp.messages
    assert message["Subject"].strip().startswith("Báo cáo tháng về khiếu nại 03/2026")
    assert message["Auto-Submitted"] == "auto-generated"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "01/03/2026 – 31/03/2026" in body
    assert "/staff/analytics/report.pdf?from=2026-03-01&to=2026-03-31" in body
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "redress-report-2026-03.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content().startswith(b"%PDF-")
    dispatch = ReportDispatch.objects.get()
    assert (dispatch.period_first, dispatch.period_last) == (
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 31),
    )
    assert dispatch.sent_at is not None
    assert (dispatch.recipients_count, dispatch.delivered_to) == (1, [team.top.pk])


def test_sent_later_in_the_month_when_the_worker_was_down_and_each_in_their_language(team, smtp):
    english = staff(Role.TOP_MANAGEMENT, team.unit, email="ceo@example.vn", language="en")
    staff(Role.TOP_MANAGEMENT, team.unit, email="gone@example.vn", is_active=False)

    assert monthly_report_send(local("2026-04-09 15:00")) == 2

    subjects = {m["To"]: m["Subject"].strip() for m in smtp.messages}
    assert set(subjects) == {team.top.email, english.email}
    assert subjects[english.email].startswith("Monthly complaints report 03/2026")
    assert subjects[team.top.email].startswith("Báo cáo tháng")


def test_a_second_worker_sends_nothing_while_the_first_holds_the_sending(team, smtp):
    now = local("2026-04-01 07:00")

    assert _claim(last_month(now.date()), now) is not None  # the first worker took it

    assert monthly_report_send(now + dt.timedelta(minutes=1)) == 0
    assert smtp.messages == []


def test_a_failed_sending_is_retried_and_nobody_gets_it_twice(team, settings):
    second = staff(Role.TOP_MANAGEMENT, team.unit, email="second@example.vn")
    sink = SmtpSink()  # not listening yet: the mail server is down
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", sink.port, 2
    now = local("2026-04-01 07:00")

    assert monthly_report_send(now) == 0
    dispatch = ReportDispatch.objects.get()
    assert dispatch.sent_at is None and dispatch.last_error
    assert dispatch.next_attempt_at > now
    assert monthly_report_send(now + dt.timedelta(minutes=1)) == 0  # waits for its next attempt

    sink.start()
    try:
        # Say the first person got it on an attempt that then failed for the second.
        ReportDispatch.objects.filter(pk=dispatch.pk).update(delivered_to=[team.top.pk])
        dispatch.refresh_from_db()
        later = dispatch.next_attempt_at + dt.timedelta(seconds=1)
        assert monthly_report_send(later) == 1
        assert monthly_report_send(later + dt.timedelta(hours=1)) == 0
    finally:
        sink.stop()

    assert sink.recipients == [[second.email]]
    dispatch.refresh_from_db()
    assert dispatch.sent_at is not None and dispatch.last_error == ""
    assert dispatch.delivered_to == sorted([team.top.pk, second.pk])


def test_nothing_is_recorded_while_nobody_holds_the_role(smtp, settings):
    settings.REDRESS_MONTHLY_REPORT = {"day": 1, "hour": 7, "recipients": "top_management"}
    assert monthly_report_send(local("2026-04-01 08:00")) == 0
    assert not ReportDispatch.objects.exists()


def test_switched_off_and_misconfigured(settings):
    settings.REDRESS_MONTHLY_REPORT = None
    assert monthly_report_send(local("2026-04-01 08:00")) == 0
    settings.REDRESS_MONTHLY_REPORT = {"day": 1, "hour": 7, "recipients": "ceo"}
    with pytest.raises(ImproperlyConfigured, match="ceo"):
        monthly_report_send(local("2026-04-01 08:00"))


def test_a_day_past_the_end_of_the_month_falls_on_its_last_day():
    assert due_at(local("2026-04-10 00:00"), 31, 7) == local("2026-04-30 07:00")
    assert due_at(local("2026-02-10 00:00"), 30, 0) == local("2026-02-28 00:00")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_three_workers_at_once_send_the_report_once(smtp, settings):
    settings.REDRESS_MONTHLY_REPORT = {"day": 1, "hour": 7, "recipients": "top_management"}
    team = make_team()
    team.top.email = "top@example.vn"
    team.top.save()
    now = local("2026-04-01 07:00")
    sent: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(3)

    def worker():
        try:
            barrier.wait()
            sent.append(monthly_report_send(now))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(sent) == [0, 0, 1]
    assert smtp.recipients == [["top@example.vn"]]
    assert ReportDispatch.objects.get().recipients_count == 1
