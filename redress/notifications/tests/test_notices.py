"""Notices to staff: one unread notice per person, complaint and kind (a repeat refreshes it),
deadline notices naming their stage, read once the person acts on the complaint."""

import datetime as dt

import pytest
from django.utils import translation

from redress.core.actors import Actor
from redress.core.roles import Role
from redress.core.testing import UnitFactory, staff
from redress.handling import services
from redress.handling.testing import make_team, receive
from redress.notifications.models import Notification
from redress.notifications.notices import notification_mark_read, notify_users
from redress.sla.models import StageClock
from redress.sla.rules import Stage
from redress.sla.services import sla_sweep
from redress.sla.testing import frozen_clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with frozen_clock() as value:
        yield value


@pytest.fixture
def org():
    """A branch under a head office (whose manager hears of late complaints last)."""
    head_office = UnitFactory()
    team = make_team(UnitFactory(parent=head_office))
    team.head_manager = staff(Role.COMPLAINTS_MANAGER, head_office)
    return team


def owned(team, clock, when="2026-03-09 09:00"):
    clock.set(when)
    complaint = receive(team, received_at=clock.now).complaint
    services.complaint_assign(
        complaint=complaint, actor=Actor.for_user(team.manager), owner=team.handler
    )
    return complaint


def unread(user, **kwargs):
    return Notification.objects.filter(recipient=user, read_at__isnull=True, **kwargs)


def test_a_missed_deadline_names_its_stage(org, clock):
    complaint = owned(org, clock)
    clock.set("2026-03-11 09:00")  # acknowledgement was due at the end of Tuesday
    sla_sweep()
    [notice] = unread(org.handler, complaint=complaint, kind="breached")
    assert (notice.kind, notice.stage) == (Notification.Kind.BREACHED, Stage.ACKNOWLEDGE)
    with translation.override("vi"):
        assert notice.title == "Quá hạn xác nhận đã nhận"
    with translation.override("en"):
        assert notice.title == "Acknowledgement overdue"


def test_the_stage_titles_in_vietnamese():
    notice = Notification(kind=Notification.Kind.BREACHED, stage=Stage.DECISION)
    near = Notification(kind=Notification.Kind.NEAR_DUE, stage=Stage.ASSESS)
    other = Notification(kind=Notification.Kind.ASSIGNED)
    with translation.override("vi"):
        assert notice.title == "Quá hạn ra quyết định"
        assert near.title == "Sắp đến hạn đánh giá ban đầu"
        assert other.title == "Khiếu nại được giao cho bạn"


def test_a_second_late_stage_refreshes_the_managers_unread_notice(org, clock):
    complaint = owned(org, clock)
    clock.set("2026-03-11 09:00")
    sla_sweep()  # acknowledgement late: the owner (level 1) and the branch manager (level 2)
    [first] = unread(org.manager, complaint=complaint)
    assert (first.stage, first.repeats) == (Stage.ACKNOWLEDGE, 1)

    # The owner acknowledges (his notice is answered); the assessment is late in its turn.
    clock.set("2026-03-11 10:00")
    services.complaint_acknowledge(complaint=complaint, actor=Actor.for_user(org.handler))
    assess = StageClock.objects.get(complaint=complaint, stage=Stage.ASSESS, outcome="running")
    clock.set(assess.due_at + dt.timedelta(hours=10))  # the working morning after
    sla_sweep()

    # The manager, who did nothing meanwhile, still has one unread notice about it: refreshed.
    [again] = unread(org.manager, complaint=complaint)
    assert again.pk == first.pk
    assert (again.kind, again.stage, again.repeats) == ("breached", Stage.ASSESS, 2)
    assert again.updated_at > first.updated_at
    with translation.override("vi"):
        assert again.title == "Quá hạn đánh giá ban đầu"
    # The owner had read his: the new lateness is a new notice.
    assert (
        Notification.objects.filter(recipient=org.handler, complaint=complaint, kind="breached")
    ).count() == 2
    [new] = unread(org.handler, complaint=complaint)
    assert new.stage == Stage.ASSESS


def test_a_repeat_refreshes_the_unread_notice_and_a_read_one_is_not_reopened():
    team = make_team()
    first = receive(team).complaint
    second = receive(team).complaint
    for _ in range(3):
        notify_users(users=[team.handler], kind=Notification.Kind.MESSAGE, complaint=first)
    notify_users(users=[team.handler], kind=Notification.Kind.MESSAGE, complaint=second)
    notify_users(users=[team.handler], kind=Notification.Kind.ASSIGNED, complaint=first)

    assert unread(team.handler, complaint=first, kind="message").get().repeats == 3
    assert unread(team.handler, complaint=second, kind="message").get().repeats == 1
    assert unread(team.handler, complaint=first, kind="assigned").count() == 1

    notification_mark_read(user=team.handler)
    notify_users(users=[team.handler], kind=Notification.Kind.MESSAGE, complaint=first)
    notices = Notification.objects.filter(recipient=team.handler, complaint=first, kind="message")
    assert sorted((n.repeats, n.read_at is None) for n in notices) == [(1, True), (3, False)]


def test_a_once_only_notice_is_still_given_once():
    team = make_team()
    complaint = receive(team).complaint
    for _ in range(2):
        notify_users(
            users=[team.manager],
            kind=Notification.Kind.SIGNIFICANT,
            complaint=complaint,
            dedupe_key=f"significant:{complaint.pk}",
        )
    notification_mark_read(user=team.manager)
    assert (
        notify_users(
            users=[team.manager],
            kind=Notification.Kind.SIGNIFICANT,
            complaint=complaint,
            dedupe_key=f"significant:{complaint.pk}",
        )
        == 0
    )
    assert Notification.objects.get(recipient=team.manager, kind="significant").repeats == 1


def test_notices_about_other_records_are_not_merged():
    team = make_team()
    for pk in (1, 2):
        notify_users(
            users=[team.manager],
            kind=Notification.Kind.CAPA_OVERDUE,
            target=(Notification.Target.CAPA, pk, f"CAPA-{pk}"),
        )
    assert unread(team.manager, kind="capa_overdue").count() == 2


def test_acting_on_a_complaint_marks_only_that_persons_notices_about_it_read():
    team = make_team()
    acted_on = receive(team, health_safety=True).complaint  # significant: managers are told
    other = receive(team, health_safety=True).complaint
    assert unread(team.manager, complaint=acted_on).count() == 1
    assert unread(team.top, complaint=acted_on).count() == 1

    services.complaint_assign(
        complaint=acted_on, actor=Actor.for_user(team.manager), owner=team.handler
    )

    assert not unread(team.manager, complaint=acted_on).exists()
    assert unread(team.manager, complaint=other).count() == 1  # another complaint
    assert unread(team.top, complaint=acted_on).count() == 1  # another person
    # The assignment itself tells the new owner, whose notice stays unread until they act.
    assert unread(team.handler, complaint=acted_on, kind="assigned").count() == 1
    services.complaint_acknowledge(complaint=acted_on, actor=Actor.for_user(team.handler))
    assert not unread(team.handler, complaint=acted_on).exists()


def test_a_channel_acting_marks_nothing_read():
    team = make_team()
    complaint = receive(team, health_safety=True).complaint
    services.complaint_acknowledge(complaint=complaint, actor=Actor.channel("web"))
    assert unread(team.manager, complaint=complaint).count() == 1


def test_the_notices_page_names_the_stage_and_counts_repeats(client):
    from django.urls import reverse

    from redress.core.models import User

    team = make_team()
    complaint = receive(team).complaint
    for stage in (Stage.ASSESS, Stage.DECISION):
        notify_users(
            users=[team.manager], kind=Notification.Kind.BREACHED, complaint=complaint, stage=stage
        )
    client.force_login(User.objects.get(pk=team.manager.pk))
    page = client.get(reverse("backoffice:notifications")).content.decode()
    assert "<strong>Quá hạn ra quyết định</strong>" in page
    assert f">{complaint.reference}</a>" in page
    assert "(2 lần)" in page
    assert "Quá hạn đánh giá ban đầu" not in page  # refreshed, not listed twice


def test_the_migration_keeps_each_old_notices_time():
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "redress.notifications.migrations.0015_notice_stage_repeats_digest"
    )
    team = make_team()
    complaint = receive(team).complaint
    notify_users(users=[team.manager], kind=Notification.Kind.MESSAGE, complaint=complaint)
    old = dt.datetime(2026, 1, 5, 3, 0, tzinfo=dt.UTC)
    Notification.objects.update(created_at=old)

    migration.settle_existing(apps, None)

    [notice] = Notification.objects.all()
    assert (notice.updated_at, notice.read_at) == (old, None)
