"""Near-due and breach notices: each once, up the levels, never at night unless the calendar
is 24/7 or the complaint is a health or safety risk; found by the sweep when no worker ran."""

import pytest
from django.core import mail
from django.core.management import call_command

from redress.core.actors import Actor
from redress.core.roles import Role
from redress.core.testing import UnitFactory, staff
from redress.handling import services
from redress.handling.testing import make_team, receive
from redress.notifications.models import Notification
from redress.sla.models import BusinessCalendar, DeadlineNotice, StageClock
from redress.sla.rules import Stage
from redress.sla.services import sla_clock_check, sla_sweep
from redress.sla.testing import end_of, local, queued_checks, run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    """A branch under a head office; each has a complaints manager; the branch has a handler."""
    head_office = UnitFactory()
    team = make_team(UnitFactory(parent=head_office))
    team.head_manager = staff(Role.COMPLAINTS_MANAGER, head_office)
    return team


def received(team, clock, when="2026-03-09 09:00", **kwargs):
    clock.set(when)
    complaint = receive(team, received_at=clock.now, **kwargs).complaint
    services.complaint_assign(
        complaint=complaint, actor=Actor.for_user(team.manager), owner=team.handler
    )
    return complaint


def ack_clock(complaint):
    return StageClock.objects.get(complaint=complaint, stage=Stage.ACKNOWLEDGE)


def notices(kind, user=None):
    found = Notification.objects.filter(kind=kind)
    return found.filter(recipient=user) if user else found


def test_near_due_goes_to_the_owner_once(org, clock):
    complaint = received(org, clock)
    # 80 % of the working time from Mon 09:00 to the end of Tuesday (15 h) is Tue 14:00.
    assert ack_clock(complaint).near_due_at == local("2026-03-10 14:00")
    clock.set("2026-03-10 13:59")
    sla_sweep()
    assert not notices(Notification.Kind.NEAR_DUE).exists()

    clock.set("2026-03-10 14:30")
    sla_sweep()
    sla_sweep()
    sla_clock_check(clock_id=ack_clock(complaint).pk)
    assert list(notices(Notification.Kind.NEAR_DUE).values_list("recipient", flat=True)) == [
        org.handler.pk
    ]
    assert DeadlineNotice.objects.filter(kind="near_due").count() == 1


def test_each_deadline_schedules_its_own_check_task(org, clock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = received(org, clock)
    clock_id = ack_clock(complaint).pk
    assert [clock_id] in [args for args, _when in queued_checks()]
    assert local("2026-03-10 14:00") in [
        when for args, when in queued_checks() if args == [clock_id]
    ]

    clock.set("2026-03-10 14:00")
    with django_capture_on_commit_callbacks(execute=True):
        run_queued_tasks()
    assert notices(Notification.Kind.NEAR_DUE, org.handler).count() == 1
    # the task queued the next check: the deadline itself, at 24:00 on Tuesday
    assert end_of("2026-03-10") in [when for args, when in queued_checks() if args == [clock_id]]

    clock.set("2026-03-11 08:00")
    with django_capture_on_commit_callbacks(execute=True):
        run_queued_tasks()
    assert notices(Notification.Kind.BREACHED, org.handler).count() == 1
    assert notices(Notification.Kind.BREACHED, org.manager).count() == 1


def test_a_breach_is_found_by_the_sweep_after_the_worker_was_stopped(
    org, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = received(org, clock)
    assert queued_checks()  # queued, but no worker is running

    clock.set("2026-03-11 09:00")  # acknowledgement was due at the end of Tuesday
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sla", "sweep")
    # level 1 (owner) and level 2 (the branch's manager) at once; the near-due notice is
    # skipped, the deadline having passed
    assert notices(Notification.Kind.BREACHED, org.handler).count() == 1
    assert notices(Notification.Kind.BREACHED, org.manager).count() == 1
    assert not notices(Notification.Kind.BREACHED, org.head_manager).exists()
    assert not notices(Notification.Kind.NEAR_DUE).exists()

    # level 3 (head office) 8 working hours after the deadline: Wednesday 17:00
    clock.set("2026-03-11 17:00")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sla", "sweep")
    assert notices(Notification.Kind.BREACHED, org.head_manager).count() == 1

    # the worker comes back and runs every task still queued: nothing is sent twice
    with django_capture_on_commit_callbacks(execute=True):
        run_queued_tasks()
        call_command("sla", "sweep")
    assert notices(Notification.Kind.BREACHED).count() == 3
    assert DeadlineNotice.objects.filter(clock=ack_clock(complaint), kind="breached").count() == 3


def test_no_notice_at_night_or_on_a_day_off(org, clock):
    complaint = received(org, clock)
    clock.set("2026-03-11 00:30")
    sla_sweep()
    assert not Notification.objects.filter(kind=Notification.Kind.BREACHED).exists()
    assert ack_clock(complaint).next_check_at == local("2026-03-11 08:00")
    clock.set("2026-03-11 07:59")
    sla_sweep()
    assert not notices(Notification.Kind.BREACHED).exists()
    clock.set("2026-03-11 08:00")
    sla_sweep()
    assert notices(Notification.Kind.BREACHED, org.handler).count() == 1


def test_no_notice_over_a_public_holiday(org, clock):
    complaint = received(org, clock, when="2026-04-28 09:00")  # acknowledge by the end of 29/4
    clock.set("2026-04-30 10:00")  # Reunification Day
    sla_sweep()
    clock.set("2026-05-02 10:00")  # Saturday
    sla_sweep()
    assert not notices(Notification.Kind.BREACHED).exists()
    assert ack_clock(complaint).next_check_at == local("2026-05-04 08:00")
    clock.set("2026-05-04 08:00")
    sla_sweep()
    assert notices(Notification.Kind.BREACHED, org.handler).count() == 1


def test_a_24_7_calendar_is_told_at_night(org, clock):
    org.unit.calendar = BusinessCalendar.objects.create(name="Tổng đài", is_24_7=True)
    org.unit.save()
    received(org, clock)
    clock.set("2026-03-11 00:30")  # 24/7: acknowledgement was due at the end of Tuesday
    sla_sweep()
    assert notices(Notification.Kind.BREACHED, org.handler).count() == 1


def test_health_and_safety_escalates_every_level_at_once_day_or_night(org, clock):
    complaint = received(org, clock, when="2026-03-09 16:00", health_safety=True)
    # urgent policy: acknowledge within 2 working hours (16–17, then 08–09 on Tuesday)
    assert ack_clock(complaint).due_at == local("2026-03-10 09:00")
    clock.set("2026-03-10 21:00")  # no worker ran all day; it is night
    sla_sweep()
    sent = DeadlineNotice.objects.filter(clock=ack_clock(complaint), kind="breached")
    assert {(n.level, tuple(n.recipients)) for n in sent} == {
        (1, (org.handler.pk,)),
        (2, (org.manager.pk,)),
        (3, (org.head_manager.pk,)),
    }
    assert {n.sent_at for n in sent} == {local("2026-03-10 21:00")}
    for person in (org.handler, org.manager, org.head_manager):
        assert notices(Notification.Kind.BREACHED, person).exists()


def test_a_paused_complaint_is_not_escalated(org, clock):
    complaint = received(org, clock)
    clock.set("2026-03-09 10:00")
    services.complaint_pause(
        complaint=complaint, actor=Actor.for_user(org.handler), reason="complainant"
    )
    clock.set("2026-03-12 10:00")
    sla_sweep()
    sla_clock_check(clock_id=ack_clock(complaint).pk)
    assert not Notification.objects.filter(kind__in=["near_due", "breached"]).exists()


def test_a_done_stage_is_not_escalated(org, clock):
    complaint = received(org, clock)
    clock.set("2026-03-09 10:00")
    services.complaint_acknowledge(complaint=complaint, actor=Actor.for_user(org.handler))
    clock.set("2026-03-11 09:00")
    sla_sweep()
    assert not DeadlineNotice.objects.filter(clock__stage=Stage.ACKNOWLEDGE).exists()


def test_without_an_owner_the_units_managers_get_the_owners_notice(clock):
    team = make_team()
    clock.set("2026-03-09 09:00")
    receive(team, received_at=clock.now)
    clock.set("2026-03-10 14:30")
    sla_sweep()
    assert notices(Notification.Kind.NEAR_DUE, team.manager).count() == 1


def test_notices_are_emailed_once_in_the_recipients_language(
    org, clock, django_capture_on_commit_callbacks
):
    org.handler.language = "vi"
    org.handler.save()
    complaint = received(org, clock)
    clock.set("2026-03-10 14:30")
    with django_capture_on_commit_callbacks(execute=True):
        sla_sweep()
    with django_capture_on_commit_callbacks(execute=True):
        run_queued_tasks()
        run_queued_tasks()
    # (The complainant's receipt leaves through the same queue.)
    to_handler = [m for m in mail.outbox if org.handler.email in m.to]
    assert len(to_handler) == 1
    assert complaint.reference in to_handler[0].subject
    assert "Sắp đến hạn" in to_handler[0].subject


def test_a_breach_is_published_to_webhooks_once(org, clock, django_capture_on_commit_callbacks):
    from redress.integrations.models import WebhookDelivery, WebhookSubscription

    WebhookSubscription.objects.create(
        name="CRM",
        url="http://127.0.0.1:9/hook",
        secret="s" * 32,
        events=["complaint.deadline_breached"],
    )
    with django_capture_on_commit_callbacks(execute=False):
        complaint = received(org, clock)
    clock.set("2026-03-11 17:00")  # past the acknowledgement deadline: every level is owed
    with django_capture_on_commit_callbacks(execute=False):
        call_command("sla", "sweep")
        call_command("sla", "sweep")
    published = WebhookDelivery.objects.filter(event_type="complaint.deadline_breached")
    assert published.count() == 1
    delivery = published.get()
    assert delivery.complaint_id == complaint.pk
    assert '"acknowledge"' in delivery.body and complaint.reference in delivery.body
