"""The demo does not greet a new manager with hundreds of notices about its past deadlines:
what its history owes is filed as read while it loads, at any hour."""

import pytest
from django.core.management import call_command

from redress.core.actors import Actor
from redress.handling import services
from redress.handling.testing import make_team, receive
from redress.intake.seed.demo_notices import demo_notices_settle
from redress.notifications.models import Notification
from redress.sla.models import DeadlineNotice
from redress.sla.services import sla_sweep
from redress.sla.testing import frozen_clock

pytestmark = pytest.mark.django_db


def test_the_past_is_filed_read_even_at_night_and_not_announced_again():
    with frozen_clock("2026-03-02 09:00") as clock:
        team = make_team()
        complaint = receive(team, received_at=clock.now).complaint
        services.complaint_assign(
            complaint=complaint, actor=Actor.for_user(team.manager), owner=team.handler
        )
        clock.set("2026-03-11 22:00")  # long overdue; night, when notices are held
        filed = demo_notices_settle()

        assert filed >= 2
        breached = Notification.objects.filter(kind=Notification.Kind.BREACHED)
        assert {n.recipient_id for n in breached} >= {team.handler.pk, team.manager.pk}
        assert not Notification.objects.filter(read_at__isnull=True).exists()
        assert not DeadlineNotice.objects.filter(emailed_at__isnull=True).exists()

        clock.set("2026-03-12 08:00")  # the worker's first morning: nothing old comes back
        sla_sweep()
        assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_a_new_manager_of_the_demo_has_no_flood_of_unread_notices(capsys):
    with frozen_clock("2026-11-11 10:00"):  # a working morning: nothing is held
        call_command("demo", complaints=40)
        sla_sweep()  # what the worker does first
    unread = Notification.objects.filter(read_at__isnull=True, complaint__isnull=False)
    assert unread.count() == 0
    assert Notification.objects.filter(read_at__isnull=False).exists()  # the history is kept
