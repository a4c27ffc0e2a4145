"""Deadlines of real complaints through the real services: receipt, recomputation, pause and
resume, stage outcomes, cancellation and reopening (issue 5)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from redress.complaints.models import Complaint, PauseReason, Priority, Status, VulnerableGroup
from redress.complaints.testing import CategoryFactory, ComplainantFactory
from redress.core.actors import Actor
from redress.handling import services
from redress.handling.testing import advance, make_team, receive
from redress.sla.models import BusinessCalendar, CalendarOverride, ClockPause, SlaPolicy, StageClock
from redress.sla.rules import Stage
from redress.sla.selectors import next_deadline, overdue_q, policy_for
from redress.sla.services import sla_recompute_complaints
from redress.sla.testing import end_of, local

pytestmark = pytest.mark.django_db


def clocks(complaint):
    return {c.stage: c for c in StageClock.objects.filter(complaint=complaint).order_by("round")}


def fresh(complaint):
    return Complaint.objects.get(pk=complaint.pk)


def test_receipt_sets_every_stage_deadline_over_30_april_and_1_may(clock):
    team = make_team()
    clock.set("2026-04-29 10:00")
    complaint = receive(team, received_at=clock.now).complaint

    # ISO 10002 default: 1, 3, 15 and 30 working days; 30/4, 1/5 and the weekend do not count.
    expected = {
        "acknowledge_due_at": end_of("2026-05-04"),
        "assess_due_at": end_of("2026-05-06"),
        "decision_due_at": end_of("2026-05-22"),
        "close_due_at": end_of("2026-06-12"),
    }
    stored = fresh(complaint)
    for field, due in expected.items():
        assert getattr(stored, field) == due, field
        assert getattr(complaint, field) == due, field  # the instance the service holds, too
    by_stage = clocks(complaint)
    assert by_stage[Stage.ACKNOWLEDGE].policy.code == "iso-default"
    assert by_stage[Stage.ACKNOWLEDGE].outcome == StageClock.Outcome.RUNNING


def test_a_saturday_receipt_is_acknowledged_by_the_end_of_monday(clock):
    team = make_team()
    clock.set("2026-03-07 10:00")
    complaint = receive(team, received_at=clock.now).complaint
    assert fresh(complaint).acknowledge_due_at == end_of("2026-03-09")


def test_negotiation_request_before_tet_2027_is_due_7_working_days_after_receipt(clock):
    team = make_team()
    clock.set("2027-02-03 15:00")
    complaint = receive(team, received_at=clock.now, is_negotiation_request=True).complaint
    decision = clocks(complaint)[Stage.DECISION]
    assert decision.policy.code == "vn-negotiation"
    assert decision.due_at == end_of("2027-02-19")
    assert decision.statutory is True


def test_the_legal_7_day_limit_cannot_be_relaxed_by_another_policy(clock):
    team = make_team()
    SlaPolicy.objects.create(
        code="lenient", name="Lenient", rank=1, decision_amount=20, negotiation_request=True
    )
    clock.set("2026-04-29 10:00")
    complaint = receive(team, received_at=clock.now, is_negotiation_request=True).complaint
    decision = clocks(complaint)[Stage.DECISION]
    assert decision.policy.code == "lenient"
    assert decision.due_at == end_of("2026-05-12")  # 7 working days over 30/4–1/5
    assert decision.statutory is True


def test_the_statutory_preset_refuses_a_longer_target_or_being_switched_off():
    preset = SlaPolicy.objects.get(code="vn-negotiation")
    preset.decision_amount = 10
    with pytest.raises(ValidationError) as error:
        preset.full_clean()
    assert "decision_amount" in error.value.message_dict
    preset.decision_amount = 7
    preset.is_active = False
    with pytest.raises(ValidationError):
        preset.full_clean()


def test_a_vulnerable_complainant_gets_the_shorter_targets(clock):
    team = make_team()
    clock.set("2026-03-09 09:00")
    person = ComplainantFactory(vulnerable_group=VulnerableGroup.ELDERLY)
    complaint = receive(team, received_at=clock.now, complainant=person).complaint
    assert clocks(complaint)[Stage.ACKNOWLEDGE].policy.code == "vulnerable"
    # 4 working hours from 09:00: 09–12 and 13–14.
    assert fresh(complaint).acknowledge_due_at == local("2026-03-09 14:00")


def test_policies_by_category_and_unit_match_their_subtrees(clock):
    team = make_team()
    parent = CategoryFactory()
    child = CategoryFactory(parent=parent)
    policy = SlaPolicy.objects.create(
        code="billing",
        name="Billing",
        rank=5,
        acknowledge_amount=3,
        acknowledge_unit="working_hours",
    )
    policy.categories.add(parent)
    clock.set("2026-03-09 09:00")
    complaint = receive(team, received_at=clock.now, category=child).complaint
    assert policy_for(complaint) == policy
    assert fresh(complaint).acknowledge_due_at == local("2026-03-09 12:00")  # 09–12, before lunch
    other = receive(make_team(), received_at=clock.now).complaint
    assert policy_for(other).code == "iso-default"


def test_priority_change_recomputes_the_running_deadlines(clock):
    team = make_team()
    clock.set("2026-03-09 09:00")
    complaint = receive(team, received_at=clock.now).complaint
    assert fresh(complaint).acknowledge_due_at == end_of("2026-03-10")

    clock.set("2026-03-09 09:30")
    updated = services.complaint_prioritise(
        complaint=complaint, actor=Actor.for_user(team.manager), priority=Priority.URGENT
    )
    # The urgent policy: acknowledge within 2 working hours and assess within 4, from receipt.
    assert updated.acknowledge_due_at == local("2026-03-09 11:00")
    assert fresh(complaint).acknowledge_due_at == local("2026-03-09 11:00")
    assert fresh(complaint).assess_due_at == local("2026-03-09 14:00")
    assert clocks(complaint)[Stage.ACKNOWLEDGE].policy.code == "urgent"

    services.complaint_prioritise(
        complaint=complaint, actor=Actor.for_user(team.manager), priority=Priority.NORMAL
    )
    assert fresh(complaint).acknowledge_due_at == end_of("2026-03-10")


def test_a_finished_stage_keeps_its_outcome_when_priority_changes_later(clock):
    team = make_team()
    clock.set("2026-03-09 09:00")
    complaint = receive(team, received_at=clock.now).complaint
    clock.set("2026-03-09 10:00")
    advance(complaint, team, "acknowledge")
    services.complaint_prioritise(
        complaint=complaint, actor=Actor.for_user(team.manager), priority=Priority.URGENT
    )
    ack = clocks(complaint)[Stage.ACKNOWLEDGE]
    assert ack.outcome == StageClock.Outcome.MET
    assert ack.due_at == end_of("2026-03-10")
    assert fresh(complaint).assess_due_at == local("2026-03-09 14:00")


def test_pause_and_resume_over_30_april_moves_deadlines_by_the_working_time_lost(clock):
    team = make_team()
    handler = Actor.for_user(team.handler)
    clock.set("2026-04-28 09:00")
    complaint = receive(team, received_at=clock.now).complaint
    assert fresh(complaint).acknowledge_due_at == end_of("2026-04-29")
    assert fresh(complaint).decision_due_at == end_of("2026-05-21")

    clock.set("2026-04-29 15:00")
    services.complaint_pause(complaint=complaint, actor=handler, reason=PauseReason.COMPLAINANT)
    # While paused nothing is overdue, even after the deadline has passed on the wall clock.
    clock.set("2026-05-04 09:00")
    assert not Complaint.objects.filter(overdue_q(clock.now), pk=complaint.pk).exists()

    clock.set("2026-05-04 10:00")
    services.complaint_resume(complaint=complaint, actor=handler)
    # Lost: Wed 15:00–17:00 and Mon 08:00–10:00 = 4 working hours; 30/4, 1/5 and the weekend
    # are not counted twice. A deadline in days still ends at 24:00.
    stored = fresh(complaint)
    assert stored.acknowledge_due_at == end_of("2026-05-04")
    assert stored.decision_due_at == end_of("2026-05-22")
    pause = ClockPause.objects.get(complaint=complaint)
    assert (pause.started_at, pause.ended_at) == (
        local("2026-04-29 15:00"),
        local("2026-05-04 10:00"),
    )
    assert pause.reason == PauseReason.COMPLAINANT


def test_a_pause_entirely_outside_working_time_moves_nothing(clock):
    team = make_team()
    handler = Actor.for_user(team.handler)
    clock.set("2026-04-28 09:00")
    complaint = receive(team, received_at=clock.now).complaint
    before = fresh(complaint).decision_due_at
    clock.set("2026-04-29 17:30")
    services.complaint_pause(complaint=complaint, actor=handler, reason=PauseReason.THIRD_PARTY)
    clock.set("2026-05-04 07:30")
    services.complaint_resume(complaint=complaint, actor=handler)
    assert fresh(complaint).decision_due_at == before


def test_a_pause_after_the_deadline_passed_gives_no_time_back(clock):
    team = make_team()
    handler = Actor.for_user(team.handler)
    clock.set("2026-03-09 09:00")
    complaint = receive(team, received_at=clock.now).complaint
    clock.set("2026-03-11 09:00")  # acknowledgement was due at the end of 10 March
    services.complaint_pause(complaint=complaint, actor=handler, reason=PauseReason.COMPLAINANT)
    clock.set("2026-03-12 09:00")
    services.complaint_resume(complaint=complaint, actor=handler)
    assert fresh(complaint).acknowledge_due_at == end_of("2026-03-10")
    assert fresh(complaint).assess_due_at == end_of("2026-03-13")  # 3 wd + 8 working hours lost


def test_stage_outcomes_record_met_breached_and_by_how_much(clock):
    team = make_team()
    clock.set("2026-03-09 09:00")
    complaint = receive(team, received_at=clock.now).complaint
    clock.set("2026-03-10 15:00")
    advance(complaint, team, "acknowledge")
    clock.set("2026-03-16 10:00")  # assessment was due at the end of Thursday 12 March
    advance(complaint, team, "assess")

    by_stage = clocks(complaint)
    ack, assess = by_stage[Stage.ACKNOWLEDGE], by_stage[Stage.ASSESS]
    assert ack.outcome == StageClock.Outcome.MET
    assert ack.completed_at == local("2026-03-10 15:00")
    assert ack.working_seconds == (7 + 6) * 3600  # Mon 09–17 less lunch, Tue 08–15 less lunch
    assert ack.margin_seconds == 2 * 3600  # two working hours left that day
    assert ack.working_days == 1
    assert assess.outcome == StageClock.Outcome.BREACHED
    assert assess.margin_seconds == -10 * 3600  # late by Friday 13 (8 h) and Monday 08–10
    assert assess.working_days == 5


def test_a_stage_done_while_paused_is_measured_without_the_pause(clock):
    team = make_team()
    handler = Actor.for_user(team.handler)
    clock.set("2026-03-09 09:00")
    complaint = receive(team, received_at=clock.now).complaint
    clock.set("2026-03-09 10:00")
    services.complaint_pause(complaint=complaint, actor=handler, reason=PauseReason.COMPLAINANT)
    clock.set("2026-03-11 10:00")
    advance(complaint, team, "acknowledge")
    ack = clocks(complaint)[Stage.ACKNOWLEDGE]
    assert ack.outcome == StageClock.Outcome.MET
    assert ack.working_seconds == 3600
    assert ack.paused_seconds == 16 * 3600


def test_withdrawal_and_non_acceptance_stop_the_clocks_that_no_longer_apply(clock):
    team = make_team()
    clock.set("2026-03-09 09:00")
    withdrawn = receive(team, received_at=clock.now).complaint
    advance(withdrawn, team, "withdraw")
    by_stage = clocks(withdrawn)
    assert {by_stage[s].outcome for s in (Stage.ACKNOWLEDGE, Stage.ASSESS, Stage.DECISION)} == {
        "cancelled"
    }
    assert by_stage[Stage.CLOSE].outcome == StageClock.Outcome.RUNNING
    assert fresh(withdrawn).acknowledge_due_at is None

    not_accepted = receive(team, received_at=clock.now).complaint
    advance(not_accepted, team, "acknowledge")
    advance(not_accepted, team, "not_accepted")
    assert clocks(not_accepted)[Stage.DECISION].outcome == StageClock.Outcome.CANCELLED
    assert fresh(not_accepted).status == Status.NOT_ACCEPTED


def test_reopening_starts_a_new_round_for_decision_and_closure(clock):
    team = make_team()
    clock.set("2026-03-09 09:00")
    complaint = receive(team, received_at=clock.now).complaint
    for step in [
        "acknowledge",
        "assess",
        "investigate",
        "propose",
        "approve",
        "communicate",
        "accept",
        "settle",
        "close",
    ]:
        complaint = advance(complaint, team, step)
    assert set(
        StageClock.objects.filter(complaint=complaint).values_list("outcome", flat=True)
    ) == {"met"}
    clock.set("2026-03-16 09:00")
    services.complaint_reopen(
        complaint=complaint, actor=Actor.for_user(team.manager), reason="Sai sót"
    )
    second = StageClock.objects.filter(complaint=complaint, round=2)
    assert sorted(second.values_list("stage", flat=True)) == ["close", "decision"]
    assert fresh(complaint).decision_due_at == end_of("2026-04-06")  # 15 wd after 16 March
    assert next_deadline(fresh(complaint)).stage == Stage.DECISION


def test_a_calendar_change_moves_the_deadlines_of_open_complaints(clock):
    team = make_team()
    clock.set("2026-10-09 10:00")  # Friday
    complaint = receive(team, received_at=clock.now).complaint
    assert fresh(complaint).acknowledge_due_at == end_of("2026-10-12")
    calendar = BusinessCalendar.objects.get(is_default=True)
    CalendarOverride.objects.create(
        calendar=calendar, date=dt.date(2026, 10, 10), kind="working_day", name="Làm bù"
    )
    CalendarOverride.objects.create(
        calendar=calendar, date=dt.date(2026, 10, 12), kind="day_off", name="Nghỉ bù"
    )
    assert sla_recompute_complaints(complaint_ids=[complaint.pk]) == 1
    assert fresh(complaint).acknowledge_due_at == end_of("2026-10-10")


def test_a_24_7_unit_counts_nights_and_holidays(clock):
    hotline = BusinessCalendar.objects.create(name="Tổng đài 24/7", is_24_7=True)
    team = make_team()
    team.unit.calendar = hotline
    team.unit.save()
    clock.set("2027-02-06 22:00")  # Tết
    complaint = receive(team, received_at=clock.now).complaint
    services.complaint_prioritise(
        complaint=complaint, actor=Actor.for_user(team.manager), priority=Priority.URGENT
    )
    assert fresh(complaint).acknowledge_due_at == local("2027-02-07 00:00")


def test_the_complainant_sees_the_next_deadline(clock):
    team = make_team()
    clock.set("2026-03-09 09:00")
    complaint = receive(team, received_at=clock.now).complaint
    upcoming = next_deadline(complaint)
    assert (upcoming.stage, upcoming.due_at, upcoming.paused) == (
        Stage.ACKNOWLEDGE,
        end_of("2026-03-10"),
        False,
    )
    clock.set("2026-03-09 10:00")
    advance(complaint, team, "acknowledge")
    assert next_deadline(complaint).stage == Stage.ASSESS


def test_clocks_are_rebuilt_from_the_events_of_a_complaint_written_without_them(clock):
    team = make_team()
    clock.set("2026-03-09 09:00")
    complaint = receive(team, received_at=clock.now).complaint
    clock.set("2026-03-09 10:00")
    services.complaint_pause(
        complaint=complaint, actor=Actor.for_user(team.handler), reason=PauseReason.COMPLAINANT
    )
    clock.set("2026-03-11 10:00")
    services.complaint_resume(complaint=complaint, actor=Actor.for_user(team.handler))
    clock.set("2026-03-11 11:00")
    advance(complaint, team, "acknowledge")
    expected = {
        c.stage: (c.due_at, c.outcome, c.working_seconds)
        for c in StageClock.objects.filter(complaint=complaint)
    }
    # as a bulk import would leave it: events, but no clocks
    StageClock.objects.filter(complaint=complaint).delete()
    ClockPause.objects.filter(complaint=complaint).delete()

    from redress.sla.services import sla_clocks_rebuild_missing

    assert sla_clocks_rebuild_missing() == 1
    rebuilt = {
        c.stage: (c.due_at, c.outcome, c.working_seconds)
        for c in StageClock.objects.filter(complaint=complaint)
    }
    assert rebuilt == expected
    assert sla_clocks_rebuild_missing() == 0
