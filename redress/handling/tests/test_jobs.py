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
