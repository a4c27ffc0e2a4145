"""The worker records "no reply" when a decision's answer period ends."""

import datetime as dt

from django.utils import timezone

from redress.complaints.models import Complaint, ComplaintEvent, Decision, Reaction, Status
from redress.handling.jobs import answer_period_sweep
from redress.handling.testing import complaint_in_state, make_team


def test_no_reply_is_recorded_when_the_answer_period_ends(db):
    team = make_team()
    waiting = complaint_in_state(Status.DECISION_COMMUNICATED, team)
    fresh = complaint_in_state(Status.DECISION_COMMUNICATED, team)
    assert answer_period_sweep() == 0
    past = timezone.now() - dt.timedelta(days=15)
    Decision.objects.filter(complaint=waiting).update(communicated_at=past)
    Complaint.objects.filter(pk=waiting.pk).update(decision_communicated_at=past)

    assert answer_period_sweep() == 1
    assert answer_period_sweep() == 0  # once

    assert Complaint.objects.get(pk=waiting.pk).status == Status.RESOLVED
    assert Complaint.objects.get(pk=fresh.pk).status == Status.DECISION_COMMUNICATED
    decision = Decision.objects.get(complaint=waiting, state="communicated")
    assert decision.reaction == Reaction.NO_REPLY
    event = ComplaintEvent.objects.filter(complaint=waiting, action="record_reaction").get()
    assert event.actor_kind == "system" and event.actor_label == "answer-period"


def test_the_external_bodys_outcome_is_recorded_also_after_closure(db):
    import pytest

    from redress.core.actors import Actor
    from redress.core.errors import Conflict, ValidationFailed
    from redress.handling import services

    team = make_team()
    complaint = complaint_in_state(Status.REFERRED_EXTERNAL, team)
    handler = Actor.for_user(team.handler)
    with pytest.raises(ValidationFailed) as empty:
        services.complaint_record_referral_outcome(complaint=complaint, actor=handler, outcome=" ")
    assert "outcome" in empty.value.fields
    services.complaint_close(complaint=complaint, actor=handler, external_options_told=True)
    referral = services.complaint_record_referral_outcome(
        complaint=Complaint.objects.get(pk=complaint.pk),
        actor=handler,
        outcome="Sở Công Thương hòa giải thành: hoàn tiền 50%.",
    )
    assert referral.outcome == "Sở Công Thương hòa giải thành: hoàn tiền 50%."
    event = ComplaintEvent.objects.get(complaint=complaint, action="record_referral_outcome")
    assert event.data["provider"] == referral.provider
    assert Complaint.objects.get(pk=complaint.pk).status == Status.CLOSED
    never = complaint_in_state(Status.CLOSED, team)
    with pytest.raises(Conflict):
        services.complaint_record_referral_outcome(complaint=never, actor=handler, outcome="x")


def test_a_complainant_who_heard_nothing_for_a_while_gets_a_progress_update(db):
    from redress.complaints.models import Message
    from redress.core.selectors import organisation_get
    from redress.handling.jobs import progress_update_sweep
    from redress.notifications.models import OutboundEmail

    team = make_team()
    quiet = complaint_in_state(Status.INVESTIGATING, team)
    told = complaint_in_state(Status.INVESTIGATING, team)
    week_ago = timezone.now() - dt.timedelta(days=7)
    Complaint.objects.filter(pk__in=[quiet.pk, told.pk]).update(received_at=week_ago)
    Message.objects.filter(complaint=quiet).update(created_at=week_ago)
    assert progress_update_sweep() == 0  # off by default

    organisation = organisation_get()
    organisation.progress_update_days = 5
    organisation.save()
    assert progress_update_sweep() == 1
    assert progress_update_sweep() == 0  # the update restarts the interval

    update = Message.objects.filter(complaint=quiet, direction="outbound").latest("created_at")
    assert update.subject.startswith(f"Khiếu nại {quiet.reference} vẫn đang được xử lý")
    assert OutboundEmail.objects.filter(message=update).exists()
    event = ComplaintEvent.objects.filter(complaint=quiet, action="add_message").latest("pk")
    assert event.actor_label == "progress-update"
    later = timezone.now() + dt.timedelta(days=6)
    assert progress_update_sweep(now=later) == 2  # both have now been quiet for 5 days
