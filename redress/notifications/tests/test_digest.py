"""The daily email digest of unread notices: each person's own choice, once a day at most."""

import pytest
from django.urls import reverse

from redress.audit.models import AuditEntry
from redress.core.models import User
from redress.handling.testing import make_team, receive
from redress.notifications.digest import notice_digest_send, notice_digest_set
from redress.notifications.models import NoticeDigest, Notification, OutboundEmail
from redress.notifications.notices import notification_mark_read, notify_users
from redress.sla.rules import Stage
from redress.sla.testing import frozen_clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with frozen_clock("2026-03-09 06:00") as value:
        yield value


@pytest.fixture
def team():
    return make_team()


def digests(user):
    return OutboundEmail.objects.filter(to=user.email, template_code="notice_digest")


def late(team, user, stage=Stage.DECISION):
    complaint = receive(team).complaint
    notify_users(users=[user], kind=Notification.Kind.BREACHED, complaint=complaint, stage=stage)
    return complaint


def test_a_person_turns_their_own_digest_on_and_off_on_the_notices_page(team, client):
    client.force_login(User.objects.get(pk=team.handler.pk))
    page = client.get(reverse("backoffice:notifications")).content.decode()
    assert "Gửi email cho tôi các thông báo chưa đọc mỗi sáng" in page
    assert 'name="daily" checked' not in page

    response = client.post(reverse("backoffice:notifications_digest"), {"daily": "on"})
    assert response.status_code == 302
    assert NoticeDigest.objects.get(user=team.handler).daily
    page = client.get(reverse("backoffice:notifications")).content.decode()
    assert 'name="daily" checked' in page
    assert not NoticeDigest.objects.filter(user=team.manager).exists()  # only their own

    client.post(reverse("backoffice:notifications_digest"), {})
    assert not NoticeDigest.objects.get(user=team.handler).daily
    changes = AuditEntry.objects.filter(action="notice_digest.set").order_by("seq")
    assert [entry.after for entry in changes] == [{"daily": True}, {"daily": False}]


def test_the_digest_is_sent_once_a_day_from_the_digest_hour(team, clock, settings):
    settings.REDRESS_NOTICE_DIGEST_HOUR = 7
    notice_digest_set(user=team.handler, daily=True)
    complaint = late(team, team.handler)

    assert notice_digest_send() == 0  # 06:00: not yet
    clock.set("2026-03-09 07:00")
    assert notice_digest_send() == 1
    assert notice_digest_send() == 0
    clock.set("2026-03-09 23:59")
    assert notice_digest_send() == 0
    assert digests(team.handler).count() == 1

    [email] = digests(team.handler)
    assert email.subject == "Redress: 1 thông báo chưa đọc"
    assert f"Quá hạn ra quyết định {complaint.reference}" in email.body
    assert reverse("backoffice:notifications") in email.body

    clock.set("2026-03-10 07:30")  # the next day: again, once
    assert notice_digest_send() == 1
    assert notice_digest_send() == 0
    assert digests(team.handler).count() == 2


def test_no_digest_without_unread_notices_or_when_off(team, clock):
    clock.set("2026-03-09 09:00")
    notice_digest_set(user=team.handler, daily=True)
    late(team, team.manager)  # the manager did not ask for the digest
    assert notice_digest_send() == 0
    late(team, team.handler)
    notification_mark_read(user=team.handler)
    assert notice_digest_send() == 0  # nothing unread: no email, and the day is done
    late(team, team.handler)
    assert notice_digest_send() == 0
    assert not OutboundEmail.objects.filter(template_code="notice_digest").exists()

    clock.set("2026-03-10 09:00")
    notice_digest_set(user=team.handler, daily=False)
    assert notice_digest_send() == 0


def test_each_person_gets_their_own_notices_in_their_language(team, clock):
    clock.set("2026-03-09 09:00")
    team.manager.language = "en"
    team.manager.save(update_fields=["language"])
    for person in (team.handler, team.manager):
        notice_digest_set(user=person, daily=True)
    mine = late(team, team.handler, stage=Stage.ACKNOWLEDGE)
    theirs = late(team, team.manager, stage=Stage.CLOSE)

    assert notice_digest_send() == 2
    [handler_email] = digests(team.handler)
    [manager_email] = digests(team.manager)
    assert f"Quá hạn xác nhận đã nhận {mine.reference}" in handler_email.body
    assert theirs.reference not in handler_email.body
    assert manager_email.subject == "Redress: 1 unread notice"
    assert f"Closure overdue {theirs.reference}" in manager_email.body
