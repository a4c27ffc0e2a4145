"""Webhooks and restriction of processing (Law 91/2025; docs/privacy.md): while a complaint is
restricted no event about it leaves — none is queued, and one queued before the restriction is
withheld instead of sent — and after the lift its events go out again."""

from __future__ import annotations

import pytest
from django.utils import timezone

from redress.core.actors import Actor
from redress.core.roles import Role
from redress.core.testing import actor, staff
from redress.handling.testing import advance, make_team, receive
from redress.integrations.models import EventType, WebhookDelivery
from redress.integrations.services import (
    webhook_subscription_create,
    webhooks_publish,
    webhooks_publish_each,
)
from redress.integrations.tasks import webhook_deliver_now
from redress.privacy.models import ProcessingRestriction
from redress.privacy.restriction import restriction_lift
from redress.privacy.testing import complaint_restricted

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    """A team and its unit's data-protection officer."""
    team = make_team()
    return team, staff(Role.DPO, team.unit, username="baove")


def subscribe(url: str) -> None:
    webhook_subscription_create(
        actor=Actor.system("test"),
        name="CRM",
        url=url,
        events=list(EventType.values),
        secret="whsec_test-secret-0123456789",
    )


def restrict(dpo, complaint) -> None:
    complaint_restricted(dpo, complaint)
    complaint.refresh_from_db()


def test_no_event_about_a_restricted_complaint_is_queued_until_the_lift(people, receiver):
    team, dpo = people
    subscribe(receiver.url)
    restricted = receive(team).complaint
    other = receive(team).complaint
    restrict(dpo, restricted)
    before = WebhookDelivery.objects.count()

    advance(restricted, team, "acknowledge")
    breach = {"deadline": "decision", "due_at": timezone.now()}
    assert webhooks_publish("complaint.deadline_breached", restricted, breach) == 0
    assert (
        webhooks_publish_each(
            "complaint.deadline_breached", [(restricted.pk, breach), (other.pk, breach)]
        )
        == 1
    )

    queued = WebhookDelivery.objects.order_by("pk")[before:]
    assert [(d.complaint_id, d.event_type) for d in queued] == [
        (other.pk, "complaint.deadline_breached")
    ]

    restriction = ProcessingRestriction.objects.get(complaint=restricted)
    restriction_lift(restriction=restriction, actor=actor(dpo), reason="Người khiếu nại yêu cầu")
    restricted.refresh_from_db()
    advance(restricted, team, "assess")
    assert WebhookDelivery.objects.filter(
        complaint=restricted, event_type="complaint.status_changed"
    ).exists()


def test_an_event_queued_before_the_restriction_is_withheld_not_sent(people, receiver):
    team, dpo = people
    subscribe(receiver.url)
    complaint = receive(team).complaint
    (delivery,) = WebhookDelivery.objects.filter(complaint=complaint)
    restrict(dpo, complaint)

    assert webhook_deliver_now(delivery.pk) == "withheld"
    assert webhook_deliver_now(delivery.pk) == "withheld"  # final: a later task sends nothing

    delivery.refresh_from_db()
    assert delivery.attempts == 0
    assert delivery.next_attempt_at is None
    assert receiver.requests == []
