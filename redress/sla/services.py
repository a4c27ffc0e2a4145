"""Every write of the deadline engine: starting, moving, stopping and closing stage clocks, and
sending each escalation notice once.

The lifecycle services call in through ``redress.sla.hooks`` inside their own transaction;
the check task and the sweep call ``sla_clock_check``. Deadlines are always recomputed from
scratch (receipt time, policy, calendar, recorded pauses), so running a recomputation twice, or
late, gives the same answer.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from redress.core.memo import memo_clear, memo_wait
from redress.core.roles import Role
from redress.core.tasks import enqueue_on_commit
from redress.sla.calendar import WorkCalendar
from redress.sla.models import ClockPause, DeadlineNotice, EscalationLevel, SlaPolicy, StageClock
from redress.sla.rules import (
    DUE_FIELDS,
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

if TYPE_CHECKING:
    from redress.complaints.models import Complaint
    from redress.core.models import User

logger = logging.getLogger(__name__)

# Used when no active policy matches (an admin switched every policy off): the ISO default.
FALLBACK_TARGETS = {
    Stage.ACKNOWLEDGE: Target(1, TimeUnit.WORKING_DAYS),
    Stage.ASSESS: Target(3, TimeUnit.WORKING_DAYS),
    Stage.DECISION: Target(15, TimeUnit.WORKING_DAYS),
    Stage.CLOSE: Target(30, TimeUnit.WORKING_DAYS),
}
FALLBACK_NEAR_DUE_PERCENT = 80
RUNNING = StageClock.Outcome.RUNNING


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


def _sync_complaint(complaint: Complaint, clocks: Iterable[StageClock]) -> None:
    """Copy each stage's current deadline onto the complaint (list pages filter on them)."""
    latest: dict[str, StageClock] = {}
    for clock in clocks:
        if clock.stage not in latest or clock.round >= latest[clock.stage].round:
            latest[clock.stage] = clock
    fields = {
        DUE_FIELDS[Stage(stage)]: (
            None if clock.outcome == StageClock.Outcome.CANCELLED else clock.due_at
        )
        for stage, clock in latest.items()
    }
    if not fields:
        return
    type(complaint).objects.filter(pk=complaint.pk).update(**fields)
    for name, value in fields.items():
        setattr(complaint, name, value)


def _next_check(clock: StageClock) -> dt.datetime | None:
    if clock.outcome != RUNNING:
        return None
    candidates = [t for t in (clock.near_due_at, clock.due_at) if t is not None]
    return min(candidates) if candidates else None


def _schedule(clock: StageClock) -> None:
    """Queue the clock's own check task for its next instant, with the transaction."""
    from redress.sla.tasks import enqueue_check

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
        _schedule(clock)


def _current_round(complaint: Complaint) -> int:
    rounds = StageClock.objects.filter(complaint=complaint).values_list("round", flat=True)
    return max(rounds, default=1)


def sla_clocks_start(*, complaint: Complaint) -> list[StageClock]:
    """Start the four stage clocks at receipt. Idempotent: clocks that exist are recomputed."""
    if StageClock.objects.filter(complaint=complaint).exists():
        return sla_clocks_recompute(complaint=complaint)
    return sla_clocks_open(complaint=complaint, pauses=_pauses(complaint))


def sla_clocks_open(*, complaint: Complaint, pauses: Sequence[Pause] = ()) -> list[StageClock]:
    """Start the four stage clocks of a complaint that has none (on receipt: no pauses yet),
    in one INSERT, and copy the deadlines onto the complaint."""
    calendar = calendar_for_unit(complaint.unit_id)
    policy = policy_for(complaint)
    clocks = []
    for stage in Stage:
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
    StageClock.objects.bulk_create(clocks)
    from redress.sla.tasks import enqueue_checks

    enqueue_checks([(c.pk, c.next_check_at) for c in clocks if c.next_check_at is not None])
    _sync_complaint(complaint, clocks)
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


def sla_recompute_complaints(*, complaint_ids: Iterable[int]) -> int:
    """Recompute open complaints one by one, each in its own transaction with the row locked
    (after a policy or calendar was edited). Returns how many were recomputed."""
    from redress.complaints.models import Complaint, Status

    done = 0
    for complaint_id in complaint_ids:
        with transaction.atomic():
            complaint = (
                Complaint.objects.select_for_update()
                .select_related("complainant")
                .filter(pk=complaint_id)
                .exclude(status=Status.CLOSED)
                .first()
            )
            if complaint is None:
                continue
            sla_clocks_recompute(complaint=complaint)
            done += 1
    return done


def sla_clocks_rebuild(*, complaint: Complaint) -> list[StageClock]:
    """Build the clocks of a complaint that has none by replaying its recorded events
    (complaints written without the services: bulk imports, demo data). Idempotent: a
    complaint that already has clocks is left alone."""
    from redress.complaints.models import ComplaintEvent

    if StageClock.objects.filter(complaint=complaint).exists():
        return []
    ClockPause.objects.filter(complaint=complaint).delete()
    sla_clocks_start(complaint=complaint)
    for event in ComplaintEvent.objects.filter(complaint=complaint).order_by("at", "pk"):
        action = event.action
        if action == "pause":
            ClockPause.objects.create(
                complaint=complaint, started_at=event.at, reason=str(event.data.get("reason", ""))
            )
        elif action in ("resume", "close"):
            sla_pause_end_quietly(complaint=complaint, at=event.at)
        if action in STAGE_DONE_BY:
            sla_stage_complete(complaint=complaint, stage=STAGE_DONE_BY[action], at=event.at)
        if action == "assess" and event.to_status == "not_accepted":
            sla_stages_cancel(complaint=complaint, stages=[Stage.DECISION], at=event.at)
        if action == "withdraw":
            sla_stages_cancel(
                complaint=complaint,
                stages=[Stage.ACKNOWLEDGE, Stage.ASSESS, Stage.DECISION],
                at=event.at,
            )
        if action == "reopen":
            sla_round_start(complaint=complaint, at=event.at, stages=[Stage.DECISION, Stage.CLOSE])
    return sla_clocks_recompute(complaint=complaint)


STAGE_DONE_BY = {
    "acknowledge": Stage.ACKNOWLEDGE,
    "assess": Stage.ASSESS,
    "communicate_decision": Stage.DECISION,
    "close": Stage.CLOSE,
}


def sla_clocks_rebuild_missing(*, limit: int | None = None) -> int:
    """Rebuild the clocks of every complaint that has none; returns how many."""
    from redress.complaints.models import Complaint

    ids = (
        Complaint.objects.filter(sla_clocks__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    done = 0
    for complaint_id in list(ids[:limit] if limit else ids):
        with transaction.atomic():
            complaint = (
                Complaint.objects.select_for_update()
                .select_related("complainant")
                .get(pk=complaint_id)
            )
            if sla_clocks_rebuild(complaint=complaint):
                done += 1
    return done


RECOMPUTE_BATCH = 200


def sla_recompute_schedule(*, unit_ids: Iterable[int] | None = None) -> int:
    """After a policy or calendar was edited: queue the recomputation of the open complaints
    (of ``unit_ids``, or all), in batches, once the edit has committed. Returns how many.

    Other processes remember settings for a few seconds (``redress.core.memo``), so a complaint
    received meanwhile may get the old deadlines: the recomputation runs once every process
    has forgotten them, and covers the complaints received until then as well."""
    from redress.complaints.models import Complaint, Status

    memo_clear()
    now = timezone.now()
    units = None if unit_ids is None else list(unit_ids)
    open_complaints = Complaint.objects.exclude(status=Status.CLOSED)
    if units is not None:
        open_complaints = open_complaints.filter(unit_id__in=units)
    ids = list(open_complaints.order_by("pk").values_list("pk", flat=True))
    batches = [ids[i : i + RECOMPUTE_BATCH] for i in range(0, len(ids), RECOMPUTE_BATCH)]
    later = now + dt.timedelta(seconds=memo_wait())

    def enqueue() -> None:
        from django_tasks.exceptions import InvalidTaskError

        from redress.sla.tasks import recompute_complaints, recompute_received_since

        try:
            try:
                run, run_since = (
                    recompute_complaints.using(run_after=later),
                    recompute_received_since.using(run_after=later),
                )
            except InvalidTaskError:
                # A backend that cannot wait runs tasks here and now, in the process that has
                # just forgotten the old settings: nothing was received with them meanwhile.
                run, run_since = recompute_complaints, None
            for batch in batches:
                run.enqueue(batch)
            if memo_wait() and run_since is not None:
                run_since.enqueue(now.isoformat(), units)
        except Exception:
            # The deadlines stay as they were until the next change; say so loudly.
            logger.exception("Could not queue the recomputation of %s complaints", len(ids))

    transaction.on_commit(enqueue)
    return len(ids)


def sla_recompute_received_since(*, since: dt.datetime, unit_ids: list[int] | None) -> int:
    """Recompute the open complaints received since ``since`` (of ``unit_ids``, or all)."""
    from redress.complaints.models import Complaint, Status

    received = Complaint.objects.filter(received_at__gte=since).exclude(status=Status.CLOSED)
    if unit_ids is not None:
        received = received.filter(unit_id__in=unit_ids)
    ids = list(received.values_list("pk", flat=True))
    for start in range(0, len(ids), RECOMPUTE_BATCH):
        sla_recompute_complaints(complaint_ids=ids[start : start + RECOMPUTE_BATCH])
    return len(ids)


def sla_calendar_changed(*, calendar_id: int) -> int:
    """Recompute the open complaints of every unit that uses the calendar (directly, or as
    the organisation's default)."""
    from redress.core.models import OrgUnit
    from redress.sla.models import BusinessCalendar

    calendar = BusinessCalendar.objects.filter(pk=calendar_id).first()
    if calendar is None:
        return 0
    units = OrgUnit.objects.filter(calendar=calendar)
    if calendar.is_default:
        units = OrgUnit.objects.filter(Q(calendar=calendar) | Q(calendar__isnull=True))
    return sla_recompute_schedule(unit_ids=units.values_list("pk", flat=True))


# ------------------------------------------------------------------------------------------
# Escalation


def _audience(complaint: Complaint, audience: str) -> list[User]:
    from redress.core.selectors import unit_ancestor_ids, users_with_role

    if audience == EscalationLevel.Audience.OWNER:
        if complaint.owner is not None and complaint.owner.is_active:
            return [complaint.owner]
        # Nobody owns it yet: the unit's managers must hear, or the notice would be lost.
        audience = EscalationLevel.Audience.UNIT_MANAGERS
    if audience == EscalationLevel.Audience.UNIT_MANAGERS:
        for unit_id in unit_ancestor_ids(complaint.unit_id):
            managers = users_with_role(Role.COMPLAINTS_MANAGER, unit_ids=[unit_id])
            if managers:
                return managers
        return []
    if audience == EscalationLevel.Audience.ORGANISATION_MANAGERS:
        top_unit = unit_ancestor_ids(complaint.unit_id)[-1]
        return users_with_role(Role.COMPLAINTS_MANAGER, unit_ids=[top_unit]) or users_with_role(
            Role.COMPLAINTS_MANAGER
        )
    if audience == EscalationLevel.Audience.TOP_MANAGEMENT:
        return users_with_role(Role.TOP_MANAGEMENT)
    return []


def _complaint(complaint_id: int) -> Complaint:
    from redress.complaints.models import Complaint

    return Complaint.objects.select_related("owner", "complainant").get(pk=complaint_id)


@dataclass(frozen=True)
class _Due:
    kind: str
    level: EscalationLevel
    at: dt.datetime


def _notices_owed(
    clock: StageClock,
    complaint: Complaint,
    calendar: WorkCalendar,
    levels: Sequence[EscalationLevel],
) -> list[_Due]:
    """Every notice this clock will owe, with the time it becomes owed."""
    at_once = complaint.health_safety
    owed: list[_Due] = []
    for level in levels:
        if clock.near_due_at is not None and (level.near_due or at_once):
            owed.append(_Due(DeadlineNotice.Kind.NEAR_DUE, level, clock.near_due_at))
        if clock.due_at is not None and (level.breach or at_once):
            when = clock.due_at
            if level.after_hours and not at_once:
                when = calendar.add_working_time(
                    clock.due_at, dt.timedelta(hours=level.after_hours)
                )
            owed.append(_Due(DeadlineNotice.Kind.BREACHED, level, when))
    return owed


def sla_clock_check(*, clock_id: int, now: dt.datetime | None = None) -> list[DeadlineNotice]:
    """Send the notices a clock owes by ``now``, each exactly once, and set when to look again.

    Rules: the near-due notice goes to the levels marked for it once the threshold is reached
    (not once the deadline itself has passed: then the breach notice says more); the breach
    notice goes to each level when the deadline plus that level's delay (working hours) has
    passed. Notices are held until working hours unless the calendar is 24/7; a health or
    safety complaint escalates every level at once, day or night. A paused or finished clock
    owes nothing. Safe to run any number of times, concurrently included: the row lock and the
    unique constraint on ``DeadlineNotice`` keep each notice single.
    """
    now = now or timezone.now()
    with transaction.atomic():
        # Lock the clock row only: PostgreSQL refuses FOR UPDATE across the owner outer join.
        clock = StageClock.objects.select_for_update().filter(pk=clock_id).first()
        if clock is None:
            return []
        complaint = _complaint(clock.complaint_id)
        if clock.outcome != RUNNING or complaint.paused_at is not None:
            if clock.next_check_at is not None:
                StageClock.objects.filter(pk=clock.pk).update(next_check_at=None)
            return []
        calendar = calendar_for_unit(complaint.unit_id)
        levels = list(EscalationLevel.objects.filter(is_active=True).order_by("level"))
        sent = set(DeadlineNotice.objects.filter(clock=clock).values_list("kind", "level"))
        owed_now: list[_Due] = []
        later: list[dt.datetime] = []
        for due in _notices_owed(clock, complaint, calendar, levels):
            if (due.kind, due.level.level) in sent:
                continue
            if (
                due.kind == DeadlineNotice.Kind.NEAR_DUE
                and clock.due_at is not None
                and now >= clock.due_at
            ):
                continue  # too late for "near": the breach notice covers it
            if due.at <= now:
                owed_now.append(due)
            else:
                later.append(due.at)
        created: list[DeadlineNotice] = []
        if owed_now:
            if complaint.health_safety or calendar.always_open or calendar.is_working_instant(now):
                sent_now = [_send(clock, complaint, due, now) for due in owed_now]
                created = [notice for notice in sent_now if notice is not None]
            else:
                later.append(calendar.next_working_instant(now))
        next_check = min(later) if later else None
        if next_check != clock.next_check_at:
            clock.next_check_at = next_check
            StageClock.objects.filter(pk=clock.pk).update(next_check_at=next_check)
            _schedule(clock)
    return created


def _send(
    clock: StageClock, complaint: Complaint, due: _Due, now: dt.datetime
) -> DeadlineNotice | None:
    from redress.notifications.models import Notification
    from redress.notifications.services import notify_users

    recipients = _audience(complaint, due.level.audience)
    try:
        with transaction.atomic():
            notice = DeadlineNotice.objects.create(
                clock=clock,
                kind=due.kind,
                level=due.level.level,
                audience=due.level.audience,
                recipients=[user.pk for user in recipients],
                sent_at=now,
            )
    except IntegrityError:
        return None  # another worker sent it first
    if due.kind == DeadlineNotice.Kind.BREACHED and not (
        DeadlineNotice.objects.filter(clock=clock, kind=due.kind).exclude(pk=notice.pk).exists()
    ):
        # The first breach notice of a deadline tells subscribed integrations, once.
        from redress.integrations.services import webhooks_publish

        webhooks_publish(
            "complaint.deadline_breached", complaint, {"stage": clock.stage, "due_at": clock.due_at}
        )
    kind = (
        Notification.Kind.NEAR_DUE
        if due.kind == DeadlineNotice.Kind.NEAR_DUE
        else Notification.Kind.BREACHED
    )
    notify_users(
        users=recipients,
        kind=kind,
        complaint=complaint,
        dedupe_key=f"sla:{clock.pk}:{due.kind}:{due.level.level}",
    )
    if any(user.email for user in recipients):
        from redress.sla.tasks import email_notice

        enqueue_on_commit(email_notice, notice.pk)
    return notice


def sla_sweep(*, now: dt.datetime | None = None, limit: int = 1000) -> int:
    """Check every clock whose next check time has passed: what the per-deadline tasks should
    have done while no worker ran. Returns how many clocks were checked."""
    now = now or timezone.now()
    ids = list(
        StageClock.objects.filter(next_check_at__lte=now, outcome=RUNNING)
        .order_by("next_check_at")
        .values_list("pk", flat=True)[:limit]
    )
    for clock_id in ids:
        try:
            sla_clock_check(clock_id=clock_id, now=now)
        except Exception:
            # One broken clock must not hide the others' breaches; it is retried next sweep.
            logger.exception("SLA check of clock %s failed", clock_id)
    return len(ids)
