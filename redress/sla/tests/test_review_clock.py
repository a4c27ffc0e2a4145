"""The internal review's own deadline (issue 18, ISO 10002 7.9): started when the complainant
rejects the decision or it is escalated, counted on the work calendar with the policy's review
target, met when the review's decision is communicated, stopped when the complaint leaves review
another way; shown by the queues, escalated when late, rebuilt by the bulk paths."""

import pytest

from redress.complaints.models import Complaint, PauseReason, Status
from redress.complaints.queues import Queue, queue_queryset
from redress.core.actors import Actor
from redress.handling import services
from redress.handling.testing import advance, make_team, receive
from redress.sla.models import DeadlineNotice, SlaPolicy, StageClock
from redress.sla.rules import Stage
from redress.sla.selectors import next_deadline, overdue_q
from redress.sla.services import (
    sla_clocks_rebuild_missing,
    sla_recompute_complaints,
    sla_sweep,
)
from redress.sla.testing import end_of, local

pytestmark = pytest.mark.django_db

FIRST_DECISION = ["acknowledge", "assess", "investigate", "propose", "approve", "communicate"]
REVIEW_DECISION = ["propose", "approve", "communicate"]


def fresh(complaint):
    return Complaint.objects.get(pk=complaint.pk)


def reviews(complaint):
    return list(
        StageClock.objects.filter(complaint=complaint, stage=Stage.REVIEW).order_by("round")
    )


def decided(team, clock, *, when="2026-03-09 09:00"):
    """A complaint received Mon 09/03/2026 whose first decision was communicated at once."""
    clock.set(when)
    complaint = receive(team, received_at=clock.now).complaint
    for step in FIRST_DECISION:
        complaint = advance(complaint, team, step)
    assert complaint.status == Status.DECISION_COMMUNICATED
    return complaint


def rejected(team, clock, when="2026-03-10 10:00"):
    complaint = decided(team, clock)
    clock.set(when)
    return advance(complaint, team, "reject")


def test_rejecting_the_decision_starts_a_review_due_in_10_working_days(clock):
    team = make_team()
    complaint = rejected(team, clock)

    (review,) = reviews(complaint)
    assert review.started_at == local("2026-03-10 10:00")
    assert review.target_amount == 10 and review.policy.code == "iso-default"
    # The day the review starts does not count: 11, 12, 13, 16 … 24/03 → 24:00 on Tue 24/03.
    assert review.due_at == end_of("2026-03-24")
    assert review.outcome == StageClock.Outcome.RUNNING
    assert fresh(complaint).review_due_at == end_of("2026-03-24")


def test_the_review_target_is_the_policys_and_skips_the_30_april_holidays(clock):
    SlaPolicy.objects.filter(code="iso-default").update(review_amount=5)
    team = make_team()
    complaint = decided(team, clock)
    clock.set("2026-04-29 10:00")
    complaint = advance(complaint, team, "reject")
    # 30/4 and 1/5 are days off, then the weekend: 4, 5, 6, 7, 8 May.
    assert fresh(complaint).review_due_at == end_of("2026-05-08")


def test_an_escalation_starts_the_review_too_and_a_returned_proposal_does_not_restart_it(clock):
    team = make_team()
    complaint = decided(team, clock)
    clock.set("2026-03-10 10:00")
    services.complaint_escalate(
        complaint=complaint, actor=Actor.for_user(team.manager), reason="Khách không đồng ý"
    )
    clock.set("2026-03-12 10:00")
    complaint = advance(fresh(complaint), team, "propose")
    services.complaint_return_decision(
        complaint=complaint, actor=Actor.for_user(team.manager), reason="Cần xem lại"
    )
    complaint = fresh(complaint)
    assert complaint.status == Status.UNDER_REVIEW
    (review,) = reviews(complaint)
    assert review.started_at == local("2026-03-10 10:00")
    assert complaint.review_due_at == end_of("2026-03-24")


def test_the_review_is_met_when_its_decision_is_communicated_and_the_first_outcome_stays(clock):
    team = make_team()
    complaint = rejected(team, clock)
    first = StageClock.objects.get(complaint=complaint, stage=Stage.DECISION)
    clock.set("2026-03-16 15:00")
    for step in REVIEW_DECISION:
        complaint = advance(complaint, team, step)

    (review,) = reviews(complaint)
    assert review.outcome == StageClock.Outcome.MET
    assert review.completed_at == local("2026-03-16 15:00")
    assert review.margin_seconds > 0
    assert StageClock.objects.get(pk=first.pk).outcome == first.outcome  # untouched
    # The complaint no longer carries a running review deadline.
    assert fresh(complaint).review_due_at is None


def test_a_review_decided_late_is_missed_and_a_second_rejection_starts_a_second_review(clock):
    team = make_team()
    complaint = rejected(team, clock)
    clock.set("2026-03-25 09:00")
    for step in REVIEW_DECISION:
        complaint = advance(complaint, team, step)
    clock.set("2026-03-26 09:00")
    complaint = advance(complaint, team, "reject")

    first, second = reviews(complaint)
    assert first.outcome == StageClock.Outcome.BREACHED and first.margin_seconds < 0
    assert (second.round, second.outcome) == (2, StageClock.Outcome.RUNNING)
    assert second.started_at == local("2026-03-26 09:00")
    assert fresh(complaint).review_due_at == second.due_at


@pytest.mark.parametrize("step", ["refer", "withdraw"])
def test_a_review_that_will_not_be_decided_is_not_needed(clock, step):
    team = make_team()
    complaint = rejected(team, clock)
    advance(complaint, team, step)
    (review,) = reviews(complaint)
    assert review.outcome == StageClock.Outcome.CANCELLED
    assert review.next_check_at is None
    assert fresh(complaint).review_due_at is None


def test_a_pause_during_the_review_moves_its_deadline(clock):
    SlaPolicy.objects.filter(code="iso-default").update(review_amount=5)
    team = make_team()
    complaint = rejected(team, clock)
    assert fresh(complaint).review_due_at == end_of("2026-03-17")
    clock.set("2026-03-11 10:00")
    services.complaint_pause(
        complaint=complaint,
        actor=Actor.for_user(team.handler),
        reason=PauseReason.COMPLAINANT,
        note="Xin hóa đơn",
    )
    clock.set("2026-03-13 10:00")
    services.complaint_resume(complaint=fresh(complaint), actor=Actor.for_user(team.handler))
    # Two working days (16 working hours) were lost: due two working days later.
    assert fresh(complaint).review_due_at == end_of("2026-03-19")


def test_the_queues_run_the_review_deadline_due_soon_then_overdue(clock):
    team = make_team()
    complaint = rejected(team, clock)
    # The first decision's deadline (30/03) is still ahead: only the review's can be late.
    assert fresh(complaint).decision_due_at == end_of("2026-03-30")

    def listed(queue, now):
        return {c.pk: c.due_at for c in queue_queryset(team.manager, queue, now=now)}.get(
            complaint.pk
        )

    assert listed(Queue.ALL, local("2026-03-23 09:00")) == end_of("2026-03-24")
    assert listed(Queue.DUE_SOON, local("2026-03-23 09:00")) == end_of("2026-03-24")
    assert listed(Queue.OVERDUE, local("2026-03-23 09:00")) is None
    assert listed(Queue.OVERDUE, local("2026-03-25 09:00")) == end_of("2026-03-24")
    late = Complaint.objects.filter(overdue_q(local("2026-03-25 09:00")))
    assert late.filter(pk=complaint.pk).exists()

    # While the review's new decision is prepared, the review's deadline still runs.
    clock.set("2026-03-25 10:00")
    advance(complaint, team, "propose")
    assert listed(Queue.OVERDUE, local("2026-03-25 11:00")) == end_of("2026-03-24")


def test_a_late_review_is_escalated_by_the_sweep(clock):
    team = make_team()
    complaint = rejected(team, clock)
    (review,) = reviews(complaint)
    clock.set("2026-03-24 15:00")
    sla_sweep()
    assert not DeadlineNotice.objects.filter(
        clock=review, kind=DeadlineNotice.Kind.BREACHED
    ).exists()
    clock.set("2026-03-25 09:00")
    sla_sweep()
    breached = DeadlineNotice.objects.filter(clock=review, kind=DeadlineNotice.Kind.BREACHED)
    assert breached.exists()
    assert team.manager.pk in breached.first().recipients
    assert next_deadline(complaint).stage == Stage.REVIEW


def test_the_complainant_is_told_the_review_date_rather_than_the_closure_date(clock):
    SlaPolicy.objects.filter(code="iso-default").update(review_amount=40)
    team = make_team()
    complaint = rejected(team, clock)
    # Closure (30 working days from receipt, 20/04) falls before the review deadline (40 days).
    assert fresh(complaint).close_due_at < fresh(complaint).review_due_at
    shown = next_deadline(complaint)
    assert (shown.stage, shown.due_at) == (Stage.REVIEW, fresh(complaint).review_due_at)


def test_recompute_and_rebuild_give_a_review_started_before_reviews_were_timed_its_deadline(
    clock,
):
    team = make_team()
    complaint = rejected(team, clock)
    other = rejected(team, clock)
    # As stored before reviews had a clock.
    StageClock.objects.filter(stage=Stage.REVIEW).delete()
    Complaint.objects.update(review_due_at=None)

    assert sla_recompute_complaints(complaint_ids=[complaint.pk]) == 1
    assert fresh(complaint).review_due_at == end_of("2026-03-24")
    assert sla_clocks_rebuild_missing() == 1  # the other one
    assert fresh(other).review_due_at == end_of("2026-03-24")
    assert [r.started_at for r in reviews(other)] == [local("2026-03-10 10:00")]


def test_rebuilding_clocks_from_events_times_the_review(clock):
    team = make_team()
    complaint = rejected(team, clock)
    StageClock.objects.filter(complaint=complaint).delete()
    Complaint.objects.update(review_due_at=None)
    assert sla_clocks_rebuild_missing() == 1
    assert fresh(complaint).review_due_at == end_of("2026-03-24")
    assert len(reviews(complaint)) == 1
