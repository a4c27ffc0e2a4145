"""Restriction of processing (Law 91/2025; docs/privacy.md): once a restriction request is
done, the complaint is the data-protection officer's alone — gone from every other person's
lists, pages and figures — until the DPO lifts it with a reason; both steps audited."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from redress.analytics.cohort import Cohort, Period
from redress.analytics.kpis import CATALOGUE
from redress.audit.models import AuditEntry
from redress.audit.verify import audit_verify
from redress.complaints.models import Complaint, Message
from redress.complaints.selectors import complaints_visible_to
from redress.core.actors import Actor
from redress.core.errors import Conflict, NotPermitted, ValidationFailed
from redress.core.models import User
from redress.core.testing import actor
from redress.handling.messages import complaint_add_message
from redress.handling.services import complaint_assign
from redress.handling.testing import receive
from redress.notifications.digest import notice_digest_send, notice_digest_set
from redress.notifications.models import Notification, OutboundEmail
from redress.notifications.selectors import notices_of
from redress.privacy.models import ProcessingRestriction
from redress.privacy.restriction import restriction_lift
from redress.privacy.testing import complaint_restricted
from redress.sla.models import DeadlineNotice
from redress.sla.services import sla_sweep
from redress.sla.testing import frozen_clock

pytestmark = pytest.mark.django_db


def restricted(team, dpo, complaint):
    return complaint_restricted(dpo, complaint)


def readers(team):
    return [team.frontline, team.handler, team.manager, team.top, team.auditor]


def test_a_restricted_complaint_is_read_by_the_dpo_alone_until_lifted(team, dpo):
    kept, other = receive(team).complaint, receive(team).complaint
    assert not complaints_visible_to(dpo).exists()  # the role shows nothing by itself
    request = restricted(team, dpo, kept)
    for person in readers(team):
        visible = set(complaints_visible_to(person).values_list("pk", flat=True))
        assert kept.pk not in visible and other.pk in visible, person.username
    assert list(complaints_visible_to(dpo)) == [kept]
    assert AuditEntry.objects.filter(action="privacy.restrict", target_label=kept.reference)

    restriction = ProcessingRestriction.objects.get(request=request)
    restriction_lift(
        restriction=restriction, actor=actor(dpo), reason="Người khiếu nại rút yêu cầu"
    )
    for person in readers(team):
        assert complaints_visible_to(person).filter(pk=kept.pk).exists(), person.username
    assert not complaints_visible_to(dpo).exists()
    entry = AuditEntry.objects.get(action="privacy.restriction_lift")
    assert entry.after["reason"] == "Người khiếu nại rút yêu cầu"
    assert audit_verify().ok


def test_figures_leave_the_restricted_complaint_out_for_everyone_but_the_dpo(team, dpo):
    complaints = [receive(team).complaint for _ in range(3)]
    restricted(team, dpo, complaints[0])
    today = timezone.localdate()
    period = Period(today - dt.timedelta(days=1), today + dt.timedelta(days=1))

    def volume(user):
        return CATALOGUE["volume"].compute(Cohort(user=user, period=period)).value

    assert volume(team.top) == 2
    assert volume(team.manager) == 2
    assert volume(dpo) == 1


def test_lifting_needs_the_dpo_a_reason_and_a_restriction_in_force(team, dpo):
    complaint = receive(team).complaint
    request = restricted(team, dpo, complaint)
    restriction = ProcessingRestriction.objects.get(request=request)
    with pytest.raises(NotPermitted):
        restriction_lift(restriction=restriction, actor=actor(team.manager), reason="x")
    with pytest.raises(ValidationFailed) as refused:
        restriction_lift(restriction=restriction, actor=actor(dpo), reason="  ")
    assert "reason" in refused.value.fields
    assert Complaint.objects.get(pk=complaint.pk).processing_restricted
    restriction_lift(restriction=restriction, actor=actor(dpo), reason="Hết căn cứ")
    with pytest.raises(Conflict):
        restriction_lift(restriction=restriction, actor=actor(dpo), reason="Lần nữa")
    assert not Complaint.objects.get(pk=complaint.pk).processing_restricted


def test_the_handler_loses_the_page_and_the_dpo_lifts_on_the_request_page(client, team, dpo):
    complaint = receive(team).complaint
    request = restricted(team, dpo, complaint)
    page = reverse("backoffice:complaint", args=[complaint.reference])
    client.force_login(User.objects.get(pk=team.handler.pk))
    assert client.get(page).status_code == 404
    queue = client.get(reverse("backoffice:queue", args=["unit"]))
    assert queue.status_code == 200 and complaint.reference not in queue.content.decode()

    client.force_login(User.objects.get(pk=dpo.pk))
    assert client.get(page).status_code == 200
    shown = client.get(reverse("backoffice:privacy_request", args=[request.pk])).content.decode()
    assert "Bỏ hạn chế" in shown or "Lift the restriction" in shown
    restriction = ProcessingRestriction.objects.get(request=request)
    lift = reverse("backoffice:privacy_restriction_lift", args=[request.pk, restriction.pk])
    refused = client.post(lift, {"reason": ""})
    assert refused.status_code == 422
    assert Complaint.objects.get(pk=complaint.pk).processing_restricted
    assert client.post(lift, {"reason": "Đã giải quyết tranh chấp"}).status_code == 302
    assert not Complaint.objects.get(pk=complaint.pk).processing_restricted

    client.force_login(User.objects.get(pk=team.handler.pk))
    assert client.get(page).status_code == 200


def test_a_restricted_complaint_s_reminders_go_to_the_dpo_alone(client, team, dpo, settings):
    """Its clocks run on, but the escalations, the notices of the handling and the daily digest
    tell nobody but the data-protection officer about it; a notice given before the
    restriction leaves the others' notices and digests."""
    settings.REDRESS_NOTICE_DIGEST_HOUR = 0
    settings.REDRESS_DEADLINE_DIGEST_AFTER = 100  # each deadline notice told on its own
    with frozen_clock("2026-03-09 09:00") as clock:
        kept = receive(team, received_at=clock.now).complaint
        other = receive(team, received_at=clock.now).complaint
        for complaint in (kept, other):
            complaint_assign(complaint=complaint, actor=actor(team.manager), owner=team.handler)
        assert Notification.objects.filter(recipient=team.handler, complaint=kept).exists()
        for person in readers(team):
            notice_digest_set(user=person, daily=True)
        restricted(team, dpo, kept)

        clock.set("2026-04-20 10:00")  # every deadline of both complaints is long past
        sla_sweep(catch_up=True)
        complaint_add_message(
            complaint=Complaint.objects.get(pk=kept.pk),
            actor=Actor.channel("email"),
            direction=Message.Direction.INBOUND,
            subject="Bổ sung",
            body="Tôi gửi thêm thông tin.",
        )
        notice_digest_send()

    sent = DeadlineNotice.objects.filter(clock__complaint=kept)
    assert sent.exists()
    assert {pk for notice in sent for pk in notice.recipients} == {dpo.pk}
    assert DeadlineNotice.objects.filter(clock__complaint=other).exclude(recipients=[dpo.pk])
    told = Notification.objects.filter(complaint=kept).exclude(kind="assigned")
    assert set(told.values_list("recipient", flat=True)) == {dpo.pk}
    for person in readers(team):
        shown = notices_of(person).values_list("complaint_id", flat=True)
        assert kept.pk not in set(shown), person.username
        for email in OutboundEmail.objects.filter(to=person.email):
            assert kept.reference not in email.subject + email.body, person.username
    assert OutboundEmail.objects.filter(to=team.handler.email, body__contains=other.reference)

    client.force_login(User.objects.get(pk=team.handler.pk))
    bell = client.get(reverse("backoffice:notifications")).content.decode()
    assert kept.reference not in bell and other.reference in bell
