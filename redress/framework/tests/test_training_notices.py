"""Training about to expire is notified in advance, once per record, to the person and their
complaints managers (the periodic job ``training_expiry_notices``)."""

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from redress.core.actors import Actor
from redress.core.models import User
from redress.core.roles import Role
from redress.framework.services.training import (
    course_create,
    training_expiry_notices,
    training_record_add,
)
from redress.handling.testing import make_team
from redress.notifications.models import Notification

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def team():
    return make_team()


def record(team, completed_on, expires_on, person=None):
    manager = Actor.for_user(team.manager)
    course = course_create(
        actor=manager,
        code=f"k{completed_on:%y%m%d}{expires_on:%y%m%d}",
        name="Kỹ năng lắng nghe",
        valid_months=12,
        roles=[Role.HANDLER],
    )
    return training_record_add(
        actor=manager,
        user=person or team.handler,
        course=course,
        completed_on=completed_on,
        expires_on=expires_on,
    )


def test_the_job_is_scheduled():
    assert ("training expiry", "redress.framework.services.training.training_expiry_notices") in (
        django_settings.REDRESS_PERIODIC_JOBS
    )


def test_a_record_expiring_within_the_notice_days_is_notified_once(team, settings):
    settings.REDRESS_TRAINING_EXPIRY_NOTICE_DAYS = 30
    soon = record(team, dt.date(2025, 7, 1), dt.date(2026, 6, 20))
    record(team, dt.date(2025, 7, 1), dt.date(2026, 8, 1))  # not yet
    record(team, dt.date(2025, 1, 1), dt.date(2026, 5, 1))  # already expired: nothing to warn of
    assert training_expiry_notices(today=TODAY) == 1
    notices = Notification.objects.filter(kind=Notification.Kind.TRAINING_EXPIRING)
    assert set(notices.values_list("recipient_id", flat=True)) == {team.handler.pk, team.manager.pk}
    assert set(notices.values_list("target_id", flat=True)) == {team.handler.pk}
    soon.refresh_from_db()
    assert soon.expiry_notice_sent == TODAY
    # Again the next day: nothing more.
    assert training_expiry_notices(today=TODAY + dt.timedelta(days=1)) == 0
    assert notices.count() == 2


def test_a_renewed_record_is_not_notified(team):
    old = record(team, dt.date(2025, 7, 1), dt.date(2026, 6, 20))
    training_record_add(
        actor=Actor.for_user(team.manager),
        user=team.handler,
        course=old.course,
        completed_on=dt.date(2026, 5, 20),
    )
    assert training_expiry_notices(today=TODAY) == 0


def test_the_notice_links_to_the_persons_training(client, team):
    record(team, dt.date(2025, 7, 1), dt.date(2026, 6, 20))
    training_expiry_notices(today=TODAY)
    client.force_login(User.objects.get(pk=team.handler.pk))
    page = client.get(reverse("backoffice:notifications")).content.decode()
    assert reverse("backoffice:training_person", args=[team.handler.pk]) in page
