"""The stage clocks of a complaint: starting them at receipt, planning each deadline, stopping
and restarting them around pauses, recording each stage's outcome, and a second round after a
reopening.

Deadlines are always computed from scratch (receipt time, policy, calendar, recorded pauses), so
computing them twice, or late, gives the same answer. Each running clock stores its next check
time and queues its check task with the transaction (``redress.sla.services.queue``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from redress.complaints.models import Complaint, Status
from redress.core.writes import insert_new
from redress.sla.calendar import WorkCalendar
from redress.sla.models import ClockPause, SlaPolicy, StageClock
from redress.sla.rules import (
    DUE_FIELDS,
    RECEIPT_STAGES,
    RUNNING_ONLY_STAGES,
    VN_NEGOTIATION_WORKING_DAYS,
    Pause,
    Stage,
    Target,
    TimeUnit,
    due_after,
    extend_for_pauses,
    measure,
    near_due,
    paused_within,
)
from redress.sla.selectors import calendar_for_unit, policy_for
from redress.sla.services.queue import enqueue_check, enqueue_checks

# Used when no active policy matches (an admin switched every policy off): the ISO default.
FALLBACK_TARGETS = {
    Stage.ACKNOWLEDGE: Target(1, TimeUnit.WORKING_DAYS),
    Stage.ASSESS: Target(3, TimeUnit.WORKING_DAYS),
    Stage.DECISION: Target(15, TimeUnit.WORKING_DAYS),
    Stage.CLOSE: Target(30, TimeUnit.WORKING_DAYS),
    Stage.REVIEW: Target(10, TimeUnit.WORKING_DAYS),
}
FALLBACK_NEAR_DUE_PERCENT = 80
RUNNING = StageClock.Outcome.RUNNING
# The action whose event marks a stage as done.
STAGE_DONE_BY = {
    "acknowledge": Stage.ACKNOWLEDGE,
    "assess": Stage.ASSESS,
    "communicate_decision": Stage.DECISION,
    "close": Stage.CLOSE,
}
# A running review is done when its decision is communicated (the decision stage's first
# outcome stays as it was: the review has its own clock).
REVIEW_DONE_BY = "communicate_decision"
# The actions that take a complaint into internal review (a decision sent back during a review
# returns to it, but the review goes on).
REVIEW_STARTED_BY = frozenset({"record_reaction", "escalate"})
# Actions after which a running review will not be decided: the complaint went to an outside
# body, was withdrawn, or closed (reopening starts a new decision round instead).
REVIEW_ENDED_BY = frozenset({"refer_external", "withdraw", "close", "reopen"})


@dataclass(frozen=True)
class Plan:
    """A stage's deadline as the rules give it now."""

    policy: SlaPolicy | None
    target: Target | None
    due_at: dt.datetime | None
    near_due_at: dt.datetime | None
    statutory: bool


def _pauses(complaint: Complaint, *, until: dt.datetime | None = None) -> list[Pause]:
    """The complaint's pauses; with ``until``, a running pause is taken as ending then."""
    rows = ClockPause.objects.filter(complaint=complaint).order_by("started_at", "pk")
    return [(p.started_at, p.ended_at or until) for p in rows]


def plan_stage(
    *,
    complaint: Complaint,
    stage: str,
    started_at: dt.datetime,
    round_number: int,
    policy: SlaPolicy | None,
    calendar: WorkCalendar,
    pauses: Sequence[Pause],
) -> Plan:
    """The deadline and near-due instant of one stage.

    Rules: the policy's target counted from ``started_at`` (receipt, or the reopening) on the
    unit's calendar, moved later by the pauses that began before it passed. For a consumer
    negotiation request the decision is also due within 7 working days of receipt (Law 19/2023
    Art. 57): whichever is earlier wins, and pauses do not move the legal limit, as the law
    provides no suspension.
    """
    target = policy.target(stage) if policy else FALLBACK_TARGETS[Stage(stage)]
    percent = policy.near_due_percent if policy else FALLBACK_NEAR_DUE_PERCENT
    relevant = [p for p in pauses if (p[1] is None or p[1] > started_at)]
    due: dt.datetime | None = None
    unit = target.unit if target else TimeUnit.WORKING_DAYS
    if target is not None:
        due = extend_for_pauses(calendar, unit, due_after(calendar, started_at, target), relevant)
    statutory = False
    if stage == Stage.DECISION and complaint.is_negotiation_request and round_number == 1:
        legal = calendar.add_working_days(complaint.received_at, VN_NEGOTIATION_WORKING_DAYS)
        if due is None or legal <= due:
            due, statutory, unit = legal, True, TimeUnit.WORKING_DAYS
    near = near_due(calendar, unit, started_at, due, percent, relevant) if due else None
    return Plan(policy=policy, target=target, due_at=due, near_due_at=near, statutory=statutory)


def _sync_complaint(
    complaint: Complaint, clocks: Iterable[StageClock], *, write: bool = True
) -> None:
    """Copy each stage's current deadline onto the complaint (list pages filter on them);
    with ``write=False`` only in memory, for a caller that writes the complaint itself."""
    latest: dict[str, StageClock] = {}
    for clock in clocks:
        if clock.stage not in latest or clock.round >= latest[clock.stage].round:
            latest[clock.stage] = clock
    fields = {
        DUE_FIELDS[Stage(stage)]: (
            None
            if clock.outcome == StageClock.Outcome.CANCELLED
            or (stage in RUNNING_ONLY_STAGES and clock.outcome != RUNNING)
            else clock.due_at
        )
        for stage, clock in latest.items()
    }
    if not fields:
        return
    if write:
        type(complaint).objects.filter(pk=complaint.pk).update(**fields)
    for name, value in fields.items():
        setattr(complaint, name, value)


def _next_check(clock: StageClock) -> dt.datetime | None:
    if clock.outcome != RUNNING:
        return None
    candidates = [t for t in (clock.near_due_at, clock.due_at) if t is not None]
    return min(candidates) if candidates else None


def schedule_check(clock: StageClock) -> None:
    """Queue the clock's own check task for its next instant, with the transaction."""
    if clock.next_check_at is not None:
        enqueue_check(clock.pk, clock.next_check_at)


def _set_plan(clock: StageClock, plan: Plan) -> None:
    clock.policy = plan.policy
    clock.target_amount = plan.target.amount if plan.target else None
    clock.target_unit = plan.target.unit if plan.target else ""
    clock.statutory = plan.statutory
    clock.due_at = plan.due_at
    clock.near_due_at = plan.near_due_at
    clock.next_check_at = _next_check(clock)


def _apply_plan(clock: StageClock, plan: Plan) -> None:
    previous = clock.next_check_at
    new = clock.pk is None
    _set_plan(clock, plan)
    clock.save()
    if new or clock.next_check_at != previous:
        schedule_check(clock)


def _current_round(complaint: Complaint) -> int:
    """The reopening round (reviews number their own rounds)."""
    rounds = (
        StageClock.objects.filter(complaint=complaint)
        .exclude(stage=Stage.REVIEW)
        .values_list("round", flat=True)
    )
    return max(rounds, default=1)


def sla_clocks_start(*, complaint: Complaint) -> list[StageClock]:
    """Start the receipt stage clocks. Idempotent: clocks that exist are recomputed."""
    if StageClock.objects.filter(complaint=complaint).exists():
        return sla_clocks_recompute(complaint=complaint)
    return sla_clocks_open(complaint=complaint, pauses=_pauses(complaint))


def sla_clocks_open(
    *, complaint: Complaint, pauses: Sequence[Pause] = (), write_deadlines: bool = True
) -> list[StageClock]:
    """Start the four stage clocks of a complaint that has none (on receipt: no pauses yet),
    in one INSERT, and copy the deadlines onto the complaint. ``write_deadlines=False`` sets
    them on ``complaint`` in memory only: receipt writes them with the reference, in one
    UPDATE (``handling.receipt``)."""
    calendar = calendar_for_unit(complaint.unit_id)
    policy = policy_for(complaint)
    clocks = []
    for stage in RECEIPT_STAGES:
        plan = plan_stage(
            complaint=complaint,
            stage=stage,
            started_at=complaint.received_at,
            round_number=1,
            policy=policy,
            calendar=calendar,
            pauses=pauses,
        )
        clock = StageClock(
            complaint=complaint, stage=stage, round=1, started_at=complaint.received_at
        )
        _set_plan(clock, plan)
        clocks.append(clock)
    insert_new(clocks)
    enqueue_checks([(c.pk, c.next_check_at) for c in clocks if c.next_check_at is not None])
    _sync_complaint(complaint, clocks, write=write_deadlines)
    return clocks


def sla_clocks_recompute(*, complaint: Complaint) -> list[StageClock]:
    """Recompute every running clock from scratch: after a change of priority, category, unit,
    policy or calendar, and when a pause ends. Finished clocks keep their recorded outcome."""
    clocks = list(StageClock.objects.filter(complaint=complaint).order_by("round", "pk"))
    if not clocks:
        return sla_clocks_start(complaint=complaint)
    calendar = calendar_for_unit(complaint.unit_id)
    policy = policy_for(complaint)
    pauses = _pauses(complaint)
    for clock in clocks:
        if clock.outcome != RUNNING:
            continue
        plan = plan_stage(
            complaint=complaint,
            stage=clock.stage,
            started_at=clock.started_at,
            round_number=clock.round,
            policy=policy,
            calendar=calendar,
            pauses=pauses,
        )
        _apply_plan(clock, plan)
        if complaint.paused_at is not None:
            # A stopped clock has nothing to check until it restarts.
            StageClock.objects.filter(pk=clock.pk).update(next_check_at=None)
            clock.next_check_at = None
    _sync_complaint(complaint, clocks)
    return clocks


def sla_stage_complete(*, complaint: Complaint, stage: str, at: dt.datetime) -> StageClock | None:
    """Record that a stage was done at ``at``: met or missed, by how much, and the working
    time it took with pauses left out. Doing a stage again (a second decision after review)
    changes nothing: the first time counts."""
    clock = (
        StageClock.objects.select_for_update()
        .filter(complaint=complaint, stage=stage, outcome=RUNNING)
        .order_by("-round")
        .first()
    )
    if clock is None:
        return None
    calendar = calendar_for_unit(complaint.unit_id)
    # A stage done while the clock is stopped: the pause counts up to now.
    pauses = _pauses(complaint, until=at)
    policy = clock.policy if clock.policy_id else None
    plan = plan_stage(
        complaint=complaint,
        stage=stage,
        started_at=clock.started_at,
        round_number=clock.round,
        policy=policy_for(complaint) or policy,
        calendar=calendar,
        pauses=pauses,
    )
    clock.due_at = plan.due_at
    clock.near_due_at = plan.near_due_at
    clock.completed_at = at
    paused_working = paused_within(calendar, TimeUnit.WORKING_HOURS, clock.started_at, at, pauses)
    worked = calendar.working_time_between(clock.started_at, at) - paused_working
    clock.working_seconds = max(int(worked.total_seconds()), 0)
    clock.paused_seconds = int(paused_working.total_seconds())
    clock.working_days = calendar.working_days_between(clock.started_at, at)
    if clock.due_at is None:
        clock.outcome = StageClock.Outcome.MET
        clock.margin_seconds = None
    else:
        unit = (
            TimeUnit.WORKING_DAYS
            if clock.statutory
            else (clock.target_unit or TimeUnit.WORKING_HOURS)
        )
        if at <= clock.due_at:
            clock.outcome = StageClock.Outcome.MET
            clock.margin_seconds = int(measure(calendar, unit, at, clock.due_at).total_seconds())
        else:
            clock.outcome = StageClock.Outcome.BREACHED
            clock.margin_seconds = -int(measure(calendar, unit, clock.due_at, at).total_seconds())
    clock.next_check_at = None
    clock.save()
    _sync_complaint(complaint, [clock])
    return clock


def sla_stages_cancel(*, complaint: Complaint, stages: Iterable[str], at: dt.datetime) -> int:
    """Stop the clocks of stages that will not happen (withdrawn, not accepted)."""
    clocks = list(
        StageClock.objects.filter(complaint=complaint, stage__in=list(stages), outcome=RUNNING)
    )
    for clock in clocks:
        clock.outcome = StageClock.Outcome.CANCELLED
        clock.completed_at = at
        clock.next_check_at = None
        clock.save(update_fields=["outcome", "completed_at", "next_check_at", "updated_at"])
    _sync_complaint(complaint, clocks)
    return len(clocks)


def sla_pause_start(*, complaint: Complaint, at: dt.datetime, reason: str) -> ClockPause:
    """Stop the clocks; the reason is kept with the pause. Nothing is checked while stopped."""
    pause = ClockPause.objects.filter(complaint=complaint, ended_at__isnull=True).first()
    if pause is None:
        pause = ClockPause.objects.create(complaint=complaint, started_at=at, reason=reason)
    StageClock.objects.filter(complaint=complaint, outcome=RUNNING).update(next_check_at=None)
    return pause


def sla_pause_end(*, complaint: Complaint, at: dt.datetime) -> None:
    """Restart the clocks: every running deadline moves later by the time lost."""
    ClockPause.objects.filter(complaint=complaint, ended_at__isnull=True).update(ended_at=at)
    complaint.paused_at = None
    sla_clocks_recompute(complaint=complaint)


def sla_pause_end_quietly(*, complaint: Complaint, at: dt.datetime) -> None:
    """End a running pause without recomputing (the complaint is being closed)."""
    ClockPause.objects.filter(complaint=complaint, ended_at__isnull=True).update(ended_at=at)


def sla_round_start(
    *, complaint: Complaint, at: dt.datetime, stages: Sequence[str]
) -> list[StageClock]:
    """A reopened complaint owes a new decision and a new closure, counted from the reopening."""
    round_number = _current_round(complaint) + 1
    StageClock.objects.filter(complaint=complaint, stage__in=list(stages), outcome=RUNNING).update(
        outcome=StageClock.Outcome.CANCELLED, completed_at=at, next_check_at=None
    )
    calendar = calendar_for_unit(complaint.unit_id)
    policy = policy_for(complaint)
    pauses = _pauses(complaint)
    clocks = []
    for stage in stages:
        plan = plan_stage(
            complaint=complaint,
            stage=stage,
            started_at=at,
            round_number=round_number,
            policy=policy,
            calendar=calendar,
            pauses=pauses,
        )
        clock = StageClock(complaint=complaint, stage=stage, round=round_number, started_at=at)
        _apply_plan(clock, plan)
        clocks.append(clock)
    _sync_complaint(complaint, clocks)
    return clocks


def sla_review_start(*, complaint: Complaint, at: dt.datetime) -> StageClock:
    """The complaint entered internal review (a rejected decision, or an escalation): the
    review's clock starts at ``at`` with the policy's review target, on the unit's calendar.
    Each review is a round of its own; a review still running is left as it is (a decision
    sent back during the review does not restart it)."""
    running = StageClock.objects.filter(complaint=complaint, stage=Stage.REVIEW, outcome=RUNNING)
    existing = running.order_by("-round").first()
    if existing is not None:
        return existing
    rounds = StageClock.objects.filter(complaint=complaint, stage=Stage.REVIEW).values_list(
        "round", flat=True
    )
    round_number = max(rounds, default=0) + 1
    plan = plan_stage(
        complaint=complaint,
        stage=Stage.REVIEW,
        started_at=at,
        round_number=round_number,
        policy=policy_for(complaint),
        calendar=calendar_for_unit(complaint.unit_id),
        pauses=_pauses(complaint),
    )
    clock = StageClock(complaint=complaint, stage=Stage.REVIEW, round=round_number, started_at=at)
    _apply_plan(clock, plan)
    if complaint.paused_at is not None:
        # A stopped clock has nothing to check until it restarts.
        StageClock.objects.filter(pk=clock.pk).update(next_check_at=None)
        clock.next_check_at = None
    _sync_complaint(complaint, [clock])
    return clock


def sla_follow_review(
    *, complaint: Complaint, action: str, to_status: str, at: dt.datetime
) -> None:
    """The review clock's part of an action: started on entering internal review, met when the
    review's decision is communicated, not needed once the complaint leaves review otherwise."""
    if to_status == Status.UNDER_REVIEW and action in REVIEW_STARTED_BY:
        sla_review_start(complaint=complaint, at=at)
    elif action == REVIEW_DONE_BY:
        sla_stage_complete(complaint=complaint, stage=Stage.REVIEW, at=at)
    elif action in REVIEW_ENDED_BY:
        sla_stages_cancel(complaint=complaint, stages=[Stage.REVIEW], at=at)
